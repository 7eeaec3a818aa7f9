package io.microcdi.quarkus.deployment;

import io.microcdi.annotation.Service;

/** A service of the tests: endpoint {@code Greeter.Hello}. */
@Service(name = "greeter")
public class Greeter {

    /** Greets {@code req.name()}. */
    public HelloReply hello(HelloRequest req) {
        return new HelloReply("Hello " + req.name());
    }
}
