package io.microcdi.internal.transport;

import io.microcdi.transport.Message;

/**
 * The part of a stream only its transport knows: its I/O thread ("the loop"), how a message is written, whether the
 * connection takes more, how reading is paused, and how the connection (or HTTP/2 stream) is let go. A
 * {@link StreamEngine} drives it; everything but {@link #onLoop} and {@link #onLoopLater} is called on the loop.
 *
 * <pre>{@code
 * final class SocketStream implements EngineStream, StreamIo {
 *     private final StreamEngine engine = new StreamEngine(id, "go.micro.client", this);
 *     public void write(Message m) { channel.write(encode(m)); }
 *     ...
 * }
 * }</pre>
 */
public interface StreamIo {

    /** Runs {@code task} on the loop: now when already on it, else queued. */
    void onLoop(Runnable task);

    /**
     * Queues {@code task} on the loop behind what is queued there now, even when called on the loop: how a long run
     * of writes yields to the loop's other work.
     */
    void onLoopLater(Runnable task);

    /** Writes one message, not yet flushed. */
    void write(Message message);

    /** Flushes what was written. */
    void flush();

    /** Whether the connection takes more without queuing in memory. */
    boolean writable();

    /**
     * Stops ({@code true}) or resumes reading from the connection. Calls come in the order the state changed, each
     * with the state current when it runs.
     */
    void pauseReading(boolean pause);

    /** Both directions ended in order: flush and let the connection (or HTTP/2 stream) go. */
    void release();

    /** The stream was cancelled or broke: drop the connection (or reset the HTTP/2 stream) at once. */
    void abort();

    /** Called for every message read or written: a transport measures the idle timeout from it. */
    default void touch() {
    }
}
