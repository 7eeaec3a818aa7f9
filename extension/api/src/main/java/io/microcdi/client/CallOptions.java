package io.microcdi.client;

import io.microcdi.selector.SelectOptions;

import java.time.Duration;
import java.util.Objects;

/**
 * How one call behaves: its deadline, how often it may move to another node, how long each attempt may take and
 * which nodes it may go to.
 *
 * <pre>{@code
 * CallOptions.defaults()
 *         .withRequestTimeout(Duration.ofMillis(500))
 *         .withAttemptTimeout(Duration.ofMillis(150))
 *         .withRetries(2)
 *         .withSelect(SelectOptions.none().withVersion("2.1"))
 * }</pre>
 *
 * @param requestTimeout the budget of the whole call, retries and back-off included; each attempt sends what is left
 *                       of it in the {@code Timeout} header
 * @param retries        extra attempts after a retryable failure (see {@link RetryPolicy}), each on another node
 *                       when there is one; 1 = two attempts at most
 * @param attemptTimeout the most one attempt may take, within what is left of {@code requestTimeout};
 *                       {@link Duration#ZERO} = no limit of its own
 * @param select         which nodes the call may go to
 */
public record CallOptions(Duration requestTimeout, int retries, Duration attemptTimeout, SelectOptions select) {

    /** Go Micro's defaults: 5 s, one retry; no attempt timeout; any node. */
    public static final CallOptions DEFAULTS = new CallOptions(Duration.ofSeconds(5), 1, Duration.ZERO,
            SelectOptions.none());

    public CallOptions {
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        Objects.requireNonNull(attemptTimeout, "attemptTimeout");
        Objects.requireNonNull(select, "select");
        if (requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("requestTimeout: " + requestTimeout + " (expected: > 0)");
        }
        if (attemptTimeout.isNegative()) {
            throw new IllegalArgumentException("attemptTimeout: " + attemptTimeout + " (expected: >= 0)");
        }
        if (retries < 0) {
            throw new IllegalArgumentException("retries: " + retries + " (expected: >= 0)");
        }
    }

    /** A request timeout and retry count; no attempt timeout, any node. */
    public CallOptions(Duration requestTimeout, int retries) {
        this(requestTimeout, retries, Duration.ZERO, SelectOptions.none());
    }

    /** {@link #DEFAULTS}. */
    public static CallOptions defaults() {
        return DEFAULTS;
    }

    /** A copy with another request timeout. */
    public CallOptions withRequestTimeout(Duration timeout) {
        return new CallOptions(timeout, retries, attemptTimeout, select);
    }

    /** A copy with another retry count. */
    public CallOptions withRetries(int count) {
        return new CallOptions(requestTimeout, count, attemptTimeout, select);
    }

    /** A copy with another attempt timeout ({@link Duration#ZERO}: none). */
    public CallOptions withAttemptTimeout(Duration timeout) {
        return new CallOptions(requestTimeout, retries, timeout, select);
    }

    /** A copy that goes only to the nodes {@code options} keeps. */
    public CallOptions withSelect(SelectOptions options) {
        return new CallOptions(requestTimeout, retries, attemptTimeout, options);
    }
}
