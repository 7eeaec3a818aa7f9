package io.microcdi.bench.jmh;

import io.microcdi.examples.greeter.HelloRequest;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * A handler with the scope of a {@code @Service} and no work of its own, so that what is measured around it is the
 * call: endpoint {@code EchoHandler.Echo}.
 *
 * <pre>{@code
 * ServiceModel.define(EchoHandler.class, container.select(EchoHandler.class).get(), "echo", "1.0.0")
 * }</pre>
 */
@ApplicationScoped
public class EchoHandler {

    /** Answers with the request. */
    public HelloRequest echo(HelloRequest request) {
        return request;
    }
}
