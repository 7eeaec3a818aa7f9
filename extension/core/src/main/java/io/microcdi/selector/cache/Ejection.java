package io.microcdi.selector.cache;

import io.microcdi.config.MicroConfig;

import java.time.Duration;

/**
 * Outlier ejection: a node that fails {@code failures} calls in a row (connection refused or reset, timeout) is left
 * out for {@code base}, twice that if it fails again right after, and so on up to {@code max}; one success readmits
 * it for good. The last available node of a service is never ejected.
 *
 * <pre>{@code
 * Ejection e = Ejection.from(config);   // micro.selector.ejection.failures=3, .base=2s, .max=1m
 * }</pre>
 *
 * @param failures consecutive failures that eject a node; 0 turns ejection off
 * @param base     the first ejection's length
 * @param max      the longest ejection
 */
public record Ejection(int failures, Duration base, Duration max) {

    public static final String FAILURES = "micro.selector.ejection.failures";
    public static final String BASE = "micro.selector.ejection.base";
    public static final String MAX = "micro.selector.ejection.max";

    public static final Ejection DEFAULTS = new Ejection(3, Duration.ofSeconds(2), Duration.ofMinutes(1));

    public Ejection {
        if (failures < 0) {
            throw new IllegalArgumentException("failures: " + failures + " (expected: >= 0)");
        }
        if (base.isNegative() || base.isZero() || max.compareTo(base) < 0) {
            throw new IllegalArgumentException("base " + base + ", max " + max + " (expected: 0 < base <= max)");
        }
    }

    /** Reads {@code micro.selector.ejection.*}. */
    public static Ejection from(MicroConfig c) {
        Duration base = c.duration(BASE, DEFAULTS.base);
        Duration max = c.duration(MAX, DEFAULTS.max);
        if (base.isZero() || base.isNegative()) {
            throw MicroConfig.invalid(BASE, c.get(BASE, ""), "a duration > 0, for example 2s");
        }
        if (max.compareTo(base) < 0) {
            if (c.get(MAX).isEmpty()) {
                // only the base was set, above the default max: blame the key that was set
                throw MicroConfig.invalid(BASE, c.get(BASE, ""), "a duration <= " + MAX + " (" + max + ")");
            }
            throw MicroConfig.invalid(MAX, c.get(MAX, ""), "a duration >= " + BASE + " (" + base + ")");
        }
        return new Ejection(c.integer(FAILURES, DEFAULTS.failures, 0, 1_000_000), base, max);
    }

    boolean enabled() {
        return failures > 0;
    }

    /** The length of ejection number {@code n} (1 = the first in a row). */
    long lengthNanos(int n) {
        long b = base.toNanos();
        long m = max.toNanos();
        int shift = Math.min(n - 1, 62);
        return b > (m >> shift) ? m : Math.min(m, b << shift);
    }
}
