package io.microcdi.transport.memory;

import io.microcdi.errors.MicroException;
import io.microcdi.internal.exec.HandlerExecutors;
import io.microcdi.internal.transport.EngineStream;
import io.microcdi.internal.transport.StreamEngine;
import io.microcdi.internal.transport.StreamIo;
import io.microcdi.transport.Message;
import io.microcdi.transport.TransportException;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.ScheduledFuture;

/**
 * One end of a stream of the memory transport. Its peer is the other end: what one writes waits in the other's
 * {@code pending} queue until that end reads it, which it stops doing while its receiver lags (reading paused); the
 * writer is writable only while that queue is below {@link StreamEngine#WINDOW}, so a stalled receiver
 * stops the sender's publisher as a full socket would. Both ends share one {@link MemoryLoop}.
 *
 * <pre>{@code
 * MemoryStream[] pair = MemoryStream.pair("7", Duration.ZERO, Duration.ofMinutes(5), "memory:1");
 * pair[0].send(publisher);   // pair[1]'s receiver gets it
 * }</pre>
 */
final class MemoryStream implements EngineStream, StreamIo {

    private final StreamEngine engine;
    private final MemoryLoop loop;
    private final String remoteAddress;
    private final long idleNanos;
    private MemoryStream peer;
    /** What the peer wrote, not yet read; loop only. */
    private final ArrayDeque<Message> pending = new ArrayDeque<>();
    /** Loop only. */
    private boolean paused;
    private boolean handingOver;
    /** Loop only: {@link #writable()} said no, so the engine is told once the peer reads on. */
    private boolean blocked;
    /** Loop only. */
    private long lastActive;
    private ScheduledFuture<?> idleTimer;
    /** Runs once when this end is over (released or aborted). */
    private volatile Runnable onOver;

    private MemoryStream(MemoryLoop loop, String streamId, String errorId, Duration idleTimeout, String remoteAddress) {
        this.engine = new StreamEngine(streamId, errorId, this);
        this.loop = loop;
        this.remoteAddress = remoteAddress;
        this.idleNanos = idleTimeout.toNanos();
    }

    /**
     * A linked client end ({@code [0]}) and server end ({@code [1]}), idle timers running.
     *
     * @param clientIdle the client end's stream idle timeout, {@link Duration#ZERO} for none
     * @param serverIdle the server end's
     */
    static MemoryStream[] pair(String streamId, Duration clientIdle, Duration serverIdle, String serverAddress) {
        MemoryLoop loop = new MemoryLoop();
        MemoryStream client = new MemoryStream(loop, streamId, "go.micro.client", clientIdle, serverAddress);
        MemoryStream server = new MemoryStream(loop, streamId, "go.micro.server", serverIdle,
                MemoryTransport.DEFAULT_HOST + ":0");
        client.peer = server;
        server.peer = client;
        loop.run(() -> {
            client.startIdle();
            server.startIdle();
        });
        return new MemoryStream[] {client, server};
    }

    /** Sets what runs once this end is over; before the stream is handed out. */
    void onOver(Runnable task) {
        this.onOver = task;
    }

    @Override
    public StreamEngine engine() {
        return engine;
    }

    @Override
    public String remoteAddress() {
        return remoteAddress;
    }

    /** Whether this end is over (released or aborted). */
    boolean ended() {
        return engine.isOver();
    }

    /** Fails this end with {@code cause} (the peer sees the stream cancelled), from any thread. */
    void breakWith(TransportException cause) {
        onLoop(() -> engine.broken(cause));
    }

    /** The message that carries {@code e}, as this end would send it. */
    Message errorFor(MicroException e) {
        return engine.errorMessage(e);
    }

    // ---- StreamIo ----

    @Override
    public void onLoop(Runnable task) {
        loop.run(task);
    }

    @Override
    public void onLoopLater(Runnable task) {
        loop.later(task);
    }

    @Override
    public void write(Message message) {
        peer.pending.add(message);
    }

    @Override
    public void flush() {
        peer.handOver();
    }

    @Override
    public boolean writable() {
        boolean w = peer.pending.size() < StreamEngine.WINDOW;
        if (!w) {
            blocked = true;
        }
        return w;
    }

    @Override
    public void pauseReading(boolean pause) {
        onLoop(() -> {
            paused = pause;
            if (!pause) {
                handOver();
            }
        });
    }

    @Override
    public void release() {
        flush();
        // a peer still sending (its reader here cancelled, or we gave up after a 408) has its direction ended: it sees
        // the stream broken once it read what we wrote
        MemoryStream p = peer;
        if (!p.ended()) {
            Message m;
            while ((m = p.pending.poll()) != null) {
                p.engine.received(m);
            }
            if (!p.ended()) {
                p.engine.broken(new TransportException("stream " + streamId() + " ended by peer", null, true));
            }
        }
        pending.clear();
        over();
    }

    @Override
    public void abort() {
        // what we wrote and the peer did not read yet still reaches it (an error or a 408 among it, say), then the
        // peer sees the stream cancelled
        MemoryStream p = peer;
        Message m;
        while ((m = p.pending.poll()) != null) {
            p.engine.received(m);
        }
        pending.clear();
        p.engine.broken(new TransportException("stream " + streamId() + " cancelled by peer", null, true));
        over();
    }

    @Override
    public void touch() {
        lastActive = System.nanoTime();
    }

    // ---- the pipe ----

    /** Reads what the peer wrote while reading is not paused; tells the peer when it may write again. */
    private void handOver() {
        if (handingOver) {
            return; // re-entered from a receiver on a direct executor: the outer call reads on
        }
        handingOver = true;
        try {
            Message m;
            while (!paused && (m = pending.poll()) != null) {
                engine.received(m);
            }
        } finally {
            handingOver = false;
        }
        MemoryStream p = peer;
        if (p.blocked && pending.size() < StreamEngine.WINDOW) {
            p.blocked = false;
            p.engine.writabilityChanged();
        }
    }

    private void over() {
        ScheduledFuture<?> t = idleTimer;
        if (t != null) {
            t.cancel(false);
        }
        Runnable r = onOver;
        onOver = null;
        if (r != null) {
            r.run();
        }
    }

    // ---- idle timeout ----

    private void startIdle() {
        if (idleNanos > 0 && !ended()) {
            lastActive = System.nanoTime();
            scheduleIdle(idleNanos);
        }
    }

    private void scheduleIdle(long delayNanos) {
        idleTimer = HandlerExecutors.schedule(() -> onLoop(this::checkIdle), delayNanos);
    }

    private void checkIdle() {
        if (ended()) {
            return;
        }
        long quiet = System.nanoTime() - lastActive;
        if (quiet >= idleNanos) {
            engine.idle(Duration.ofNanos(idleNanos));
        } else {
            scheduleIdle(idleNanos - quiet);
        }
    }
}
