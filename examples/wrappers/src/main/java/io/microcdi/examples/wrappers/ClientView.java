package io.microcdi.examples.wrappers;

/**
 * What the client sent with its call to the frontend.
 *
 * <pre>{@code
 * {"requestId":"5f0c...","traceparent":"00-4bf9...-9e8d...-01","timeoutMs":3000}
 * }</pre>
 *
 * @param requestId   the {@code X-Request-Id} of its (last) attempt
 * @param traceparent the {@code traceparent} of its (last) attempt, or {@code ""}
 * @param timeoutMs   the call's request timeout, in ms
 */
public record ClientView(String requestId, String traceparent, long timeoutMs) {
}
