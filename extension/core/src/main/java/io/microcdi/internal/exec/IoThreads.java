package io.microcdi.internal.exec;

/**
 * Tells whether the current thread must never block or run a caller's code: an event loop (any Netty
 * {@code FastThreadLocalThread}: the HTTP transport's {@code microcdi-io-N}, gRPC's shaded Netty, Vert.x) or the shared
 * timer ({@code microcdi-timer}).
 *
 * <pre>{@code
 * if (IoThreads.current()) {
 *     HandlerExecutors.callbacks().execute(task);   // off the event loop
 * } else {
 *     task.run();                                   // no hop where none is needed
 * }
 * }</pre>
 *
 * <p>Netty threads are recognised by name, through their class's superclasses, because core does not depend on Netty
 * and gRPC shades it under another package. The answer errs on the side of a hop: a Vert.x worker thread is also a
 * {@code FastThreadLocalThread}. No cache by class: a {@code ClassValue} stored on {@code java.lang.Thread} would keep
 * the application's class loader alive after it stopped.
 */
public final class IoThreads {

    private static final String NETTY_THREAD = "netty.util.concurrent.FastThreadLocalThread";

    private IoThreads() {
    }

    /** Marks a thread class of ours whose threads must not block ({@code microcdi-timer}). */
    public interface NonBlocking {
    }

    /** Whether the current thread is an event loop or the shared timer. */
    public static boolean current() {
        Thread t = Thread.currentThread();
        if (t instanceof NonBlocking) {
            return true;
        }
        for (Class<?> c = t.getClass(); c != Thread.class && c != null; c = c.getSuperclass()) {
            if (c.getName().endsWith(NETTY_THREAD)) {
                return true;
            }
        }
        return false;
    }
}
