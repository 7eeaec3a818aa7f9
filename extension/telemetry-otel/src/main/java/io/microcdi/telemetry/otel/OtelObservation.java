package io.microcdi.telemetry.otel;

import io.microcdi.errors.MicroException;
import io.microcdi.metadata.Metadata;
import io.microcdi.telemetry.Observation;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;

/**
 * One span, open from a hook to {@link #end}, and the context holding it (for {@link #propagate} and
 * {@link #makeCurrent}).
 *
 * <pre>{@code
 * Observation o = telemetry.serverCall("mucp", "greeter", "Greeter.Hello", headers);
 * try (Observation.Scope s = o.makeCurrent()) { ... } finally { o.end(code, error); }
 * }</pre>
 */
final class OtelObservation implements Observation {

    /** Which rule turns an outcome into the span's status. */
    enum Role {
        /** A call served: a 4xx (gRPC: the caller's statuses) is the caller's fault and leaves the status unset. */
        SERVER,
        /** An attempt, a publish, a delivery: any failure is an error. */
        CLIENT
    }

    private final OtelTelemetry telemetry;
    private final Span span;
    private final Context context;
    private final Conventions conventions;
    private final Role role;
    /** Whether the code is recorded as a gRPC status; false for mucp and for messages. */
    private final boolean grpc;
    /** Whether the code is recorded as {@code rpc.response.status_code} (newer RPC conventions, not messages). */
    private final boolean rpc;

    OtelObservation(OtelTelemetry telemetry, Span span, Context context, Role role, boolean grpc, boolean rpc) {
        this.telemetry = telemetry;
        this.span = span;
        this.context = context;
        this.conventions = telemetry.conventions();
        this.role = role;
        this.grpc = grpc;
        this.rpc = rpc;
    }

    /** {@code headers} with this span as the parent of what they reach: {@code traceparent}, {@code tracestate}. */
    @Override
    public Metadata propagate(Metadata headers) {
        return telemetry.inject(context, headers);
    }

    @Override
    public Scope makeCurrent() {
        io.opentelemetry.context.Scope scope = context.makeCurrent();
        return scope::close;
    }

    @Override
    public void end(int code, Throwable error) {
        if (code == 0 && error == null) {
            if (grpc) {
                if (conventions.old) {
                    span.setAttribute(Conventions.RPC_GRPC_STATUS_CODE, Codes.grpcValue(0));
                }
                if (conventions.stable) {
                    span.setAttribute(Conventions.RPC_RESPONSE_STATUS_CODE, Codes.grpcName(0));
                }
            }
        } else {
            failed(code == 0 ? 500 : code, error);
        }
        span.end();
    }

    private void failed(int code, Throwable error) {
        String type;
        boolean serverFault;
        if (grpc) {
            int status = Codes.grpc(code);
            type = Codes.grpcName(status);
            serverFault = Codes.grpcServerError(status);
            if (conventions.old) {
                span.setAttribute(Conventions.RPC_GRPC_STATUS_CODE, Codes.grpcValue(status));
            }
        } else {
            type = Codes.text(code);
            serverFault = code >= 500;
        }
        if (rpc && conventions.stable) {
            span.setAttribute(Conventions.RPC_RESPONSE_STATUS_CODE, type);
        }
        span.setAttribute(Conventions.ERROR_TYPE, type);
        if (role == Role.CLIENT || serverFault) {
            // a Go Micro error's detail: its message repeats the code that error.type holds
            String message = error instanceof MicroException m ? m.detail()
                    : error == null ? null : error.getMessage();
            if (message == null || message.isEmpty()) {
                span.setStatus(StatusCode.ERROR);
            } else {
                span.setStatus(StatusCode.ERROR, message);
            }
            if (error != null && !(error instanceof MicroException)) {
                // an exception nobody turned into an error answer: its stack trace is worth the event
                span.recordException(error);
            }
        }
    }

    @Override
    public String toString() {
        return "OtelObservation[" + span.getSpanContext() + "]";
    }
}
