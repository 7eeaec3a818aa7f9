package io.microcdi.internal.transport;

import io.microcdi.errors.MicroException;
import io.microcdi.transport.Message;

import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The send side of a {@link StreamEngine}: the sending publisher's subscriber. It asks the publisher for at most
 * {@link StreamEngine#WINDOW} messages ahead, and for more only while the connection is writable; it writes what
 * arrives on the loop, in order, then our end of stream, or the publisher's error as a Go Micro error.
 *
 * <pre>{@code
 * engine.send(publisher);   // the engine hands it to its Outbound
 * }</pre>
 *
 * <p>The publisher may signal from any thread: its messages are queued and written on the loop, where all the rest
 * of this class runs. A run of writes asks for at most {@link #WRITE_BUDGET} messages before it yields the loop.
 */
final class Outbound implements Flow.Subscriber<Message> {

    /**
     * How many messages one run of writes asks for before it yields the loop (to the other streams and connections
     * it serves, and to a cancel queued behind it) and carries on in a task of its own.
     */
    private static final int WRITE_BUDGET = 4 * StreamEngine.WINDOW;

    private final StreamEngine engine;
    private final StreamIo io;

    // ---- offered from any thread, written on the loop ----
    private final ConcurrentLinkedQueue<Message> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger wip = new AtomicInteger();
    private final AtomicBoolean sending = new AtomicBoolean();
    private volatile Flow.Subscription upstream;
    /** {@link StreamEngine#COMPLETE} or a Throwable once the publisher finished; read on the loop. */
    private volatile Object terminal;
    /** Loop only: messages asked for and not yet written. */
    private int outstanding;
    /** Loop only: the end of our direction was written. */
    private boolean done;

    Outbound(StreamEngine engine, StreamIo io) {
        this.engine = engine;
        this.io = io;
    }

    /** Subscribes to {@code publisher}, once per stream. */
    void send(Flow.Publisher<? extends Message> publisher) {
        Objects.requireNonNull(publisher, "publisher");
        if (!sending.compareAndSet(false, true)) {
            throw new IllegalStateException("send: already sending (expected: once per stream)");
        }
        publisher.subscribe(this);
    }

    /** Whether our direction has ended (our end written, or given up); on the loop. */
    boolean done() {
        return done;
    }

    /** Our direction ends without a word to the peer: the publisher is cancelled, nothing more is written; loop. */
    void stop() {
        if (done) {
            return;
        }
        done = true;
        queue.clear();
        Flow.Subscription s = upstream;
        if (s != null) {
            s.cancel();
        }
    }

    /**
     * The stream is over: the publisher is cancelled and what it queued dropped; on the loop. Returns whether our
     * direction was still open (it is ended now), so that the caller may still write its last word.
     */
    boolean close() {
        Flow.Subscription s = upstream;
        if (s != null) {
            s.cancel();
        }
        queue.clear();
        if (done) {
            return false;
        }
        done = true;
        return true;
    }

    // ---- the publisher's signals, from any thread ----

    @Override
    public void onSubscribe(Flow.Subscription s) {
        if (upstream != null) {
            s.cancel();
            return;
        }
        upstream = s;
        if (engine.isOver()) {
            s.cancel(); // over meanwhile: the end may have looked for the subscription before it was here
            return;
        }
        scheduleWrites();
    }

    @Override
    public void onNext(Message item) {
        queue.offer(Objects.requireNonNull(item, "item (rule 2.13)"));
        scheduleWrites();
    }

    @Override
    public void onError(Throwable t) {
        terminal = t == null ? new NullPointerException("onError(null)") : t;
        scheduleWrites();
    }

    @Override
    public void onComplete() {
        terminal = StreamEngine.COMPLETE;
        scheduleWrites();
    }

    // ---- writes, on the loop ----

    /** Writes what is queued and asks for more, on the loop; also when the connection's writability changed. */
    void scheduleWrites() {
        if (wip.getAndIncrement() == 0) {
            io.onLoop(this::writeAll);
        }
    }

    private void writeAll() {
        int missed = 1;
        int budget = WRITE_BUDGET;
        boolean yielded = false;
        for (;;) {
            if (!engine.isOver() && !done) {
                // read the end first: every item emitted before it is queued by then, while an item queued after
                // the drain below but before a later read of the end would be dropped with the queue
                Object end = terminal;
                int n = 0;
                Message m;
                while ((m = queue.poll()) != null) {
                    io.write(m);
                    outstanding--;
                    n++;
                }
                if (n > 0) {
                    io.touch();
                }
                if (end != null) {
                    done = true;
                    if (end == StreamEngine.COMPLETE) {
                        io.write(engine.endMessage());
                    } else {
                        MicroException e = engine.asMicro((Throwable) end);
                        io.write(engine.errorMessage(e));
                        engine.sentError(e);
                    }
                    io.flush();
                    engine.overIfDone();
                } else {
                    if (n > 0) {
                        io.flush();
                    }
                    Flow.Subscription s = upstream;
                    if (s != null && outstanding <= StreamEngine.WINDOW / 2 && io.writable()) {
                        if (budget <= 0) {
                            yielded = true; // a fast reader keeps us writable: let the loop's other work run first
                        } else {
                            int more = StreamEngine.WINDOW - outstanding;
                            outstanding = StreamEngine.WINDOW;
                            budget -= more;
                            s.request(more); // may call onNext right here: the wip counter brings us round again
                        }
                    }
                }
            } else {
                queue.clear();
            }
            missed = wip.addAndGet(-missed);
            if (missed == 0) {
                if (yielded) {
                    io.onLoopLater(this::scheduleWrites);
                }
                return;
            }
        }
    }
}
