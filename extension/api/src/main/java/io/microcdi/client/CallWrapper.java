package io.microcdi.client;

/**
 * Middleware around each attempt of an outbound call, after the node is chosen: Go Micro's
 * {@code func(CallFunc) CallFunc}. A retry on another node runs the wrappers again.
 *
 * <pre>{@code
 * @ApplicationScoped @Priority(100)               // lower runs first (outermost)
 * public class TenantHeader implements CallWrapper {
 *     public CallFunc wrap(CallFunc next) {
 *         return (node, request, options) -> next.call(node,
 *                 request.withMetadata(request.metadata().with("X-Tenant", "acme")), options);
 *     }
 * }
 * }</pre>
 *
 * <p>A {@code CallWrapper} bean applies to every {@code @MicroClient}, unless a client interface names it with
 * {@link io.microcdi.annotation.Wrap @Wrap}: then it applies only to the clients that name it. The chain is built once
 * per client, when the client is created: {@link #wrap} is not called per call.
 */
@FunctionalInterface
public interface CallWrapper {

    /** {@code next} with this wrapper's behaviour around it. */
    CallFunc wrap(CallFunc next);
}
