package io.microcdi.internal.transport;

import io.microcdi.transport.Message;
import io.microcdi.transport.MessageStream;

import java.util.concurrent.Executor;
import java.util.concurrent.Flow;

/**
 * A {@link MessageStream} whose two directions a {@link StreamEngine} runs: the streams of the built-in transports.
 * The transport's stream class supplies the engine and its address; the stream's API goes to the engine.
 *
 * <pre>{@code
 * final class SocketStream implements EngineStream, StreamIo {
 *     private final StreamEngine engine = new StreamEngine(id, "go.micro.client", this);
 *     public StreamEngine engine() { return engine; }
 *     ...
 * }
 * }</pre>
 */
public interface EngineStream extends MessageStream {

    /** The engine of this stream. */
    StreamEngine engine();

    /** The stream's {@code Micro-Stream} id. */
    default String streamId() {
        return engine().streamId();
    }

    /** Whether the stream is over (released or aborted); from any thread. */
    default boolean isOver() {
        return engine().isOver();
    }

    @Override
    default void receive(Flow.Subscriber<? super Message> subscriber, Executor executor) {
        engine().receive(subscriber, executor);
    }

    @Override
    default void send(Flow.Publisher<? extends Message> publisher) {
        engine().send(publisher);
    }

    @Override
    default void cancel() {
        engine().cancel();
    }
}
