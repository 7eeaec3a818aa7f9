package io.microcdi.internal.grpc;

import io.grpc.Metadata;
import io.microcdi.internal.context.InboundHeaders;

import java.util.Locale;

/**
 * gRPC's headers and MicroCDI's metadata, both ways: what a server puts in a call's context, what a client sends.
 *
 * <pre>{@code
 * io.microcdi.metadata.Metadata md = GrpcHeaders.inbound(headers);   // x-tenant, authorization, traceparent ...
 * io.grpc.Metadata sent = GrpcHeaders.outbound(request.metadata());
 * }</pre>
 *
 * <p>Left out both ways: gRPC's own ({@code grpc-*}, {@code content-type}, {@code te}, {@code user-agent}), binary
 * ({@code -bin}) headers, and the protocol headers MicroCDI never hands on (see {@link InboundHeaders}). Go Micro's
 * gRPC client sends its deadline in {@code timeout} (ns) and its codec in {@code x-content-type}: both are read, never
 * handed on. Keys are lower case on the wire (HTTP/2); a value sent several times reads as one, joined by
 * {@code ", "} (as Go Micro).
 */
public final class GrpcHeaders {

    public static final Metadata.Key<String> CONTENT_TYPE =
            Metadata.Key.of("content-type", Metadata.ASCII_STRING_MARSHALLER);
    /** Go Micro's gRPC client names its codec here. */
    public static final Metadata.Key<String> X_CONTENT_TYPE =
            Metadata.Key.of("x-content-type", Metadata.ASCII_STRING_MARSHALLER);
    /** Go Micro's gRPC client sends its request timeout here, in nanoseconds. */
    public static final Metadata.Key<String> TIMEOUT = Metadata.Key.of("timeout", Metadata.ASCII_STRING_MARSHALLER);
    public static final Metadata.Key<String> FROM_SERVICE =
            Metadata.Key.of("micro-from-service", Metadata.ASCII_STRING_MARSHALLER);

    private GrpcHeaders() {
    }

    /** The content type a call's messages are in: Go Micro's {@code x-content-type}, else {@code content-type}. */
    public static String contentType(Metadata headers) {
        String x = headers.get(X_CONTENT_TYPE);
        if (x != null) {
            return x;
        }
        String ct = headers.get(CONTENT_TYPE);
        return ct == null ? "application/grpc" : ct;
    }

    /** The caller's metadata among a call's headers. */
    public static io.microcdi.metadata.Metadata inbound(Metadata headers) {
        java.util.Set<String> keys = headers.keys();
        int carried = 0;
        for (String k : keys) {
            if (carried(k)) {
                carried++;
            }
        }
        if (carried == 0) {
            return io.microcdi.metadata.Metadata.empty();
        }
        io.microcdi.metadata.Metadata.Builder b = io.microcdi.metadata.Metadata.builder(carried);
        for (String k : keys) {
            if (carried(k)) {
                Iterable<String> values = headers.getAll(Metadata.Key.of(k, Metadata.ASCII_STRING_MARSHALLER));
                b.put(k, values == null ? "" : String.join(", ", values));
            }
        }
        return b.build();
    }

    /** {@code metadata} as gRPC headers; {@code into} gets them. */
    public static void outbound(io.microcdi.metadata.Metadata metadata, Metadata into) {
        metadata.forEach((k, v) -> {
            String key = k.toLowerCase(Locale.ROOT);
            if (carried(key) && !v.isEmpty() && ascii(v)) {
                into.put(Metadata.Key.of(key, Metadata.ASCII_STRING_MARSHALLER), v);
            }
        });
    }

    private static boolean carried(String key) {
        return !key.endsWith(Metadata.BINARY_HEADER_SUFFIX) && !key.startsWith("grpc-") && !key.equals("te")
                && !key.equals("x-content-type") && !InboundHeaders.isProtocol(key) && validKey(key);
    }

    private static boolean validKey(String key) {
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
            if (!ok) {
                return false;
            }
        }
        return !key.isEmpty();
    }

    private static boolean ascii(String v) {
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                return false;
            }
        }
        return true;
    }
}
