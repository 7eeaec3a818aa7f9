package io.microcdi.examples.greeter;

import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

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

    /** Opens a {@code Greeter.Chat} stream for each subscriber: sends {@code requests}, publishes the replies. */
    Flow.Publisher<HelloReply> chat(Flow.Publisher<HelloRequest> requests);
}
