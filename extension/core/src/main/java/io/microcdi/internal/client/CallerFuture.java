package io.microcdi.internal.client;

import io.microcdi.client.Response;
import io.microcdi.context.CallContext;
import io.microcdi.context.CallContexts;
import io.microcdi.internal.exec.HandlerExecutors;
import io.microcdi.internal.exec.IoThreads;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * The future an async {@code @MicroClient} method returns: the client's answer, decoded, completed on a thread where the
 * caller's continuations may run (and may block), without a hop when the answer already arrives on one.
 *
 * <pre>{@code
 * CompletableFuture<HelloReply> f = CallerFuture.of(client.call(request, options), this::decode, CallContexts.current());
 * }</pre>
 *
 * <p>It is never completed on an I/O thread or the timer ({@link IoThreads#current()}), so that nothing depending on
 * it runs there, whatever way it was attached ({@code thenApply}, {@code allOf}, another future's {@code thenCompose}).
 * When the answer arrives:
 * <ul>
 *   <li>while a thread waits in {@link #join()} or {@code get} (on this future or a stage made from it): the answering
 *       thread only wakes that thread, which decodes and completes it, running the dependents itself;</li>
 *   <li>else on a thread that may run a caller's code (the memory transport's handler thread, a wrapper's executor):
 *       it completes there;</li>
 *   <li>else (an I/O thread, the timer) it hops to {@link HandlerExecutors#callbacks()}, as before.</li>
 * </ul>
 * It is completed in the {@link CallContext} of the call being handled when the call was made, so its dependents see
 * that context wherever they run. A waiter that gives up ({@code get} with a timeout, an interrupt) settles it if the
 * answer came meanwhile, so an answer is never left undelivered.
 *
 * <p>It is the answer's {@link BiConsumer} and the hop's {@link Runnable} itself: one object per call, not three.
 */
final class CallerFuture<T> extends CompletableFuture<T> implements BiConsumer<Response, Throwable>, Runnable {

    @SuppressWarnings("rawtypes")
    private static final AtomicIntegerFieldUpdater<CallerFuture> WAITING =
            AtomicIntegerFieldUpdater.newUpdater(CallerFuture.class, "waiting");

    /** The future of the call: {@code this}, or the call's future a dependent stage was made from. */
    private final CallerFuture<?> root;
    /** The client's answer; {@code null} in dependent stages. */
    private final CompletableFuture<Response> answer;
    private final Function<Response, ? extends T> decode;
    private final CallContext context;
    /** Threads waiting for {@link #answer} to settle this (root only). */
    private volatile int waiting;

    private CallerFuture(CompletableFuture<Response> answer, Function<Response, ? extends T> decode,
                         CallContext context) {
        this.root = this;
        this.answer = answer;
        this.decode = decode;
        this.context = context;
    }

    /** A stage made from {@code root} ({@code thenApply}, {@code copy}, ...): waiting on it helps the root. */
    private CallerFuture(CallerFuture<?> root) {
        this.root = root;
        this.answer = null;
        this.decode = null;
        this.context = null;
    }

    /** {@code answer} decoded by {@code decode}, its dependents in {@code context} and never on an I/O thread. */
    static <T> CallerFuture<T> of(CompletableFuture<Response> answer, Function<Response, ? extends T> decode,
                                  CallContext context) {
        CallerFuture<T> f = new CallerFuture<>(answer, decode, context);
        answer.whenComplete(f);
        return f;
    }

    /** The answer arrived (root only). */
    @Override
    public void accept(Response response, Throwable error) {
        if (waiting > 0) {
            return; // a waiting thread settles it (see await): the answering thread is free at once, nothing decoded twice
        }
        if (IoThreads.current()) {
            HandlerExecutors.callbacks().execute(this);
        } else {
            settle();
        }
    }

    /** The hop: settles on a callback thread. */
    @Override
    public void run() {
        settle();
    }

    /** Completes with the answer decoded, or its failure, in the context of the call that made it. */
    private void settle() {
        if (isDone()) {
            return;
        }
        CallContext previous = CallContexts.attach(context);
        try {
            T value;
            try {
                value = decode.apply(answer.join());
            } catch (CompletionException | CancellationException e) {
                Throwable cause = unwrap(e);
                // as a stage whose function threw: dependents see a CompletionException
                completeExceptionally(cause instanceof CompletionException ? cause : new CompletionException(cause));
                return;
            } catch (RuntimeException e) {
                completeExceptionally(new CompletionException(e));
                return;
            }
            complete(value);
        } finally {
            CallContexts.restore(previous);
        }
    }

    private static Throwable unwrap(Throwable t) {
        while (t instanceof CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /** Waits (uninterruptibly) for the answer and settles (root only). */
    private void await() {
        if (isDone()) {
            return;
        }
        WAITING.incrementAndGet(this);
        try {
            answer.join();
        } catch (CompletionException | CancellationException e) {
            // the failure is read again by settle
        } finally {
            WAITING.decrementAndGet(this);
        }
        settle();
    }

    @Override
    public T join() {
        root.await();
        return super.join();
    }

    @Override
    public T get() throws InterruptedException, ExecutionException {
        root.awaitInterruptibly(0);
        return super.get();
    }

    @Override
    public T get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        root.awaitInterruptibly(Math.max(1, unit.toNanos(timeout)));
        return super.get(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
    }

    /**
     * Waits for the answer at most {@code nanos} ({@code 0}: no limit) and settles (root only); whoever stops waiting
     * before the answer leaves it to the I/O thread's hop, or settles it when the answer came meanwhile.
     */
    private void awaitInterruptibly(long nanos) throws InterruptedException {
        if (isDone()) {
            return;
        }
        InterruptedException interrupted = null;
        WAITING.incrementAndGet(this);
        try {
            if (nanos == 0) {
                answer.get();
            } else {
                answer.get(nanos, TimeUnit.NANOSECONDS);
            }
        } catch (InterruptedException e) {
            interrupted = e;
        } catch (ExecutionException | CancellationException | TimeoutException e) {
            // the failure is read again by settle; a timeout is the caller's, said by super.get
        } finally {
            WAITING.decrementAndGet(this);
        }
        // after the decrement: an I/O thread that saw this waiter and did not hop finds the answer done here
        if (answer.isDone()) {
            settle();
        }
        if (interrupted != null) {
            throw interrupted;
        }
    }

    @Override
    public <U> CompletableFuture<U> newIncompleteFuture() {
        return new CallerFuture<>(root);
    }
}
