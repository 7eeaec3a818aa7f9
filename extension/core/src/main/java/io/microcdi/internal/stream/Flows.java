package io.microcdi.internal.stream;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * The few {@link Flow} operators streaming needs, each honouring demand and cancellation, none buffering.
 *
 * <pre>{@code
 * Flow.Publisher<Message> out = Flows.map(replies, reply -> new Message(header, encoder.encode(reply)));
 * CompletableFuture<HelloReply> answer = Flows.single(replies, what -> new IllegalStateException(what));
 * }</pre>
 */
public final class Flows {

    private Flows() {
    }

    /**
     * {@code source} with every item passed through {@code fn}; when {@code fn} throws, the source is cancelled and
     * the subscriber gets that exception. Subscribe once.
     */
    public static <T, R> Mapped<T, R> map(Flow.Publisher<? extends T> source, Function<? super T, ? extends R> fn) {
        return new Mapped<>(source, fn);
    }

    /**
     * {@code source} unchanged, running {@code onEnd} once when its subscriber completes, fails or cancels: how the
     * owner of a stream learns it is over.
     */
    public static <T> Flow.Publisher<T> onEnd(Flow.Publisher<T> source, Runnable onEnd) {
        AtomicBoolean ran = new AtomicBoolean();
        Runnable once = () -> {
            if (ran.compareAndSet(false, true)) {
                onEnd.run();
            }
        };
        return subscriber -> source.subscribe(new Flow.Subscriber<T>() {
            @Override
            public void onSubscribe(Flow.Subscription s) {
                subscriber.onSubscribe(new Flow.Subscription() {
                    @Override
                    public void request(long n) {
                        s.request(n);
                    }

                    @Override
                    public void cancel() {
                        s.cancel();
                        once.run();
                    }
                });
            }

            @Override
            public void onNext(T item) {
                subscriber.onNext(item);
            }

            @Override
            public void onError(Throwable t) {
                try {
                    subscriber.onError(t);
                } finally {
                    once.run();
                }
            }

            @Override
            public void onComplete() {
                try {
                    subscriber.onComplete();
                } finally {
                    once.run();
                }
            }
        });
    }

    /** A publisher that fails with {@code error} at once, to every subscriber. */
    public static <T> Flow.Publisher<T> failed(Throwable error) {
        Objects.requireNonNull(error, "error");
        return subscriber -> {
            subscriber.onSubscribe(NOTHING);
            subscriber.onError(error);
        };
    }

    /** A subscription that asks for nothing: for publishers that only ever send a terminal signal. */
    private static final Flow.Subscription NOTHING = new Flow.Subscription() {
        @Override
        public void request(long n) {
        }

        @Override
        public void cancel() {
        }
    };

    /**
     * The one item {@code source} publishes: completes with it once the source completes, or with {@code missing}
     * (made with what the source sent instead) when it sent none or more than one; fails as the source fails.
     * Cancelling the future cancels the source.
     */
    public static <T> CompletableFuture<T> single(Flow.Publisher<? extends T> source,
                                                  Function<String, RuntimeException> missing) {
        CompletableFuture<T> result = new CompletableFuture<>();
        source.subscribe(new Flow.Subscriber<T>() {
            private T value;
            private int count;

            @Override
            public void onSubscribe(Flow.Subscription s) {
                result.whenComplete((v, e) -> {
                    if (result.isCancelled()) {
                        s.cancel();
                    }
                });
                s.request(2); // one, and room to notice a second
            }

            @Override
            public void onNext(T item) {
                if (++count == 1) {
                    value = item;
                }
            }

            @Override
            public void onError(Throwable t) {
                result.completeExceptionally(t);
            }

            @Override
            public void onComplete() {
                if (count == 1) {
                    result.complete(value);
                } else {
                    result.completeExceptionally(missing.apply(count == 0 ? "no response" : count + " responses"));
                }
            }
        });
        return result;
    }

    /**
     * A mapping stage: a subscriber to its source and a publisher to one subscriber. {@link #abort} ends it from
     * outside (the source cancelled, the subscriber told).
     */
    public static final class Mapped<T, R> implements Flow.Publisher<R>, Flow.Subscriber<T>, Flow.Subscription {
        private final Flow.Publisher<? extends T> source;
        private final Function<? super T, ? extends R> fn;
        private final AtomicBoolean subscribed = new AtomicBoolean();
        private final AtomicBoolean done = new AtomicBoolean();
        private volatile Flow.Subscriber<? super R> downstream;
        private volatile Flow.Subscription upstream;
        private volatile boolean cancelled;
        /** An {@link #abort} before the subscriber had its subscription: told right after it. */
        private volatile Throwable early;

        Mapped(Flow.Publisher<? extends T> source, Function<? super T, ? extends R> fn) {
            this.source = Objects.requireNonNull(source, "source");
            this.fn = Objects.requireNonNull(fn, "fn");
        }

        @Override
        public void subscribe(Flow.Subscriber<? super R> subscriber) {
            Objects.requireNonNull(subscriber, "subscriber");
            if (!subscribed.compareAndSet(false, true)) {
                subscriber.onSubscribe(NOTHING);
                subscriber.onError(new IllegalStateException("this stream has a subscriber already (expected: one)"));
                return;
            }
            downstream = subscriber;
            source.subscribe(this);
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            if (upstream != null) {
                s.cancel();
                return;
            }
            upstream = s;
            downstream.onSubscribe(this);
            if (cancelled || done.get()) {
                s.cancel();
                Throwable e = early;
                if (e != null) {
                    early = null;
                    downstream.onError(e);
                }
            }
        }

        @Override
        public void onNext(T item) {
            if (done.get()) {
                return;
            }
            R mapped;
            try {
                mapped = fn.apply(item);
            } catch (RuntimeException e) {
                abort(e);
                return;
            }
            downstream.onNext(mapped);
        }

        @Override
        public void onError(Throwable t) {
            if (done.compareAndSet(false, true)) {
                downstream.onError(t);
            }
        }

        @Override
        public void onComplete() {
            if (done.compareAndSet(false, true)) {
                downstream.onComplete();
            }
        }

        @Override
        public void request(long n) {
            Flow.Subscription s = upstream;
            if (s != null) {
                s.request(n);
            }
        }

        @Override
        public void cancel() {
            cancelled = true;
            Flow.Subscription s = upstream;
            if (s != null) {
                s.cancel();
            }
        }

        /**
         * Ends the stage with {@code error}: the source is cancelled and the subscriber gets {@code error} unless it
         * already got a terminal signal. Tells whether it did.
         */
        public boolean abort(Throwable error) {
            if (!done.compareAndSet(false, true)) {
                return false;
            }
            Flow.Subscription s = upstream;
            if (s == null) {
                early = error;
                return true;
            }
            s.cancel();
            downstream.onError(error);
            return true;
        }
    }
}
