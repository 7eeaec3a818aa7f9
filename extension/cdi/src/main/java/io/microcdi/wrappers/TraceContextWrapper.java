package io.microcdi.wrappers;

import io.microcdi.client.CallFunc;
import io.microcdi.client.CallWrapper;
import io.microcdi.metadata.Metadata;

/**
 * Sends a W3C {@code traceparent} with each attempt of a call, with a new span id per attempt (the client span): a
 * child of the request's {@code traceparent} (which carries the span of the call being handled, see
 * {@link TraceContextInterceptor}), or the root of a new trace. {@code tracestate} goes along; it is dropped when a
 * new trace starts.
 *
 * <pre>{@code
 * @Wrap(TraceContextWrapper.class)          // one client; micro.client.wrappers=trace: every client
 * public interface BillingApi { Invoice charge(Order order); }
 * }</pre>
 *
 * <p>Not a bean (it has no scope), so it never applies to every client by discovery: {@code @Wrap} and
 * {@code micro.client.wrappers} make it when they name it, outermost of the client's wrappers.
 */
public final class TraceContextWrapper implements CallWrapper {

    @Override
    public CallFunc wrap(CallFunc next) {
        return (node, request, options) -> next.call(node, request.withMetadata(traced(request.metadata())), options);
    }

    /** {@code md} with the {@code traceparent} of a new client span. */
    static Metadata traced(Metadata md) {
        TraceParent parent = TraceParent.parseOrNull(md.get(TraceParent.HEADER));
        if (parent == null) {
            return md.without(TraceParent.STATE).with(TraceParent.HEADER, TraceParent.newRoot().toString());
        }
        return md.with(TraceParent.HEADER, parent.child().toString());
    }

    @Override
    public String toString() {
        return "TraceContextWrapper";
    }
}
