package io.microcdi.wrappers;

import java.util.Objects;

/**
 * How long one call, message or client call took and how it ended, as {@link MeasuringInterceptor} hands it to
 * {@link CallTimingListener}s.
 *
 * <pre>{@code
 * new CallTiming("call", "greeter Greeter.Hello", 1_200_000, 0)       // served, ok
 * new CallTiming("message", "orders Audit.onOrder", 400_000, 500)     // a subscriber threw
 * new CallTiming("client", "GreeterApi.hello", 2_100_000, 401)        // a client call answered 401
 * }</pre>
 *
 * @param kind  {@code "call"} (served), {@code "message"} (handled by a subscriber) or {@code "client"} (made)
 * @param name  {@code service Handler.Method}, {@code topic Class.method}, or {@code ClientInterface.method}
 * @param nanos the duration, until the result's stage completed for an asynchronous method
 * @param code  {@code 0} for success, the code of a {@link io.microcdi.errors.MicroException}, {@code 500} for any
 *              other failure
 */
public record CallTiming(String kind, String name, long nanos, int code) {

    /** A call served. */
    public static final String CALL = "call";
    /** A message handled. */
    public static final String MESSAGE = "message";
    /** A client call made. */
    public static final String CLIENT = "client";

    public CallTiming {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(name, "name");
    }

    /** Whether the call failed. */
    public boolean failed() {
        return code != 0;
    }
}
