package io.microcdi.bench.jmh;

import io.microcdi.annotation.Endpoint;
import io.microcdi.examples.greeter.HelloReply;
import io.microcdi.examples.greeter.HelloRequest;

/**
 * The greeter's client with {@link EmptyInterceptor} bound on the interface.
 *
 * <pre>{@code
 * @Inject @MicroClient("greeter") InterceptedGreeterApi greeter;
 * }</pre>
 */
@Empty
@Endpoint("Greeter")
public interface InterceptedGreeterApi {

    /** Calls {@code Greeter.Hello} through the interceptor. */
    HelloReply hello(HelloRequest req);
}
