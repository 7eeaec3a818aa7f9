package io.microcdi.internal.context;

/**
 * The deadline of the inbound call the current thread is handling, so that calls it makes inherit what is left of
 * it. The server sets it around a handler; the client reads it.
 *
 * <pre>{@code
 * long previous = CallDeadline.enter(receivedAt + timeoutNanos);
 * try { handler.invoke(...); } finally { CallDeadline.exit(previous); }
 * }</pre>
 *
 * <p>Only calls made on the handler's own thread see it; a handler that continues on other threads
 * ({@code CompletionStage}) passes the budget on itself for now. Times are {@link System#nanoTime()} values;
 * {@link #NONE} means no deadline.
 */
public final class CallDeadline {

    /** No deadline. */
    public static final long NONE = 0;

    private static final ThreadLocal<long[]> CURRENT = ThreadLocal.withInitial(() -> new long[1]);

    private CallDeadline() {
    }

    /** The current thread's inbound deadline, or {@link #NONE}. */
    public static long current() {
        return CURRENT.get()[0];
    }

    /** Makes {@code deadline} current; returns the one to restore with {@link #exit}. */
    public static long enter(long deadline) {
        long[] slot = CURRENT.get();
        long previous = slot[0];
        slot[0] = deadline;
        return previous;
    }

    /** Restores {@code previous}. */
    public static void exit(long previous) {
        CURRENT.get()[0] = previous;
    }
}
