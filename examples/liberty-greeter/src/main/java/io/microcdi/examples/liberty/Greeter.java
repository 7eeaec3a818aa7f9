package io.microcdi.examples.liberty;

import io.microcdi.annotation.Service;
import io.microcdi.errors.MicroException;

/**
 * The greeter service, endpoint {@code Greeter.Hello}: the same wire as the Weld SE greeter of
 * {@code examples/greeter}, so either answers the other's callers.
 *
 * <pre>{@code
 * curl -s -H 'Content-Type: application/json' -H 'Micro-Service: greeter' -H 'Micro-Endpoint: Greeter.Hello' \
 *      -d '{"name":"John"}' http://127.0.0.1:9090/
 * }</pre>
 */
@Service(name = "greeter")
public class Greeter {

    /** Greets {@code req.name()}; a missing name is the caller's mistake, so it is a 400. */
    public HelloReply hello(HelloRequest req) {
        if (req.name() == null || req.name().isBlank()) {
            throw MicroException.badRequest("greeter.hello", "name is required");
        }
        return new HelloReply("Hello " + req.name());
    }
}
