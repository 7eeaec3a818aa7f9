package io.microcdi.transport.http;

import io.microcdi.internal.transport.EngineStream;
import io.microcdi.internal.transport.StreamEngine;
import io.microcdi.internal.transport.StreamIo;
import io.microcdi.metadata.Metadata;
import io.microcdi.transport.Message;
import io.microcdi.transport.MessageStream;
import io.netty.channel.EventLoop;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * What the streams of the {@code http} transport share: their {@link StreamEngine}, their event loop, and the stream
 * idle timeout ({@code micro.transport.stream-idle-timeout}) measured from the last message read or written.
 *
 * <pre>{@code
 * final class Http1Stream extends HttpStream { ... }   // one HTTP/1.1 connection, or one HTTP/2 stream
 * }</pre>
 *
 * <p>The timer is one scheduled task per timeout period, not one per message: a message only records the time.
 */
abstract class HttpStream implements EngineStream, StreamIo {

    private final StreamEngine engine;
    private final EventLoop loop;
    private final Duration idleTimeout;
    private final long idleNanos;
    /** Loop only: when the last message was read or written. */
    private long lastMessage = System.nanoTime();
    private ScheduledFuture<?> idleTimer;

    HttpStream(String streamId, String errorId, EventLoop loop, Duration idleTimeout) {
        this.engine = new StreamEngine(streamId, errorId, this);
        this.loop = loop;
        this.idleTimeout = idleTimeout;
        this.idleNanos = idleTimeout.toNanos();
    }

    /** The {@code Micro-Stream} id of {@code header} ({@code X-Micro-Stream} too), or {@code null}. */
    static String streamId(Metadata header) {
        String id = header.get(MessageStream.STREAM_HEADER);
        return id != null ? id : header.get("X-" + MessageStream.STREAM_HEADER);
    }

    /** The id of a stream opened by {@code open}: its {@code Micro-Stream}, or a fresh one when it has none. */
    static String streamIdOrNew(Message open) {
        String id = streamId(open.header());
        return id != null && !id.isEmpty() ? id : UUID.randomUUID().toString();
    }

    @Override
    public final StreamEngine engine() {
        return engine;
    }

    final EventLoop loop() {
        return loop;
    }

    @Override
    public final void onLoop(Runnable task) {
        if (loop.inEventLoop()) {
            task.run();
            return;
        }
        try {
            loop.execute(task);
        } catch (RejectedExecutionException closed) {
            // the transport is shut down: the connection is gone with it
        }
    }

    @Override
    public final void onLoopLater(Runnable task) {
        try {
            loop.execute(task);
        } catch (RejectedExecutionException closed) {
            // the transport is shut down: the connection is gone with it
        }
    }

    @Override
    public final void touch() {
        lastMessage = System.nanoTime();
    }

    /** Starts the idle timer; on the loop, once the stream carries messages. */
    final void startIdleTimer() {
        lastMessage = System.nanoTime();
        if (idleNanos > 0 && !engine.isOver()) {
            idleTimer = loop.schedule(this::checkIdle, idleNanos, TimeUnit.NANOSECONDS);
        }
    }

    private void checkIdle() {
        idleTimer = null;
        if (engine.isOver()) {
            return;
        }
        long quiet = System.nanoTime() - lastMessage;
        if (quiet >= idleNanos) {
            engine.idle(idleTimeout);
        } else {
            idleTimer = loop.schedule(this::checkIdle, idleNanos - quiet, TimeUnit.NANOSECONDS);
        }
    }

    /** Stops the idle timer; on the loop, when the stream is over. */
    final void stopIdleTimer() {
        ScheduledFuture<?> t = idleTimer;
        if (t != null) {
            idleTimer = null;
            t.cancel(false);
        }
    }

    /** The longest a release waits on a peer that shows no sign of life: the idle timeout, else 30 s. */
    static final long RELEASE_CAP_DEFAULT_NANOS = TimeUnit.SECONDS.toNanos(30);

    /**
     * How long a graceful release may wait for the peer (to read what we sent, to close its side) while nothing
     * arrives from it: the stream idle timeout, or {@link #RELEASE_CAP_DEFAULT_NANOS} when there is none. A peer
     * that stays silent that long is cut off; one that still sends keeps the release waiting.
     */
    final long releaseCapNanos() {
        return idleNanos > 0 ? idleNanos : RELEASE_CAP_DEFAULT_NANOS;
    }

    /** Nanos of the last message that arrived (or was sent): what a lingering release measures from. */
    final long lastMessage() {
        return lastMessage;
    }

    /** A message arrived from the peer; on the loop. After the stream is over it only shows the peer is alive. */
    final void deliver(Message message) {
        if (engine.isOver()) {
            lastMessage = System.nanoTime();
            return;
        }
        engine.received(message);
    }

    /** The connection or stream broke; on the loop. */
    final void fail(Throwable cause) {
        engine.broken(cause);
    }

    /** The connection can take more, or no longer; on the loop. */
    final void writableChanged() {
        engine.writabilityChanged();
    }

    /** Whether the stream is over; from any thread. */
    final boolean over() {
        return engine.isOver();
    }
}
