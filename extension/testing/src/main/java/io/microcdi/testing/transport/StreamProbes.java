package io.microcdi.testing.transport;

import io.microcdi.metadata.Metadata;
import io.microcdi.transport.Message;
import io.microcdi.transport.MessageStream;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The publishers and subscribers {@link MessageStreamContract} drives a stream with, for a plugin's own stream tests
 * too: numbered messages, a counting publisher, a silent one, and a subscriber that records what it saw.
 *
 * <pre>{@code
 * StreamProbes.Recorder got = StreamProbes.Recorder.unbounded();
 * stream.receive(got, executor);
 * stream.send(new StreamProbes.Range(1_000));
 * await().until(got::completed);
 * }</pre>
 */
public final class StreamProbes {

    private StreamProbes() {
    }

    /** The id of the streams the suite opens; every message of a stream carries it. */
    public static final String STREAM_ID = "7";

    /** Message number {@code n}: its body is {@code n} as four bytes. */
    public static Message item(int n) {
        return new Message(Metadata.of(MessageStream.STREAM_HEADER, STREAM_ID, "Content-Type",
                "application/octet-stream"), ByteBuffer.allocate(4).putInt(n).array());
    }

    public static int number(Message m) {
        return ByteBuffer.wrap(m.body()).getInt();
    }

    /**
     * Emits {@code 0 .. count-1} synchronously inside {@code request} (so re-entrantly from the transport's own
     * thread), then completes, or fails with {@code error} when set; counts what it was asked for and whether it was
     * cancelled.
     */
    public static final class Range implements Flow.Publisher<Message> {
        public final int count;
        public final Throwable error;
        public final AtomicLong requested = new AtomicLong();
        public final AtomicBoolean cancelled = new AtomicBoolean();

        public Range(int count) {
            this(count, null);
        }

        public Range(int count, Throwable error) {
            this.count = count;
            this.error = error;
        }

        @Override
        public void subscribe(Flow.Subscriber<? super Message> s) {
            s.onSubscribe(new Flow.Subscription() {
                private long demand;
                private int next;
                private boolean emitting;
                private boolean done;

                @Override
                public void request(long n) {
                    requested.addAndGet(n);
                    demand += n;
                    if (emitting) {
                        return; // re-entered from onNext: the outer loop emits on
                    }
                    emitting = true;
                    while (demand > 0 && next < count && !done) {
                        demand--;
                        s.onNext(item(next++));
                    }
                    if (next == count && !done) {
                        done = true;
                        if (error == null) {
                            s.onComplete();
                        } else {
                            s.onError(error);
                        }
                    }
                    emitting = false;
                }

                @Override
                public void cancel() {
                    done = true;
                    cancelled.set(true);
                }
            });
        }
    }

    /** Never emits; records cancellation. */
    public static final class Silent implements Flow.Publisher<Message> {
        public final AtomicBoolean cancelled = new AtomicBoolean();

        @Override
        public void subscribe(Flow.Subscriber<? super Message> s) {
            s.onSubscribe(new Flow.Subscription() {
                @Override
                public void request(long n) {
                }

                @Override
                public void cancel() {
                    cancelled.set(true);
                }
            });
        }
    }

    /**
     * Records what arrives: checks the numbers arrive in order from 0, counts them, and keeps the terminal signal.
     * Requests {@code initial} on subscribe, then {@code batch} each time that many arrived (0 = never more).
     */
    public static class Recorder implements Flow.Subscriber<Message> {
        public final long initial;
        public final long batch;
        /** The subscription the stream gave, null until then: a test requests more or cancels through it. */
        public volatile Flow.Subscription subscription;
        public final AtomicLong received = new AtomicLong();
        public final AtomicReference<Object> terminal = new AtomicReference<>();
        public final AtomicLong signalsAfterTerminal = new AtomicLong();
        public final List<String> disorder = new CopyOnWriteArrayList<>();
        /** The headers of the first message, to check what travels with a message. */
        public final AtomicReference<Metadata> firstHeader = new AtomicReference<>();
        private long sinceRequest;

        public Recorder(long initial, long batch) {
            this.initial = initial;
            this.batch = batch;
        }

        public static Recorder unbounded() {
            return new Recorder(Long.MAX_VALUE, 0);
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            if (initial > 0) {
                s.request(initial);
            }
        }

        @Override
        public void onNext(Message item) {
            if (terminal.get() != null) {
                signalsAfterTerminal.incrementAndGet();
            }
            firstHeader.compareAndSet(null, item.header());
            long n = received.getAndIncrement();
            if (number(item) != n && disorder.size() < 5) {
                disorder.add("expected " + n + ", got " + number(item));
            }
            if (batch > 0 && ++sinceRequest == batch) {
                sinceRequest = 0;
                subscription.request(batch);
            }
        }

        @Override
        public void onError(Throwable t) {
            if (!terminal.compareAndSet(null, t)) {
                signalsAfterTerminal.incrementAndGet();
            }
        }

        @Override
        public void onComplete() {
            if (!terminal.compareAndSet(null, "complete")) {
                signalsAfterTerminal.incrementAndGet();
            }
        }

        public boolean completed() {
            return "complete".equals(terminal.get());
        }

        public boolean ended() {
            return terminal.get() != null;
        }

        public Throwable error() {
            return terminal.get() instanceof Throwable t ? t : null;
        }
    }
}
