package io.microcdi.client.rpc;

import io.microcdi.internal.exec.HandlerExecutors;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The wait before a retry: a jittered exponential delay, and the timer that runs the retry once it is over. Closing
 * runs the retries still waiting at once, so that they see their client closed and fail their calls.
 *
 * <pre>{@code
 * long delay = backoff.delay(call.attempts);
 * backoff.schedule(call, delay);   // call.afterBackoff() in delay ns, on the "microcdi-retry" timer
 * }</pre>
 */
final class Backoff {

    private final long baseNanos;
    private final long maxNanos;
    private volatile ScheduledExecutorService timer;
    private boolean closed;
    /** Calls waiting on their back-off before a retry. */
    private final Set<RpcCall> waiting = ConcurrentHashMap.newKeySet();

    Backoff(Duration base, Duration max) {
        this.baseNanos = base.toNanos();
        this.maxNanos = max.toNanos();
    }

    /**
     * Exponential back-off with full jitter: before retry {@code k} (1 = the first) wait a uniform time in
     * [0, min(max, base * 2^(k-1))].
     */
    long delay(int retry) {
        long base = baseNanos;
        long max = maxNanos;
        if (base <= 0) {
            return 0;
        }
        int shift = Math.min(retry - 1, 40);
        long cap = base > (max >> shift) ? max : Math.min(max, base << shift);
        return ThreadLocalRandom.current().nextLong(cap + 1);
    }

    /** Runs {@code call}'s {@link RpcCall#afterBackoff} in {@code delayNanos}, or at once when closed. */
    void schedule(RpcCall call, long delayNanos) {
        waiting.add(call);
        try {
            timer().schedule(call::afterBackoff, delayNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            call.afterBackoff(); // closed meanwhile: fails the call
        }
    }

    /** Takes {@code call} off the waiting set: {@code true} for the one caller that should run its retry. */
    boolean release(RpcCall call) {
        return waiting.remove(call);
    }

    private ScheduledExecutorService timer() {
        ScheduledExecutorService t = timer;
        if (t == null) {
            synchronized (this) {
                t = timer;
                if (t == null) {
                    if (closed) {
                        throw new RejectedExecutionException("client closed");
                    }
                    t = Executors.newSingleThreadScheduledExecutor(HandlerExecutors.daemonThreads("microcdi-retry"));
                    timer = t;
                }
            }
        }
        return t;
    }

    /** Stops the timer; the retries waiting on it run now (their client is closed: they fail their calls). */
    void close() {
        ScheduledExecutorService t;
        synchronized (this) {
            closed = true;
            t = timer;
        }
        if (t != null) {
            t.shutdownNow();
        }
        for (RpcCall c : List.copyOf(waiting)) {
            c.afterBackoff();
        }
    }
}
