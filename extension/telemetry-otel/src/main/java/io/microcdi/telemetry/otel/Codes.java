package io.microcdi.telemetry.otel;

/**
 * Go Micro's HTTP-like error codes as the strings and gRPC statuses the spans record, without allocating.
 *
 * <pre>{@code
 * Codes.text(404);        // "404"
 * Codes.grpc(404);        // 5 (NOT_FOUND)
 * Codes.grpcName(5);      // "NOT_FOUND"
 * }</pre>
 *
 * <p>The gRPC status of a code is the one the gRPC server sends for it (Go Micro's table, completed: see
 * {@code GrpcErrors} in {@code microcdi-grpc}), so a span records what went on the wire.
 */
final class Codes {

    /** gRPC's status names, by value. */
    private static final String[] GRPC_NAMES = {"OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED",
        "NOT_FOUND", "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED",
        "OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED"};
    /** Boxed once: the span attribute takes a {@code Long}. */
    private static final Long[] GRPC_VALUES = new Long[GRPC_NAMES.length];
    /** The text of every code from 0 to 999. */
    private static final String[] TEXT = new String[1000];

    static {
        for (int i = 0; i < GRPC_VALUES.length; i++) {
            GRPC_VALUES[i] = (long) i;
        }
        for (int i = 0; i < TEXT.length; i++) {
            TEXT[i] = Integer.toString(i);
        }
    }

    private Codes() {
    }

    /** {@code code} as text: {@code "404"}. */
    static String text(int code) {
        return code >= 0 && code < TEXT.length ? TEXT[code] : Integer.toString(code);
    }

    /** The gRPC status value of a Go Micro code; {@code 0} (OK) for {@code 0}. */
    static int grpc(int code) {
        return switch (code) {
            case 0, 200 -> 0;
            case 400, 415, 422 -> 3;
            case 401 -> 16;
            case 403 -> 7;
            case 404 -> 5;
            case 405, 501 -> 12;
            case 408, 504 -> 4;
            case 409 -> 6;
            case 412 -> 9;
            case 413, 429 -> 8;
            case 499 -> 1;
            case 500 -> 13;
            case 502, 503 -> 14;
            default -> 2;
        };
    }

    /** The name of a gRPC status value: {@code NOT_FOUND}. */
    static String grpcName(int status) {
        return GRPC_NAMES[status];
    }

    /** A gRPC status value, boxed once. */
    static Long grpcValue(int status) {
        return GRPC_VALUES[status];
    }

    /**
     * Whether a gRPC status is the server's fault, so its span is an error: UNKNOWN, DEADLINE_EXCEEDED,
     * UNIMPLEMENTED, INTERNAL, UNAVAILABLE, DATA_LOSS (the gRPC conventions' table; the others are the caller's).
     */
    static boolean grpcServerError(int status) {
        return switch (status) {
            case 2, 4, 12, 13, 14, 15 -> true;
            default -> false;
        };
    }
}
