package io.microcdi.client;

import java.time.Duration;
import java.util.Objects;

/**
 * How one call behaves: its deadline and how many times it may move to another node.
 *
 * <pre>{@code
 * CallOptions.defaults().withRequestTimeout(Duration.ofMillis(500)).withRetries(0)
 * }</pre>
 *
 * @param requestTimeout the budget for the whole call, retries included; sent as the {@code Timeout} header
 * @param retries        extra attempts on connection failures, each on another node when there is one
 */
public record CallOptions(Duration requestTimeout, int retries) {

    /** Go Micro's defaults: 5 s, one retry. */
    public static final CallOptions DEFAULTS = new CallOptions(Duration.ofSeconds(5), 1);

    public CallOptions {
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        if (requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("requestTimeout: " + requestTimeout + " (expected: > 0)");
        }
        if (retries < 0) {
            throw new IllegalArgumentException("retries: " + retries + " (expected: >= 0)");
        }
    }

    /** {@link #DEFAULTS}. */
    public static CallOptions defaults() {
        return DEFAULTS;
    }

    /** A copy with another request timeout. */
    public CallOptions withRequestTimeout(Duration timeout) {
        return new CallOptions(timeout, retries);
    }

    /** A copy with another retry count. */
    public CallOptions withRetries(int count) {
        return new CallOptions(requestTimeout, count);
    }
}
