package io.microcdi.transport.http;

import io.microcdi.metadata.Metadata;
import io.microcdi.transport.Message;
import io.microcdi.transport.MessageStream;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;

/**
 * Reactive-streams parts for the stream tests: a publisher that counts what it was asked for, a subscriber that
 * records what it got, and an echo that relays a stream's messages back upper-cased, demand for demand.
 *
 * <pre>{@code
 * s.send(new StreamParts.Source(10_000, i -> StreamParts.message("s1", "m" + i)));
 * }</pre>
 */
final class StreamParts {

    private StreamParts() {
    }

    static Message message(String streamId, String text) {
        return new Message(Metadata.of(MessageStream.STREAM_HEADER, streamId, "Content-Type", "text/plain"),
                text.getBytes(StandardCharsets.UTF_8));
    }

    static String text(Message m) {
        return new String(m.body(), StandardCharsets.UTF_8);
    }

    /** Emits {@code make(0)}, {@code make(1)} ... as requested, then completes after {@link #limit} items. */
    static final class Source implements Flow.Publisher<Message> {

        final AtomicLong requested = new AtomicLong();
        final AtomicLong emitted = new AtomicLong();
        final AtomicBoolean cancelled = new AtomicBoolean();
        /** How many items to send before completing; {@link Long#MAX_VALUE}: forever. */
        volatile long limit;
        /** Sent instead of completion at the {@link #limit}, when set. */
        volatile Throwable failure;
        private final LongFunction<Message> make;
        private final AtomicLong demand = new AtomicLong();
        private final AtomicInteger wip = new AtomicInteger();
        private volatile Flow.Subscriber<? super Message> subscriber;
        private boolean completed;

        Source(long limit, LongFunction<Message> make) {
            this.limit = limit;
            this.make = make;
        }

        @Override
        public void subscribe(Flow.Subscriber<? super Message> s) {
            subscriber = s;
            s.onSubscribe(new Flow.Subscription() {
                @Override
                public void request(long n) {
                    requested.addAndGet(n);
                    demand.addAndGet(n);
                    drain();
                }

                @Override
                public void cancel() {
                    cancelled.set(true);
                }
            });
            drain();
        }

        /** Sets a new {@link #limit} and completes if it is reached. */
        void limit(long newLimit) {
            limit = newLimit;
            drain();
        }

        void drain() {
            if (wip.getAndIncrement() != 0) {
                return;
            }
            int missed = 1;
            do {
                Flow.Subscriber<? super Message> s = subscriber;
                while (s != null && !cancelled.get() && !completed) {
                    long i = emitted.get();
                    if (i >= limit) {
                        completed = true;
                        Throwable f = failure;
                        if (f != null) {
                            s.onError(f);
                        } else {
                            s.onComplete();
                        }
                        break;
                    }
                    if (demand.get() == 0) {
                        break;
                    }
                    demand.decrementAndGet();
                    emitted.incrementAndGet();
                    s.onNext(make.apply(i));
                }
                missed = wip.addAndGet(-missed);
            } while (missed != 0);
        }
    }

    /** Never sends, never ends; remembers being cancelled. */
    static final class Never implements Flow.Publisher<Message> {

        final AtomicBoolean cancelled = new AtomicBoolean();

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

    /** Records what arrives; requests {@code initial} at subscription (0: nothing until {@link #request}). */
    static final class Sink implements Flow.Subscriber<Message> {

        final List<Message> items = new CopyOnWriteArrayList<>();
        final CompletableFuture<Void> done = new CompletableFuture<>();
        private final long initial;
        private volatile Flow.Subscription subscription;

        Sink(long initial) {
            this.initial = initial;
        }

        /** Requests everything. */
        Sink() {
            this(Long.MAX_VALUE);
        }

        void request(long n) {
            subscription.request(n);
        }

        void cancel() {
            subscription.cancel();
        }

        boolean subscribed() {
            return subscription != null;
        }

        List<String> texts() {
            return items.stream().map(StreamParts::text).toList();
        }

        Throwable error() {
            return done.isCompletedExceptionally() ? done.handle((v, e) -> e).join() : null;
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
            items.add(item);
        }

        @Override
        public void onError(Throwable t) {
            done.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
            done.complete(null);
        }
    }

    /** Relays what a stream receives back to it, upper-cased: the receiver's demand is the sender's demand. */
    static final class Echo implements Flow.Processor<Message, Message> {

        private final String streamId;
        private Flow.Subscription upstream;
        private Flow.Subscriber<? super Message> downstream;
        private long pending;

        Echo(String streamId) {
            this.streamId = streamId;
        }

        /** Wires {@code stream}'s messages back to it. */
        static void on(MessageStream stream, String streamId, java.util.concurrent.Executor executor) {
            Echo e = new Echo(streamId);
            stream.receive(e, executor);
            stream.send(e);
        }

        @Override
        public synchronized void subscribe(Flow.Subscriber<? super Message> s) {
            downstream = s;
            s.onSubscribe(new Flow.Subscription() {
                @Override
                public void request(long n) {
                    Flow.Subscription up;
                    synchronized (Echo.this) {
                        up = upstream;
                        if (up == null) {
                            pending += n;
                            return;
                        }
                    }
                    up.request(n);
                }

                @Override
                public void cancel() {
                    Flow.Subscription up;
                    synchronized (Echo.this) {
                        up = upstream;
                    }
                    if (up != null) {
                        up.cancel();
                    }
                }
            });
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            long n;
            synchronized (this) {
                upstream = s;
                n = pending;
                pending = 0;
            }
            if (n > 0) {
                s.request(n);
            }
        }

        @Override
        public void onNext(Message item) {
            downstream.onNext(message(streamId, text(item).toUpperCase(Locale.ROOT)));
        }

        @Override
        public void onError(Throwable t) {
            downstream.onError(t);
        }

        @Override
        public void onComplete() {
            downstream.onComplete();
        }
    }
}
