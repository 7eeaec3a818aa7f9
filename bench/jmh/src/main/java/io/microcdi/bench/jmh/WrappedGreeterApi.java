package io.microcdi.bench.jmh;

import io.microcdi.annotation.Endpoint;
import io.microcdi.annotation.Wrap;
import io.microcdi.examples.greeter.HelloReply;
import io.microcdi.examples.greeter.HelloRequest;

/**
 * The greeter's client with the {@link PassThrough} call wrapper.
 *
 * <pre>{@code
 * @Inject @MicroClient("greeter") WrappedGreeterApi greeter;
 * }</pre>
 */
@Wrap(PassThrough.class)
@Endpoint("Greeter")
public interface WrappedGreeterApi {

    /** Calls {@code Greeter.Hello}, each attempt through the wrapper. */
    HelloReply hello(HelloRequest req);
}
