package io.microcdi.examples.greeter;

import java.util.concurrent.CompletionStage;

/**
 * The client view of the greeter: {@code hello} and {@code helloAsync} both call {@code Greeter.Hello}.
 *
 * <pre>{@code
 * @Inject @MicroClient("greeter") GreeterApi greeter;
 * }</pre>
 */
public interface GreeterApi {

    /** Calls {@code Greeter.Hello} and waits for the reply. */
    HelloReply hello(HelloRequest req);

    /** Calls {@code Greeter.Hello} without blocking. */
    CompletionStage<HelloReply> helloAsync(HelloRequest req);
}
