package io.microcdi.grpc.cdi;

import io.microcdi.annotation.Service;
import io.microcdi.errors.MicroException;

/** The service {@code greeter-cdi}, endpoint {@code Greeter.Hello}, served by whichever server is configured. */
@Service(name = "greeter-cdi")
public class Greeter {

    public Greeting hello(Hello req) {
        if (req.name() == null || req.name().isBlank()) {
            throw MicroException.badRequest("greeter-cdi.hello", "name is required");
        }
        return new Greeting("Hello " + req.name(), Thread.currentThread().getName());
    }
}
