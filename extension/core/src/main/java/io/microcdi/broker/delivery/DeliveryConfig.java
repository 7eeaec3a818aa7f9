package io.microcdi.broker.delivery;

import io.microcdi.config.MicroConfig;

import java.time.Duration;

/**
 * How a broker delivers, read once from the {@code micro.broker.*} keys that every broker honours, whatever its
 * plugin ({@code memory}, {@code http}, or a plugin's such as NATS): a broker's own record holds one of these next to
 * its {@code micro.broker.<name>.*} settings.
 *
 * <pre>{@code
 * DeliveryConfig cfg = DeliveryConfig.from(MicroConfig.of(Map.of("micro.broker.retries", "0")));
 * }</pre>
 *
 * @param retries            extra attempts of a failed delivery, each on another member of the queue group when it
 *                           has one; {@code 0} makes delivery at-most-once
 * @param retryHandlerErrors whether a subscriber that threw counts as a failed delivery to retry (otherwise the
 *                           publish fails at once)
 * @param publishTimeout     how long a publish may take, every group and retry included
 * @param attemptTimeout     the most one attempt may take within what is left of the publish timeout;
 *                           {@link Duration#ZERO}: no limit of its own
 * @param handlerThreads     worker threads of the subscribers when the JDK has no virtual threads
 * @param virtualThreads     run subscribers on virtual threads when the JDK has them (21+)
 */
public record DeliveryConfig(int retries, boolean retryHandlerErrors, Duration publishTimeout, Duration attemptTimeout,
                             int handlerThreads, boolean virtualThreads) {

    public static final String RETRIES = "micro.broker.retries";
    public static final String RETRY_HANDLER_ERRORS = "micro.broker.retry-handler-errors";
    public static final String PUBLISH_TIMEOUT = "micro.broker.publish-timeout";
    public static final String ATTEMPT_TIMEOUT = "micro.broker.attempt-timeout";
    public static final String HANDLER_THREADS = "micro.broker.handler-threads";
    public static final String VIRTUAL_THREADS = "micro.broker.virtual-threads";

    public static final int DEFAULT_RETRIES = 2;
    public static final Duration DEFAULT_PUBLISH_TIMEOUT = Duration.ofSeconds(5);
    public static final int DEFAULT_HANDLER_THREADS = 64;

    public DeliveryConfig {
        if (retries < 0) {
            throw new IllegalArgumentException("retries: " + retries + " (expected: >= 0)");
        }
        if (publishTimeout.isZero() || publishTimeout.isNegative()) {
            throw new IllegalArgumentException("publishTimeout: " + publishTimeout + " (expected: > 0)");
        }
        if (attemptTimeout.isNegative()) {
            throw new IllegalArgumentException("attemptTimeout: " + attemptTimeout + " (expected: >= 0)");
        }
        if (handlerThreads < 1) {
            throw new IllegalArgumentException("handlerThreads: " + handlerThreads + " (expected: > 0)");
        }
    }

    /** The defaults: 2 retries, handler errors retried, 5 s per publish, no attempt limit, 64 threads. */
    public static DeliveryConfig defaults() {
        return new DeliveryConfig(DEFAULT_RETRIES, true, DEFAULT_PUBLISH_TIMEOUT, Duration.ZERO,
                DEFAULT_HANDLER_THREADS, true);
    }

    /** Reads the {@code micro.broker.*} keys above. */
    public static DeliveryConfig from(MicroConfig c) {
        return new DeliveryConfig(
                c.integer(RETRIES, DEFAULT_RETRIES, 0, 100),
                c.bool(RETRY_HANDLER_ERRORS, true),
                c.duration(PUBLISH_TIMEOUT, DEFAULT_PUBLISH_TIMEOUT), // > 0: the fallback is not zero
                // 0 means none, whatever the fallback
                c.get(ATTEMPT_TIMEOUT).isPresent() ? c.duration(ATTEMPT_TIMEOUT, Duration.ZERO) : Duration.ZERO,
                c.integer(HANDLER_THREADS, DEFAULT_HANDLER_THREADS, 1, 10_000),
                c.bool(VIRTUAL_THREADS, true));
    }

    /** Attempts in all: the first and the retries. */
    public int attempts() {
        return retries + 1;
    }

    /** The timeout of an attempt that starts with {@code leftNanos} of the publish budget left. */
    public long attemptNanos(long leftNanos) {
        return attemptTimeout.isZero() ? leftNanos : Math.min(leftNanos, attemptTimeout.toNanos());
    }
}
