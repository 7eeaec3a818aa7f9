package io.microcdi.internal.exec;

import io.microcdi.context.CallContext;
import io.microcdi.context.CallContexts;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Executors for blocking handler code, never run on I/O threads.
 *
 * <pre>{@code
 * ExecutorService handlers = HandlerExecutors.create("greeter", 64, true);
 * }</pre>
 *
 * <p>We compile for Java 17, so virtual threads are reached through a method handle looked up once, and only when
 * the running JDK has them.
 */
public final class HandlerExecutors {

    /** Tasks queued beyond the busy threads before new calls are refused (with a 503, never dropped). */
    public static final int MAX_QUEUED = 10_000;

    private static final MethodHandle NEW_VIRTUAL_EXECUTOR = lookupVirtualExecutor();

    private HandlerExecutors() {
    }

    /** Whether this JDK runs virtual threads. */
    public static boolean virtualThreadsAvailable() {
        return NEW_VIRTUAL_EXECUTOR != null;
    }

    /** Virtual threads if wanted and available, else a pool of {@code threads} with a bounded queue. */
    public static ExecutorService create(String name, int threads, boolean virtual) {
        if (virtual && NEW_VIRTUAL_EXECUTOR != null) {
            try {
                return (ExecutorService) NEW_VIRTUAL_EXECUTOR.invokeExact();
            } catch (Throwable e) {
                // fall back to the pool below
            }
        }
        ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(MAX_QUEUED), daemonThreads("microcdi-" + name));
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    /**
     * Where the continuations of async client calls run: never on an I/O thread, so a continuation may block, even on
     * another call. Virtual threads when the JDK has them; else daemon threads made as needed and kept a minute,
     * because a bounded pool whose threads all wait on calls whose continuations queue behind them never recovers.
     *
     * <p>The pool behind it is shared by the components of one application and ends with the last of them (see
     * {@link #lease()}); a task handed in after that starts a new one.
     */
    public static Executor callbacks() {
        return CALLBACKS;
    }

    /**
     * {@link #callbacks()}, running each continuation in {@code context} (the call that was being handled when the
     * async call or publish was made), so that its code sees that call and carries it on; {@link #callbacks()}
     * itself outside any call.
     */
    public static Executor callbacks(CallContext context) {
        if (!context.active()) {
            return CALLBACKS;
        }
        return task -> CALLBACKS.execute(() -> {
            CallContext previous = CallContexts.attach(context);
            try {
                task.run();
            } finally {
                CallContexts.restore(previous);
            }
        });
    }

    /**
     * Runs {@code task} once after {@code delayNanos} on the shared timer thread ({@code microcdi-timer}), which
     * lives while a {@link #lease()} is open, like {@link #callbacks()}. For short tasks only: one thread runs them
     * all.
     */
    public static ScheduledFuture<?> schedule(Runnable task, long delayNanos) {
        try {
            return Shared.current().timer.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // the last lease closed between the read and the schedule: a new generation takes it
            return Shared.current().timer.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
        }
    }

    /**
     * {@code future}, failed with a {@link TimeoutException} after {@code nanos} unless it completed before: the
     * JDK's {@link CompletableFuture#orTimeout} on the shared timer, because the JDK's own timer thread, made once per
     * JVM, would keep the first application that used it (its class loader) alive after that application stopped.
     */
    public static <T> CompletableFuture<T> orTimeout(CompletableFuture<T> future, long nanos) {
        if (!future.isDone()) {
            ScheduledFuture<?> timeout = schedule(() -> future.completeExceptionally(new TimeoutException()), nanos);
            future.whenComplete((value, error) -> timeout.cancel(false));
        }
        return future;
    }

    /**
     * Holds the shared pools ({@link #callbacks()}, the timer of {@link #schedule}) open: every component that uses
     * them takes a lease when it is made and closes it when it is closed, and when the last lease of the application
     * closes, the pools shut down and their threads end. So no MicroCDI thread outlives the container that started it,
     * and an application server can unload the application's classes.
     *
     * <pre>{@code
     * private final HandlerExecutors.Lease executors = HandlerExecutors.lease();
     * public void close() { executors.close(); }   // idempotent
     * }</pre>
     */
    public static Lease lease() {
        synchronized (Shared.class) {
            Shared.leases++;
        }
        return new Lease();
    }

    /** How many leases are open: zero once every component of every application in this class loader closed. */
    public static int openLeases() {
        synchronized (Shared.class) {
            return Shared.leases;
        }
    }

    /** A hold on the shared pools; {@link #close()} releases it (once). */
    public static final class Lease implements AutoCloseable {
        private final AtomicBoolean open = new AtomicBoolean(true);

        private Lease() {
        }

        @Override
        public void close() {
            if (!open.compareAndSet(true, false)) {
                return;
            }
            Shared ending = null;
            synchronized (Shared.class) {
                if (--Shared.leases == 0) {
                    ending = Shared.generation;
                    Shared.generation = null;
                }
            }
            if (ending != null) {
                ending.shutdown();
            }
        }
    }

    /** The callbacks executor of the current generation, started with the first task. */
    private static final Executor CALLBACKS = task -> {
        try {
            Shared.current().callbacks.execute(task);
        } catch (RejectedExecutionException e) {
            Shared.current().callbacks.execute(task); // shut down between the read and the execute: the next one
        }
    };

    /** One generation of the shared pools: made on first use, shut down when the last lease closes. */
    private static final class Shared {
        /** Guarded by {@code Shared.class}. */
        static int leases;
        /** Guarded by {@code Shared.class}. */
        static Shared generation;

        final ExecutorService callbacks;
        final ScheduledThreadPoolExecutor timer;

        private Shared() {
            callbacks = NEW_VIRTUAL_EXECUTOR != null
                    ? create("callback", 1, true)
                    : new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS, new SynchronousQueue<>(),
                            daemonThreads("microcdi-callback"));
            timer = new ScheduledThreadPoolExecutor(1, TimerThread::new);
            // a cancelled timeout leaves the queue at once: answered calls must not pile up until their deadline
            timer.setRemoveOnCancelPolicy(true);
            timer.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        }

        static Shared current() {
            synchronized (Shared.class) {
                Shared s = generation;
                if (s == null) {
                    s = new Shared();
                    generation = s;
                }
                return s;
            }
        }

        /** Running continuations finish; waiting timers are dropped (their owners are closed). */
        void shutdown() {
            callbacks.shutdown();
            timer.shutdown();
        }
    }

    /**
     * The shared timer's thread: one runs every timeout and back-off, so a caller's continuation must not run there
     * ({@link IoThreads#current()} says so).
     */
    private static final class TimerThread extends Thread implements IoThreads.NonBlocking {
        private static final AtomicInteger NEXT = new AtomicInteger();

        TimerThread(Runnable task) {
            super(task, "microcdi-timer-" + NEXT.incrementAndGet());
            setDaemon(true);
        }
    }

    /** A factory of daemon threads named {@code prefix-N}. */
    public static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    private static MethodHandle lookupVirtualExecutor() {
        try {
            return MethodHandles.publicLookup().findStatic(java.util.concurrent.Executors.class,
                    "newVirtualThreadPerTaskExecutor", MethodType.methodType(ExecutorService.class));
        } catch (NoSuchMethodException | IllegalAccessException e) {
            return null;
        }
    }
}
