package io.microcdi.wrappers;

import io.microcdi.context.CallContext;
import io.microcdi.context.CallContexts;
import io.microcdi.metadata.Metadata;
import io.microcdi.telemetry.Telemetry;
import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.interceptor.AroundInvoke;
import jakarta.interceptor.Interceptor;
import jakarta.interceptor.InvocationContext;

/**
 * Makes each call served or message handled a span of its W3C trace: continues the trace of a valid inbound
 * {@code traceparent} (same trace id and flags) or starts one, and puts this span, with a new span id, in the
 * call's metadata, so that the calls and messages sent while handling carry it as their parent.
 *
 * <pre>{@code
 * inbound:  traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01
 * handler:  traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-<new span id>-01   (TraceParent.current())
 * }</pre>
 *
 * <p>{@code tracestate} travels on untouched; it is dropped when there is no valid {@code traceparent} (missing or
 * malformed), as a new trace has no vendor state yet. The outermost of the built-in interceptors, so that the others
 * and the handler see the new span. It does nothing on a {@code @MicroClient} interface: there
 * {@link TraceContextWrapper} makes a span per attempt. With a telemetry that carries the trace context itself
 * (OpenTelemetry's, see {@link Telemetry#traces()}) it does nothing: the server span is the telemetry's.
 */
@TraceContext
@Interceptor
@Priority(Interceptor.Priority.LIBRARY_BEFORE)
public class TraceContextInterceptor {

    /** The inbound call already traced on this thread: a bean called directly while handling it is no new span. */
    private static final ThreadLocal<CallContext> TRACING = new ThreadLocal<>();

    /** Carries the trace context itself (OpenTelemetry's): then this interceptor steps aside. */
    @Inject
    Telemetry telemetry;

    @AroundInvoke
    Object trace(InvocationContext ic) throws Exception {
        CallContext call = CallContexts.current();
        CallContext outer = TRACING.get();
        if (!call.active() || outer == call || Calls.isClient(ic.getTarget()) || telemetry.traces()) {
            return ic.proceed();
        }
        Metadata md = call.metadata();
        TraceParent parent = TraceParent.parseOrNull(md.get(TraceParent.HEADER));
        if (parent == null && md.contains(TraceParent.STATE)) {
            call.putMetadata(TraceParent.STATE, null);
        }
        call.putMetadata(TraceParent.HEADER, (parent == null ? TraceParent.newRoot() : parent.child()).toString());
        TRACING.set(call);
        try {
            return ic.proceed();
        } finally {
            TRACING.set(outer);
        }
    }
}
