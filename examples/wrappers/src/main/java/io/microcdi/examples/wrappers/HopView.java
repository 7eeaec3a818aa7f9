package io.microcdi.examples.wrappers;

import io.microcdi.context.CallContext;

import java.time.Duration;

/**
 * What one hop saw of the call it handled, read from its {@link CallContext}: who called, from where, with how much
 * time left, and which request and trace.
 *
 * <pre>{@code
 * {"service":"backend","endpoint":"Backend.Inspect","callerService":"frontend","remoteAddress":"127.0.0.1:40312",
 *  "requestId":"5f0c...","remainingMs":2987,"traceparentIn":"00-4bf9...-a1b2...-01","traceparent":"00-4bf9...-c3d4...-01"}
 * }</pre>
 *
 * @param service       the service called
 * @param endpoint      the endpoint called
 * @param callerService the calling service ({@code Micro-From-Service}); {@code ""} when the caller is no service
 * @param remoteAddress the caller's address
 * @param requestId     the caller's {@code X-Request-Id}, or {@code ""}
 * @param remainingMs   the time left until the caller's deadline, in ms; {@code -1} without a deadline
 * @param traceparentIn the {@code traceparent} that arrived (its parent id is the caller's span), or {@code ""}
 * @param traceparent   the {@code traceparent} this hop sends on (its parent id is this hop's span), or {@code ""}
 */
public record HopView(String service, String endpoint, String callerService, String remoteAddress, String requestId,
                      long remainingMs, String traceparentIn, String traceparent) {

    /**
     * What the call {@code call} shows now, with the {@code traceparent} it arrived with (before
     * {@code @TraceContext} replaced it with this hop's span).
     */
    static HopView seen(CallContext call) {
        return new HopView(call.service(), call.endpoint(), call.callerService(), call.remoteAddress(),
                call.metadata().getOrDefault("X-Request-Id", ""),
                call.remaining().map(Duration::toMillis).orElse(-1L),
                call.received().getOrDefault("traceparent", ""),
                call.metadata().getOrDefault("traceparent", ""));
    }
}
