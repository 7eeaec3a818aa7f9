package io.microcdi.stream;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Small, demand-respecting {@link Flow} operators for streaming endpoints and clients, so plain JDK code can stream
 * without a reactive library.
 *
 * <pre>{@code
 * // a bidirectional handler: one reply per request, as fast as the caller reads them
 * public Flow.Publisher<HelloReply> chat(Flow.Publisher<HelloRequest> requests) {
 *     return Streams.map(requests, r -> new HelloReply("Hello " + r.name()));
 * }
 *
 * // a caller: send three, print the replies
 * Streams.forEach(greeter.chat(Streams.of(new HelloRequest("a"), new HelloRequest("b"))), System.out::println).join();
 * }</pre>
 *
 * <p>Every publisher here is cold: each subscriber gets its own run (its own iteration, its own subscription to the
 * source). None buffers: items are produced only as they are requested.
 */
public final class Streams {

    private Streams() {
    }

    /** The given items, in order, then complete. */
    @SafeVarargs
    public static <T> Flow.Publisher<T> of(T... items) {
        List<T> list = List.of(items);
        return fromIterable(list);
    }

    /**
     * The items of {@code iterable}, each produced when requested (a generator iterable produces nothing ahead), then
     * complete; an exception thrown by the iterator fails the stream.
     */
    public static <T> Flow.Publisher<T> fromIterable(Iterable<? extends T> iterable) {
        Objects.requireNonNull(iterable, "iterable");
        return subscriber -> {
            Objects.requireNonNull(subscriber, "subscriber");
            Iterator<? extends T> it;
            try {
                it = iterable.iterator();
            } catch (RuntimeException e) {
                subscriber.onSubscribe(new IterableSubscription<T>(null, null));
                subscriber.onError(e);
                return;
            }
            subscriber.onSubscribe(new IterableSubscription<>(subscriber, it));
        };
    }

    /**
     * {@code source} with each item passed through {@code fn}; when {@code fn} throws, the source is cancelled and the
     * subscriber fails with that exception.
     */
    public static <T, R> Flow.Publisher<R> map(Flow.Publisher<? extends T> source, Function<? super T, ? extends R> fn) {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(fn, "fn");
        return subscriber -> source.subscribe(new Flow.Subscriber<T>() {
            private Flow.Subscription upstream;
            private boolean done;

            @Override
            public void onSubscribe(Flow.Subscription s) {
                upstream = s;
                subscriber.onSubscribe(s);
            }

            @Override
            public void onNext(T item) {
                if (done) {
                    return;
                }
                R mapped;
                try {
                    mapped = fn.apply(item);
                } catch (RuntimeException e) {
                    done = true;
                    upstream.cancel();
                    subscriber.onError(e);
                    return;
                }
                subscriber.onNext(mapped);
            }

            @Override
            public void onError(Throwable t) {
                if (!done) {
                    done = true;
                    subscriber.onError(t);
                }
            }

            @Override
            public void onComplete() {
                if (!done) {
                    done = true;
                    subscriber.onComplete();
                }
            }
        });
    }

    /**
     * Runs {@code action} for each item, asking for the next only when it returned: a slow action slows the
     * producer (down to the server, over a stream). Completes when the stream completes; fails as it fails or as
     * {@code action} throws (the stream is then cancelled). Cancelling the future cancels the stream.
     */
    public static <T> CompletableFuture<Void> forEach(Flow.Publisher<? extends T> source, Consumer<? super T> action) {
        Objects.requireNonNull(action, "action");
        CompletableFuture<Void> done = new CompletableFuture<>();
        source.subscribe(new Flow.Subscriber<T>() {
            private Flow.Subscription subscription;

            @Override
            public void onSubscribe(Flow.Subscription s) {
                subscription = s;
                done.whenComplete((v, e) -> {
                    if (done.isCancelled()) {
                        s.cancel();
                    }
                });
                s.request(1);
            }

            @Override
            public void onNext(T item) {
                if (done.isDone()) {
                    return;
                }
                try {
                    action.accept(item);
                } catch (Throwable e) {
                    subscription.cancel();
                    done.completeExceptionally(e);
                    return;
                }
                subscription.request(1);
            }

            @Override
            public void onError(Throwable t) {
                done.completeExceptionally(t);
            }

            @Override
            public void onComplete() {
                done.complete(null);
            }
        });
        return done;
    }

    /** Every item of {@code source}, once it completes. For streams known to be short: it holds them all. */
    public static <T> CompletableFuture<List<T>> toList(Flow.Publisher<? extends T> source) {
        List<T> items = new ArrayList<>();
        return forEach(source, items::add).thenApply(v -> items);
    }

    /** Produces an iterator's items as they are requested; re-entrant {@code request} calls only add demand. */
    private static final class IterableSubscription<T> implements Flow.Subscription {
        private final Flow.Subscriber<? super T> subscriber;
        private final Iterator<? extends T> it;
        private final AtomicLong demand = new AtomicLong();
        private final AtomicBoolean cancelled = new AtomicBoolean();

        IterableSubscription(Flow.Subscriber<? super T> subscriber, Iterator<? extends T> it) {
            this.subscriber = subscriber;
            this.it = it;
        }

        @Override
        public void request(long n) {
            if (it == null || cancelled.get()) {
                return;
            }
            if (n <= 0) {
                cancelled.set(true);
                subscriber.onError(new IllegalArgumentException("request: " + n + " (expected: > 0; rule 3.9)"));
                return;
            }
            long before = demand.getAndAccumulate(n, (a, b) -> a + b < 0 ? Long.MAX_VALUE : a + b);
            if (before != 0) {
                return; // the loop running (here, re-entrantly, or on another thread) takes the new demand
            }
            long emitted = 0;
            long wanted = n;
            for (;;) {
                while (emitted < wanted) {
                    if (cancelled.get()) {
                        return;
                    }
                    T next;
                    boolean more;
                    try {
                        more = it.hasNext();
                        next = more ? Objects.requireNonNull(it.next(), "null item (rule 2.13)") : null;
                    } catch (RuntimeException e) {
                        cancelled.set(true);
                        subscriber.onError(e);
                        return;
                    }
                    if (!more) {
                        cancelled.set(true);
                        subscriber.onComplete();
                        return;
                    }
                    subscriber.onNext(next);
                    emitted++;
                }
                wanted = demand.addAndGet(-emitted);
                emitted = 0;
                if (wanted == 0) {
                    return;
                }
            }
        }

        @Override
        public void cancel() {
            cancelled.set(true);
        }
    }
}
