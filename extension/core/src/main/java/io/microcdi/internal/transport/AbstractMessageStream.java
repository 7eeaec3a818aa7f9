package io.microcdi.internal.transport;

import io.microcdi.errors.MicroException;
import io.microcdi.errors.ErrorJson;
import io.microcdi.metadata.Metadata;
import io.microcdi.transport.Message;
import io.microcdi.transport.MessageStream;
import io.microcdi.transport.TransportException;
import io.microcdi.transport.TransportTimeoutException;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What every transport's {@link MessageStream} shares: demand, prefetch and pausing of reads on the way in, credit
 * and writability on the way out, Go Micro's end of stream and errors, and when the stream is over. A transport
 * supplies the I/O: {@link #onLoop}, {@link #write}, {@link #flush}, {@link #writable}, {@link #pauseReading},
 * {@link #release} and {@link #abort}, and calls {@link #received}, {@link #writabilityChanged}, {@link #broken} and
 * {@link #idle} as its connection tells it.
 *
 * <pre>{@code
 * final class SocketStream extends AbstractMessageStream {
 *     protected void write(Message m) { channel.write(encode(m)); }
 *     ...
 * }
 * }</pre>
 *
 * <p>Threads: {@link #received}, {@link #writabilityChanged}, {@link #broken}, {@link #idle} and the write hooks run
 * on the transport's I/O thread ("the loop"); the receiving subscriber's signals run on its executor, one at a time;
 * the sending publisher may signal from any thread: its messages are queued and written on the loop, in order.
 */
public abstract class AbstractMessageStream implements MessageStream {

    /**
     * How many messages are read ahead of the receiver's demand, and how many are asked of the sender's publisher
     * ahead of the connection: small enough to bound memory by the message size, large enough to keep the
     * connection busy.
     */
    protected static final int WINDOW = 64;

    /**
     * How many messages one run of writes asks for before it yields the loop (to the other streams and connections
     * it serves, and to a cancel queued behind it) and carries on in a task of its own.
     */
    private static final int WRITE_BUDGET = 4 * WINDOW;

    private static final System.Logger LOG = System.getLogger(AbstractMessageStream.class.getName());
    private static final Object COMPLETE = new Object();

    private final String streamId;
    private final String errorId;

    // ---- inbound: filled on the loop, drained on the receiver's executor; guarded by inLock ----
    private final Object inLock = new Object();
    private final ArrayDeque<Message> inQueue = new ArrayDeque<>();
    /** {@link #COMPLETE}, a Throwable, or null while the peer may still send. */
    private Object inTerminal;
    private long demand;
    private boolean readingPaused;
    private boolean inCancelled;
    private boolean inDelivered;
    private Flow.Subscriber<? super Message> subscriber;
    private volatile Executor executor;
    private final AtomicInteger deliverWip = new AtomicInteger();

    // ---- outbound: offered from any thread, written on the loop ----
    private final ConcurrentLinkedQueue<Message> outQueue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger writeWip = new AtomicInteger();
    private final AtomicBoolean sending = new AtomicBoolean();
    private volatile Flow.Subscription upstream;
    /** {@link #COMPLETE} or a Throwable once the publisher finished; read on the loop. */
    private volatile Object outTerminal;
    /** Loop only: messages asked for and not yet written. */
    private int outstanding;
    /** Loop only: the end of our direction was written. */
    private boolean outDone;

    /** Set once, when the stream is released or aborted. */
    private final AtomicBoolean over = new AtomicBoolean();

    /**
     * @param streamId the {@code Micro-Stream} id, put on the end-of-stream and error messages this side sends
     * @param errorId  the id of the errors this side raises itself ({@code go.micro.server}, {@code go.micro.client})
     */
    protected AbstractMessageStream(String streamId, String errorId) {
        this.streamId = Objects.requireNonNull(streamId, "streamId");
        this.errorId = errorId;
    }

    /** The stream's {@code Micro-Stream} id. */
    public final String streamId() {
        return streamId;
    }

    // ---- what a transport supplies ----

    /** Runs {@code task} on the loop: now when already on it, else queued. */
    protected abstract void onLoop(Runnable task);

    /**
     * Queues {@code task} on the loop behind what is queued there now, even when called on the loop: how a long run
     * of writes yields to the loop's other work.
     */
    protected abstract void onLoopLater(Runnable task);

    /** Writes one message, not yet flushed; on the loop. */
    protected abstract void write(Message message);

    /** Flushes what was written; on the loop. */
    protected abstract void flush();

    /** Whether the connection takes more without queuing in memory; on the loop. */
    protected abstract boolean writable();

    /**
     * Stops ({@code true}) or resumes reading from the connection; on the loop. Calls come in the order the state
     * changed, each with the state current when it runs.
     */
    protected abstract void pauseReading(boolean pause);

    /** Both directions ended in order: flush and let the connection (or HTTP/2 stream) go; on the loop. */
    protected abstract void release();

    /** The stream was cancelled or broke: drop the connection (or reset the HTTP/2 stream) at once; on the loop. */
    protected abstract void abort();

    // ---- what a transport calls ----

    /** A message arrived from the peer; on the loop. */
    protected final void received(Message message) {
        touch();
        String error = message.header().get("Micro-Error");
        if (error == null) {
            error = message.header().get("X-Micro-Error");
        }
        synchronized (inLock) {
            if (inTerminal != null) {
                return; // after the end: a peer that broke the protocol; nothing is delivered past the end
            }
            if (error != null) {
                inTerminal = END_OF_STREAM.equals(error) ? COMPLETE : ErrorJson.parse(error);
            } else if (!inCancelled) {
                inQueue.add(message);
                if (inQueue.size() >= WINDOW && !readingPaused) {
                    readingPaused = true;
                    pauseReading(true); // on the loop already, and under the lock: no resume can overtake it
                }
            }
        }
        scheduleDelivery();
        if (error != null) {
            if (!END_OF_STREAM.equals(error)) {
                stopSending(); // an error ends the stream: nothing we still send would be read
            }
            overIfDone();
        }
    }

    /**
     * An error we sent ends the stream, as one we receive does: what the peer still sends is dropped, and our
     * receiver fails with the same error; on the loop.
     */
    private void endInbound(MicroException e) {
        boolean resume;
        synchronized (inLock) {
            if (inTerminal != null) {
                return;
            }
            inTerminal = e;
            inQueue.clear();
            resume = readingPaused;
            readingPaused = false;
        }
        if (resume) {
            pauseReading(false);
        }
        scheduleDelivery();
    }

    /** Our direction ends without a word to the peer: the publisher is cancelled, nothing more is written; loop. */
    private void stopSending() {
        if (outDone) {
            return;
        }
        outDone = true;
        outQueue.clear();
        Flow.Subscription s = upstream;
        if (s != null) {
            s.cancel();
        }
    }

    /** The connection can take more (or can no longer); on the loop. */
    protected final void writabilityChanged() {
        scheduleWrites();
    }

    /**
     * The connection broke, or the peer reset the stream: the receiver gets {@code cause}, the publisher is
     * cancelled; on the loop.
     */
    protected final void broken(Throwable cause) {
        fail(cause, false);
    }

    /** No message either way for the idle timeout: both sides fail, the peer is told; on the loop. */
    protected final void idle(java.time.Duration timeout) {
        String text = "stream " + streamId + " idle for " + timeout.toMillis() + " ms";
        if (!over.compareAndSet(false, true)) {
            return;
        }
        synchronized (inLock) {
            if (inTerminal == null) {
                inTerminal = new TransportTimeoutException(text, true); // ours, before the peer can answer the 408
                inQueue.clear();
            }
        }
        Flow.Subscription s = upstream;
        if (s != null) {
            s.cancel();
        }
        outQueue.clear();
        if (outDone) {
            abort();
        } else {
            // the peer is told, and the stream released, not aborted, so the 408 goes out before the connection does
            // (best effort: a peer that stopped reading may never read it)
            outDone = true;
            write(errorMessage(new MicroException(errorId, text, 408)));
            flush();
            release();
        }
        scheduleDelivery();
    }

    /** Called for every message read or written: a transport measures the idle timeout from it; on the loop. */
    protected void touch() {
    }

    /** Whether the stream is over (released or aborted). */
    protected final boolean isOver() {
        return over.get();
    }

    // ---- MessageStream ----

    @Override
    public void receive(Flow.Subscriber<? super Message> subscriber, Executor executor) {
        Objects.requireNonNull(subscriber, "subscriber");
        Objects.requireNonNull(executor, "executor");
        synchronized (inLock) {
            if (this.subscriber != null) {
                throw new IllegalStateException("receive: already subscribed (expected: once per stream)");
            }
            // hold the delivery until onSubscribe returned: on a pool, a delivery task of its own could overtake it
            deliverWip.getAndIncrement();
            this.executor = executor;
            this.subscriber = subscriber;
        }
        Flow.Subscription subscription = new Flow.Subscription() {
            @Override
            public void request(long n) {
                if (n <= 0) {
                    fail(new IllegalArgumentException("request: " + n + " (expected: more than 0; rule 3.9)"), false);
                    return;
                }
                synchronized (inLock) {
                    demand = demand + n < 0 ? Long.MAX_VALUE : demand + n;
                }
                scheduleDelivery();
            }

            @Override
            public void cancel() {
                boolean resume;
                synchronized (inLock) {
                    inCancelled = true;
                    inQueue.clear();
                    resume = readingPaused;
                    readingPaused = false;
                }
                if (resume) {
                    onLoop(AbstractMessageStream.this::applyReading); // read on and drop: the peer is never stuck
                }
                onLoop(AbstractMessageStream.this::overIfDone); // our direction may have ended already
            }
        };
        execute(() -> {
            try {
                subscriber.onSubscribe(subscription);
            } catch (Throwable t) {
                LOG.log(System.Logger.Level.WARNING, "stream " + streamId + ": subscriber failed", t);
                onLoop(this::cancel);
                return;
            }
            deliver();
        });
    }

    @Override
    public void send(Flow.Publisher<? extends Message> publisher) {
        Objects.requireNonNull(publisher, "publisher");
        if (!sending.compareAndSet(false, true)) {
            throw new IllegalStateException("send: already sending (expected: once per stream)");
        }
        publisher.subscribe(new Flow.Subscriber<Message>() {
            @Override
            public void onSubscribe(Flow.Subscription s) {
                if (upstream != null) {
                    s.cancel();
                    return;
                }
                upstream = s;
                if (over.get()) {
                    s.cancel(); // over meanwhile: fail() may have looked for the subscription before it was here
                    return;
                }
                scheduleWrites();
            }

            @Override
            public void onNext(Message item) {
                outQueue.offer(Objects.requireNonNull(item, "item (rule 2.13)"));
                scheduleWrites();
            }

            @Override
            public void onError(Throwable t) {
                outTerminal = t == null ? new NullPointerException("onError(null)") : t;
                scheduleWrites();
            }

            @Override
            public void onComplete() {
                outTerminal = COMPLETE;
                scheduleWrites();
            }
        });
    }

    @Override
    public void cancel() {
        fail(new TransportException("stream " + streamId + " cancelled", null, true), true);
    }

    // ---- inbound delivery, on the receiver's executor ----

    private void scheduleDelivery() {
        if (executor == null) {
            return; // nobody subscribed yet: messages wait (reading paused past the window)
        }
        if (deliverWip.getAndIncrement() == 0) {
            execute(this::deliver);
        }
    }

    private void execute(Runnable task) {
        try {
            executor.execute(task);
        } catch (RejectedExecutionException closed) {
            LOG.log(System.Logger.Level.DEBUG, "stream {0}: executor closed, cancelling", streamId);
            onLoop(this::cancel);
        }
    }

    private void deliver() {
        int missed = 1;
        for (;;) {
            for (;;) {
                Message next;
                Object terminal = null;
                boolean resume = false;
                Flow.Subscriber<? super Message> s;
                synchronized (inLock) {
                    s = subscriber;
                    if (inDelivered || inCancelled || s == null) {
                        break;
                    }
                    next = demand > 0 ? inQueue.poll() : null;
                    if (next != null) {
                        demand--;
                        if (readingPaused && inQueue.size() <= WINDOW / 2) {
                            readingPaused = false;
                            resume = true;
                        }
                    } else if (inQueue.isEmpty() && inTerminal != null) {
                        terminal = inTerminal;
                        inDelivered = true;
                    }
                }
                if (resume) {
                    onLoop(this::applyReading);
                }
                if (next != null) {
                    try {
                        s.onNext(next);
                    } catch (Throwable t) {
                        LOG.log(System.Logger.Level.WARNING, "stream " + streamId + ": subscriber failed", t);
                        onLoop(this::cancel);
                        return;
                    }
                    continue;
                }
                if (terminal != null) {
                    if (terminal == COMPLETE) {
                        s.onComplete();
                    } else {
                        s.onError((Throwable) terminal);
                    }
                }
                break;
            }
            missed = deliverWip.addAndGet(-missed);
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
        synchronized (inLock) {
            paused = readingPaused;
        }
        pauseReading(paused);
    }

    // ---- outbound writes, on the loop ----

    private void scheduleWrites() {
        if (writeWip.getAndIncrement() == 0) {
            onLoop(this::writeAll);
        }
    }

    private void writeAll() {
        int missed = 1;
        int budget = WRITE_BUDGET;
        boolean yielded = false;
        for (;;) {
            if (!over.get() && !outDone) {
                // read the end first: every item emitted before it is queued by then, while an item queued after
                // the drain below but before a later read of the end would be dropped with the queue
                Object terminal = outTerminal;
                int n = 0;
                Message m;
                while ((m = outQueue.poll()) != null) {
                    write(m);
                    outstanding--;
                    n++;
                }
                if (n > 0) {
                    touch();
                }
                if (terminal != null) {
                    outDone = true;
                    if (terminal == COMPLETE) {
                        write(endMessage());
                    } else {
                        MicroException e = asMicro((Throwable) terminal);
                        write(errorMessage(e));
                        endInbound(e);
                    }
                    flush();
                    overIfDone();
                } else {
                    if (n > 0) {
                        flush();
                    }
                    Flow.Subscription s = upstream;
                    if (s != null && outstanding <= WINDOW / 2 && writable()) {
                        if (budget <= 0) {
                            yielded = true; // a fast reader keeps us writable: let the loop's other work run first
                        } else {
                            int more = WINDOW - outstanding;
                            outstanding = WINDOW;
                            budget -= more;
                            s.request(more); // may call onNext right here: the wip counter brings us round again
                        }
                    }
                }
            } else {
                outQueue.clear();
            }
            missed = writeWip.addAndGet(-missed);
            if (missed == 0) {
                if (yielded) {
                    onLoopLater(this::scheduleWrites);
                }
                return;
            }
        }
    }

    private MicroException asMicro(Throwable t) {
        if (t instanceof MicroException e) {
            return e;
        }
        return new MicroException(errorId, 500, String.valueOf(t.getMessage() == null ? t : t.getMessage()),
                MicroException.statusText(500));
    }

    /** The message that ends this side's direction: {@code Micro-Error: EOS}. */
    protected Message endMessage() {
        return new Message(Metadata.of(STREAM_HEADER, streamId, "Micro-Error", END_OF_STREAM), null);
    }

    /** The message that carries an error to the peer and ends this side's direction. */
    protected Message errorMessage(MicroException e) {
        String json = ErrorJson.write(e);
        return new Message(Metadata.of(STREAM_HEADER, streamId, "Content-Type", "application/json",
                "Micro-Error", json), json.getBytes(StandardCharsets.UTF_8));
    }

    // ---- the end ----

    /**
     * Releases the stream once both directions ended, ours sent and the peer's finished or no longer wanted; on the
     * loop. Releasing while the peer still sends ends its direction too (it sees the stream broken, its publisher
     * cancelled): a transport releases gracefully, so everything either side sent before is still read.
     */
    private void overIfDone() {
        boolean inboundOver;
        synchronized (inLock) {
            inboundOver = inCancelled || inTerminal != null;
        }
        if (outDone && inboundOver && over.compareAndSet(false, true)) {
            release();
        }
    }

    /** Ends both directions with {@code cause}: the receiver is told (unless it cancelled), the publisher cancelled. */
    private void fail(Throwable cause, boolean local) {
        if (!over.compareAndSet(false, true)) {
            return;
        }
        synchronized (inLock) {
            if (inTerminal == null) {
                inTerminal = cause;
                inQueue.clear();
            } // else the peer's direction had ended before: what it sent up to its end is still delivered
            if (local) {
                inQueue.clear();
                inCancelled = true; // cancelled here: nothing more is delivered
            }
        }
        onLoop(() -> {
            // on the loop, where request() is called: the publisher never sees request and cancel at once (rule 2.7)
            Flow.Subscription s = upstream;
            if (s != null) {
                s.cancel();
            }
            outDone = true;
            outQueue.clear();
            abort();
        });
        scheduleDelivery();
    }
}
