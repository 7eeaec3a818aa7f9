package io.microcdi.internal.exec;

import io.microcdi.context.CallContext;
import io.microcdi.context.CallContexts;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
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
     */
    public static ExecutorService callbacks() {
        return Callbacks.EXECUTOR;
    }

    /**
     * {@link #callbacks()}, running each continuation in {@code context} (the call that was being handled when the
     * async call or publish was made), so that its code sees that call and carries it on; {@link #callbacks()}
     * itself outside any call.
     */
    public static Executor callbacks(CallContext context) {
        if (!context.active()) {
            return Callbacks.EXECUTOR;
        }
        return task -> Callbacks.EXECUTOR.execute(() -> {
            CallContext previous = CallContexts.attach(context);
            try {
                task.run();
            } finally {
                CallContexts.restore(previous);
            }
        });
    }

    /** Holder: created on first use only. */
    private static final class Callbacks {
        static final ExecutorService EXECUTOR = NEW_VIRTUAL_EXECUTOR != null
                ? create("callback", 1, true)
                : new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS,
                        new java.util.concurrent.SynchronousQueue<>(), daemonThreads("microcdi-callback"));
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
