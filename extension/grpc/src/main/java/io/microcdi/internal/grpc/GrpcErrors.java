package io.microcdi.internal.grpc;

import com.google.protobuf.Any;
import com.google.rpc.ErrorInfo;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.microcdi.errors.ErrorJson;
import io.microcdi.errors.MicroException;

/**
 * Go Micro's error (id, code, detail, status) and gRPC's status, both ways.
 *
 * <pre>{@code
 * StatusRuntimeException sent = GrpcErrors.toStatus(MicroException.notFound("greeter", "no John"));
 * MicroException back = GrpcErrors.toMicro(sent.getStatus(), sent.getTrailers(), "go.micro.client");
 * }</pre>
 *
 * <p>On the wire an error is the gRPC code of its HTTP-like code (Go Micro's table, completed), a
 * {@code grpc-message} holding Go Micro's error JSON (what Go Micro's gRPC server sends and its client parses), and
 * a {@code grpc-status-details-bin} {@code google.rpc.Status} whose message is the detail alone and whose
 * {@code google.rpc.ErrorInfo} carries the four fields (reason = status, domain = id, metadata id/code/detail/status)
 * for gRPC clients that read rich errors.
 */
public final class GrpcErrors {

    /** The domain of the {@code ErrorInfo}: which side's error it is, for a reader that does not know Go Micro. */
    static final String CODE_KEY = "code";

    private GrpcErrors() {
    }

    /** The gRPC code of an HTTP-like code. */
    public static Status.Code code(int http) {
        return switch (http) {
            case 200 -> Status.Code.OK;
            case 400, 415, 422 -> Status.Code.INVALID_ARGUMENT;
            case 401 -> Status.Code.UNAUTHENTICATED;
            case 403 -> Status.Code.PERMISSION_DENIED;
            case 404 -> Status.Code.NOT_FOUND;
            case 405, 501 -> Status.Code.UNIMPLEMENTED;
            case 408, 504 -> Status.Code.DEADLINE_EXCEEDED;
            case 409 -> Status.Code.ALREADY_EXISTS;
            case 412 -> Status.Code.FAILED_PRECONDITION;
            case 413, 429 -> Status.Code.RESOURCE_EXHAUSTED;
            case 499 -> Status.Code.CANCELLED;
            case 500 -> Status.Code.INTERNAL;
            case 502, 503 -> Status.Code.UNAVAILABLE;
            default -> Status.Code.UNKNOWN;
        };
    }

    /** The HTTP-like code of a gRPC code. */
    public static int http(Status.Code code) {
        return switch (code) {
            case OK -> 200;
            case INVALID_ARGUMENT, OUT_OF_RANGE -> 400;
            case UNAUTHENTICATED -> 401;
            case PERMISSION_DENIED -> 403;
            case NOT_FOUND -> 404;
            case ALREADY_EXISTS, ABORTED -> 409;
            case FAILED_PRECONDITION -> 412;
            case RESOURCE_EXHAUSTED -> 429;
            case CANCELLED -> 499;
            case DEADLINE_EXCEEDED -> 408;
            case UNIMPLEMENTED -> 501;
            case UNAVAILABLE -> 503;
            case UNKNOWN, INTERNAL, DATA_LOSS -> 500;
        };
    }

    /** {@code e} as the status and trailers a server closes a call with. */
    public static StatusRuntimeException toStatus(MicroException e) {
        Status.Code code = code(e.code());
        com.google.rpc.Status rich = com.google.rpc.Status.newBuilder()
                .setCode(code.value())
                .setMessage(ErrorJson.write(e))
                .addDetails(Any.pack(ErrorInfo.newBuilder()
                        .setReason(e.status())
                        .setDomain(e.id())
                        .putMetadata("id", e.id())
                        .putMetadata(CODE_KEY, Integer.toString(e.code()))
                        .putMetadata("detail", e.detail())
                        .putMetadata("status", e.status())
                        .build()))
                .build();
        return StatusProto.toStatusRuntimeException(rich);
    }

    /**
     * The Go Micro error a status stands for: the error JSON in its message (Go Micro's servers and ours), else the
     * {@code ErrorInfo} of its details (ours), else its code and message under {@code id} (any gRPC server).
     *
     * @param trailers the call's trailers, or {@code null}
     */
    public static MicroException toMicro(Status status, Metadata trailers, String id) {
        String message = status.getDescription();
        if (message != null && message.startsWith("{")) {
            MicroException parsed = ErrorJson.parse(message);
            if (parsed.code() > 0) {
                return parsed;
            }
        }
        if (trailers != null) {
            com.google.rpc.Status rich = StatusProto.fromStatusAndTrailers(status, trailers);
            if (rich != null) {
                for (Any detail : rich.getDetailsList()) {
                    if (detail.is(ErrorInfo.class)) {
                        MicroException fromInfo = fromInfo(detail);
                        if (fromInfo != null) {
                            return fromInfo;
                        }
                    }
                }
            }
        }
        int http = http(status.getCode());
        String detail = message == null || message.isEmpty() ? status.getCode().name() : message;
        return new MicroException(id, http, detail, MicroException.statusText(http), status.getCause());
    }

    private static MicroException fromInfo(Any detail) {
        try {
            ErrorInfo info = detail.unpack(ErrorInfo.class);
            int code = Integer.parseInt(info.getMetadataOrDefault(CODE_KEY, ""));
            return new MicroException(info.getMetadataOrDefault("id", info.getDomain()), code,
                    info.getMetadataOrDefault("detail", ""), info.getMetadataOrDefault("status", info.getReason()));
        } catch (com.google.protobuf.InvalidProtocolBufferException | NumberFormatException e) {
            return null;
        }
    }
}
