package io.microcdi.bench.jmh;

import io.microcdi.examples.greeter.HelloRequest;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * {@link EchoHandler} with {@link EmptyInterceptor} bound: the container's instance is Weld's intercepted subclass.
 *
 * <pre>{@code
 * container.select(InterceptedEchoHandler.class).get().echo(request)   // through EmptyInterceptor
 * }</pre>
 */
@Empty
@ApplicationScoped
public class InterceptedEchoHandler {

    /** Answers with the request. */
    public HelloRequest echo(HelloRequest request) {
        return request;
    }
}
