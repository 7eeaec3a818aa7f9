package io.microcdi.examples.greeter;

import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * The client view of the greeter: {@code hello} and {@code helloAsync} both call {@code Greeter.Hello},
 * {@code helloNow} and {@code helloNowAsync} call {@code Greeter.HelloNow}.
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

    /** Calls {@code Greeter.HelloNow} (the same answer, served on the greeter's I/O thread) and waits for the reply. */
    HelloReply helloNow(HelloRequest req);

    /** Calls {@code Greeter.HelloNow} without blocking. */
    CompletionStage<HelloReply> helloNowAsync(HelloRequest req);

    /** Opens a {@code Greeter.Chat} stream for each subscriber: sends {@code requests}, publishes the replies. */
    Flow.Publisher<HelloReply> chat(Flow.Publisher<HelloRequest> requests);
}
