package io.microcdi.gateway;

import io.microcdi.errors.MicroException;
import java.util.concurrent.Semaphore;
import java.util.function.LongSupplier;

/**
 * The gateway's admission: a token bucket ({@code micro.gateway.rate-limit} calls per second, bursts of
 * {@code micro.gateway.rate-burst}) and a cap on calls in progress ({@code micro.gateway.max-concurrent}), both for
 * the whole gateway. A call turned away is a 429 with {@code Retry-After}; it never reaches a service.
 *
 * <pre>{@code
 * Limits limits = new Limits(100, 20, 64, System::nanoTime);
 * MicroException refused = limits.admit();    // null: admitted, release() when done
 * }</pre>
 */
public final class Limits {

    private static final long SECOND = 1_000_000_000L;

    private final int rate;
    private final int burst;
    private final Semaphore concurrent;
    private final int maxConcurrent;
    private final LongSupplier clock;
    /** Nanoseconds per token. */
    private final long interval;
    /** The time at which the bucket last had no token to spare: GCRA's theoretical arrival time. */
    private long tat;

    /**
     * @param rate          calls per second, 0 for no rate limit
     * @param burst         calls at once before the rate applies, at least 1
     * @param maxConcurrent calls in progress, 0 for no limit
     * @param clock         nanoseconds ({@code System::nanoTime})
     */
    public Limits(int rate, int burst, int maxConcurrent, LongSupplier clock) {
        if (rate < 0 || burst < 1 || maxConcurrent < 0) {
            throw new IllegalArgumentException("rate: " + rate + ", burst: " + burst + ", maxConcurrent: "
                    + maxConcurrent + " (expected: rate >= 0, burst >= 1, maxConcurrent >= 0)");
        }
        this.rate = rate;
        this.burst = burst;
        this.concurrent = maxConcurrent == 0 ? null : new Semaphore(maxConcurrent);
        this.maxConcurrent = maxConcurrent;
        this.clock = clock;
        this.interval = rate == 0 ? 0 : SECOND / rate;
        this.tat = clock.getAsLong();
    }

    /** The limits of {@code config}. */
    public static Limits of(GatewayConfig config) {
        return new Limits(config.rateLimit(), config.rateBurst(), config.maxConcurrent(), System::nanoTime);
    }

    /**
     * Admits a call, or says why not: {@code null} when admitted (then {@link #release()} once it ended), else the
     * 429 to answer.
     */
    public MicroException admit() {
        if (rate > 0) {
            long wait = take();
            if (wait > 0) {
                return new MicroException(Reply.ID, 429, "rate limit of " + rate + " calls/s exceeded; retry in "
                        + Math.max(1, wait / 1_000_000) + " ms", MicroException.statusText(429));
            }
        }
        if (concurrent != null && !concurrent.tryAcquire()) {
            return new MicroException(Reply.ID, 429, "too many calls in progress (" + maxConcurrent + " at most)",
                    MicroException.statusText(429));
        }
        return null;
    }

    /** Ends an admitted call. */
    public void release() {
        if (concurrent != null) {
            concurrent.release();
        }
    }

    /** Whole seconds a refused caller should wait, for {@code Retry-After}. */
    public long retryAfterSeconds() {
        return 1;
    }

    /** Nanoseconds to wait for a token, 0 when one was taken. */
    private synchronized long take() {
        long now = clock.getAsLong();
        long t = Math.max(tat, now);
        long allowedAt = t - (burst - 1) * interval;
        if (now < allowedAt) {
            return allowedAt - now;
        }
        tat = t + interval;
        return 0;
    }
}
