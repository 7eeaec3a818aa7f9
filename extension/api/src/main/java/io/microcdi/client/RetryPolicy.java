package io.microcdi.client;

import io.microcdi.errors.MicroException;
import io.microcdi.transport.TransportException;
import io.microcdi.transport.TransportTimeoutException;

/**
 * Decides whether a failed attempt is tried again (on another node when the service has one). A CDI bean
 * implementing it replaces {@link #defaults()} for every client.
 *
 * <pre>{@code
 * @ApplicationScoped
 * class AtMostOnce implements RetryPolicy {
 *     public boolean retry(Request request, int attempts, Throwable error) {
 *         // never run a handler twice: only failures that certainly did not reach a node
 *         return error instanceof TransportException t ? !t.requestSent() : RetryPolicy.defaults().retry(request, attempts, error);
 *     }
 * }
 * }</pre>
 *
 * <p>The client asks only while retries and time are left: {@code micro.client.retries} and the call's deadline
 * bound every policy.
 */
@FunctionalInterface
public interface RetryPolicy {

    /**
     * Whether to try again after {@code error}.
     *
     * @param request  the call
     * @param attempts the attempts made so far (1 after the first failed)
     * @param error    why the last attempt failed: a {@link TransportException} (the connection could not be made or
     *                 broke before the answer), a {@link TransportTimeoutException} (the attempt ran out of time), or
     *                 a {@link MicroException} the node answered with
     */
    boolean retry(Request request, int attempts, Throwable error);

    /**
     * The default: retry connection failures (refused, reset, closed before the answer), timeouts that struck
     * before the request was written, and the framework's own 408, 500 and 503 errors (ids {@code go.micro.server},
     * {@code go.micro.client}).
     * Never an application's error, whatever its code, and never a timeout after the request was written.
     *
     * <p>A connection that breaks after the request was written may have run the handler: the retry then runs it
     * again (at-least-once, as Go Micro). Return {@code !e.requestSent()} for {@link TransportException} to get
     * at-most-once instead.
     */
    static RetryPolicy defaults() {
        return RetryPolicy::retryable;
    }

    /**
     * Whether {@code id} is one the framework raises its own errors under: {@code go.micro.server} and
     * {@code go.micro.client}. Handlers raise theirs under the service name, even one named the Go Micro way
     * ({@code go.micro.srv.greeter}), so those are never mistaken for the framework's.
     */
    static boolean isFramework(String id) {
        return "go.micro.server".equals(id) || "go.micro.client".equals(id);
    }

    /** {@link #defaults()} as a predicate. */
    static boolean retryable(Request request, int attempts, Throwable error) {
        if (error instanceof TransportException) {
            return true;
        }
        if (error instanceof TransportTimeoutException t) {
            return !t.requestSent();
        }
        if (error instanceof MicroException m) {
            int code = m.code();
            return (code == 408 || code == 500 || code == 503) && isFramework(m.id());
        }
        return false;
    }
}
