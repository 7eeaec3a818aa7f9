package io.microcdi.internal.transport;

import io.microcdi.errors.ErrorJson;
import io.microcdi.errors.MicroException;
import io.microcdi.transport.Message;
import io.microcdi.transport.MessageStream;

import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The receive side of a {@link StreamEngine}: what the peer sends, queued on the loop and delivered to the receiving
 * subscriber on its executor as it asks, reading paused while more than {@link StreamEngine#WINDOW} messages wait,
 * and the peer's end (end of stream or error) delivered after everything before it.
 *
 * <pre>{@code
 * engine.receive(subscriber, executor);   // the engine hands it to its Inbound
 * }</pre>
 *
 * <p>Its state is guarded by this object's monitor: the loop fills it, the receiver's executor drains it, and a
 * cancel or a request may come from any thread. Reading is paused and resumed on the loop, in the order the state
 * changed.
 */
final class Inbound {

    private static final System.Logger LOG = System.getLogger(Inbound.class.getName());

    private final StreamEngine engine;
    private final StreamIo io;

    // ---- guarded by this ----
    private final ArrayDeque<Message> queue = new ArrayDeque<>();
    /** {@link StreamEngine#COMPLETE}, a Throwable, or null while the peer may still send. */
    private Object terminal;
    private long demand;
    private boolean readingPaused;
    private boolean cancelled;
    private boolean delivered;
    private Flow.Subscriber<? super Message> subscriber;

    private volatile Executor executor;
    private final AtomicInteger wip = new AtomicInteger();

    Inbound(StreamEngine engine, StreamIo io) {
        this.engine = engine;
        this.io = io;
    }

    // ---- from the loop ----

    /**
     * A message arrived: queued, or (when {@code error}, its {@code Micro-Error}, is set) the end of the peer's
     * direction. Returns {@code false} when the direction had ended already: the message is dropped.
     */
    boolean received(Message message, String error) {
        synchronized (this) {
            if (terminal != null) {
                return false; // after the end: a peer that broke the protocol; nothing is delivered past the end
            }
            if (error != null) {
                terminal = MessageStream.END_OF_STREAM.equals(error) ? StreamEngine.COMPLETE : ErrorJson.parse(error);
            } else if (!cancelled) {
                queue.add(message);
                if (queue.size() >= StreamEngine.WINDOW && !readingPaused) {
                    readingPaused = true;
                    io.pauseReading(true); // on the loop already, and under the lock: no resume can overtake it
                }
            }
        }
        scheduleDelivery();
        return true;
    }

    /**
     * An error we sent ends the stream, as one we receive does: what the peer still sends is dropped, and our
     * receiver fails with the same error.
     */
    void endWith(MicroException e) {
        boolean resume;
        synchronized (this) {
            if (terminal != null) {
                return;
            }
            terminal = e;
            queue.clear();
            resume = readingPaused;
            readingPaused = false;
        }
        if (resume) {
            io.pauseReading(false);
        }
        scheduleDelivery();
    }

    /**
     * The stream ends with {@code cause}: the receiver gets it unless the peer's direction had ended before (then
     * what it sent up to its end is still delivered), or unless the end is {@code local} (cancelled here: nothing
     * more is delivered). Delivery is not scheduled here.
     */
    void fail(Throwable cause, boolean local) {
        synchronized (this) {
            if (terminal == null) {
                terminal = cause;
                queue.clear();
            }
            if (local) {
                queue.clear();
                cancelled = true;
            }
        }
    }

    /** Whether the peer's direction is over for us: ended, or no longer wanted. */
    boolean done() {
        synchronized (this) {
            return cancelled || terminal != null;
        }
    }

    // ---- the receiver ----

    void subscribe(Flow.Subscriber<? super Message> subscriber, Executor executor) {
        Objects.requireNonNull(subscriber, "subscriber");
        Objects.requireNonNull(executor, "executor");
        synchronized (this) {
            if (this.subscriber != null) {
                throw new IllegalStateException("receive: already subscribed (expected: once per stream)");
            }
            // hold the delivery until onSubscribe returned: on a pool, a delivery task of its own could overtake it
            wip.getAndIncrement();
            this.executor = executor;
            this.subscriber = subscriber;
        }
        Flow.Subscription subscription = new Flow.Subscription() {
            @Override
            public void request(long n) {
                if (n <= 0) {
                    engine.fail(new IllegalArgumentException("request: " + n + " (expected: more than 0; rule 3.9)"),
                            false);
                    return;
                }
                synchronized (Inbound.this) {
                    demand = demand + n < 0 ? Long.MAX_VALUE : demand + n;
                }
                scheduleDelivery();
            }

            @Override
            public void cancel() {
                boolean resume;
                synchronized (Inbound.this) {
                    cancelled = true;
                    queue.clear();
                    resume = readingPaused;
                    readingPaused = false;
                }
                if (resume) {
                    io.onLoop(Inbound.this::applyReading); // read on and drop: the peer is never stuck
                }
                io.onLoop(engine::overIfDone); // our direction may have ended already
            }
        };
        execute(() -> {
            try {
                subscriber.onSubscribe(subscription);
            } catch (Throwable t) {
                LOG.log(System.Logger.Level.WARNING, "stream " + engine.streamId() + ": subscriber failed", t);
                io.onLoop(engine::cancel);
                return;
            }
            deliver();
        });
    }

    // ---- delivery, on the receiver's executor ----

    void scheduleDelivery() {
        if (executor == null) {
            return; // nobody subscribed yet: messages wait (reading paused past the window)
        }
        if (wip.getAndIncrement() == 0) {
            execute(this::deliver);
        }
    }

    private void execute(Runnable task) {
        try {
            executor.execute(task);
        } catch (RejectedExecutionException closed) {
            LOG.log(System.Logger.Level.DEBUG, "stream {0}: executor closed, cancelling", engine.streamId());
            io.onLoop(engine::cancel);
        }
    }

    private void deliver() {
        int missed = 1;
        for (;;) {
            for (;;) {
                Message next;
                Object end = null;
                boolean resume = false;
                Flow.Subscriber<? super Message> s;
                synchronized (this) {
                    s = subscriber;
                    if (delivered || cancelled || s == null) {
                        break;
                    }
                    next = demand > 0 ? queue.poll() : null;
                    if (next != null) {
                        demand--;
                        if (readingPaused && queue.size() <= StreamEngine.WINDOW / 2) {
                            readingPaused = false;
                            resume = true;
                        }
                    } else if (queue.isEmpty() && terminal != null) {
                        end = terminal;
                        delivered = true;
                    }
                }
                if (resume) {
                    io.onLoop(this::applyReading);
                }
                if (next != null) {
                    try {
                        s.onNext(next);
                    } catch (Throwable t) {
                        LOG.log(System.Logger.Level.WARNING, "stream " + engine.streamId() + ": subscriber failed", t);
                        io.onLoop(engine::cancel);
                        return;
                    }
                    continue;
                }
                if (end != null) {
                    if (end == StreamEngine.COMPLETE) {
                        s.onComplete();
                    } else {
                        s.onError((Throwable) end);
                    }
                }
                break;
            }
            missed = wip.addAndGet(-missed);
            if (missed == 0) {
                return;
            }
        }
    }

    /**
     * Applies the reading state as it is when this runs on the loop: a resume asked from the receiver's thread must
     * not undo a pause the loop made after it was asked.
     */
    private void applyReading() {
        boolean paused;
        synchronized (this) {
            paused = readingPaused;
        }
        io.pauseReading(paused);
    }
}
