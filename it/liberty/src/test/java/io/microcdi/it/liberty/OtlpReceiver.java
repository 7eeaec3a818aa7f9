package io.microcdi.it.liberty;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPInputStream;

/**
 * The receiving end of OpenTelemetry's OTLP/HTTP trace export on 127.0.0.1: {@code POST /v1/traces} with an
 * {@code ExportTraceServiceRequest} in protobuf (what the SDK's {@code otlp} exporter sends with
 * {@code otel.exporter.otlp.protocol=http/protobuf}), decoded into {@link Span}s and kept; every other path is a 404.
 *
 * <pre>{@code
 * try (OtlpReceiver otlp = OtlpReceiver.start()) {
 *     env.put("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", otlp.tracesEndpoint());   // http://127.0.0.1:<port>/v1/traces
 *     otlp.spans();                                                         // what arrived so far
 * }
 * }</pre>
 */
final class OtlpReceiver implements AutoCloseable {

    private static final String TRACES = "/v1/traces";
    private static final String[] KINDS = {"UNSPECIFIED", "INTERNAL", "SERVER", "CLIENT", "PRODUCER", "CONSUMER"};

    private final HttpServer server;
    private final List<Span> spans = new CopyOnWriteArrayList<>();
    private final List<String> rejected = new CopyOnWriteArrayList<>();

    /**
     * One exported span: ids in lowercase hex ({@code parentSpanId} empty for a root), the kind's name
     * ({@code SERVER}, {@code CLIENT}, {@code PRODUCER}, {@code CONSUMER}, {@code INTERNAL}), the instrumentation
     * scope that made it, and its attributes with their values as text.
     */
    record Span(String traceId, String spanId, String parentSpanId, String name, String kind, String scope,
                Map<String, String> attributes) {

        String attribute(String key) {
            return attributes.getOrDefault(key, "");
        }

        @Override
        public String toString() {
            return String.format("%s %s parent=%-16s %-8s %-36s %s", traceId, spanId,
                    parentSpanId.isEmpty() ? "-" : parentSpanId, kind, "'" + name + "'", scope);
        }
    }

    private OtlpReceiver(HttpServer server) {
        this.server = server;
    }

    /** Listens on a free port of 127.0.0.1. */
    static OtlpReceiver start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
            OtlpReceiver receiver = new OtlpReceiver(server);
            server.createContext("/", receiver::handle);
            server.start();
            return receiver;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The URL for {@code otel.exporter.otlp.traces.endpoint}. */
    String tracesEndpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + TRACES;
    }

    /** The spans received so far, in the order they arrived. */
    List<Span> spans() {
        return List.copyOf(spans);
    }

    /** The spans of one trace from its root down, each after its parent (in the order received among siblings). */
    static List<Span> rootFirst(List<Span> trace) {
        List<Span> out = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        trace.forEach(s -> ids.add(s.spanId()));
        trace.stream().filter(s -> !ids.contains(s.parentSpanId())).forEach(root -> addTree(root, trace, out));
        return out;
    }

    private static void addTree(Span span, List<Span> trace, List<Span> out) {
        out.add(span);
        trace.stream().filter(s -> s.parentSpanId().equals(span.spanId())).forEach(child -> addTree(child, trace, out));
    }

    /** Requests that were not a trace export or did not decode, for assertion messages. */
    List<String> rejected() {
        return List.copyOf(rejected);
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String what = exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath();
            if (!what.equals("POST " + TRACES)) {
                rejected.add(what);
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            if ("gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))) {
                try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
                    body = in.readAllBytes();
                }
            }
            try {
                spans.addAll(decode(body));
            } catch (RuntimeException e) {
                rejected.add(what + ": " + e);
                exchange.sendResponseHeaders(400, -1);
                return;
            }
            // an empty ExportTraceServiceResponse: everything accepted
            exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
            exchange.sendResponseHeaders(200, -1);
        }
    }

    /**
     * {@code ExportTraceServiceRequest}: resource_spans (1) of scope_spans (2), each a scope (1: name) and spans (2);
     * a span's trace_id (1), span_id (2), parent_span_id (4), name (5), kind (6), attributes (9).
     */
    static List<Span> decode(byte[] request) {
        List<Span> out = new ArrayList<>();
        for (Wire req = new Wire(request); req.next(); ) {
            if (req.field != 1) {
                req.skip();
                continue;
            }
            for (Wire resource = req.message(); resource.next(); ) {
                if (resource.field != 2) {
                    resource.skip();
                    continue;
                }
                String scope = "";
                List<Wire> spanMessages = new ArrayList<>();
                for (Wire scopeSpans = resource.message(); scopeSpans.next(); ) {
                    if (scopeSpans.field == 1) {
                        for (Wire s = scopeSpans.message(); s.next(); ) {
                            if (s.field == 1) {
                                scope = s.string();
                            } else {
                                s.skip();
                            }
                        }
                    } else if (scopeSpans.field == 2) {
                        spanMessages.add(scopeSpans.message());
                    } else {
                        scopeSpans.skip();
                    }
                }
                for (Wire span : spanMessages) {
                    out.add(span(span, scope));
                }
            }
        }
        return out;
    }

    private static Span span(Wire s, String scope) {
        String traceId = "";
        String spanId = "";
        String parent = "";
        String name = "";
        String kind = KINDS[0];
        Map<String, String> attributes = new LinkedHashMap<>();
        while (s.next()) {
            switch (s.field) {
                case 1 -> traceId = HexFormat.of().formatHex(s.bytes());
                case 2 -> spanId = HexFormat.of().formatHex(s.bytes());
                case 4 -> parent = HexFormat.of().formatHex(s.bytes());
                case 5 -> name = s.string();
                case 6 -> {
                    int k = (int) s.varint();
                    kind = k >= 0 && k < KINDS.length ? KINDS[k] : Integer.toString(k);
                }
                case 9 -> attribute(s.message(), attributes);
                default -> s.skip();
            }
        }
        return new Span(traceId, spanId, parent, name, kind, scope, Collections.unmodifiableMap(attributes));
    }

    /** A {@code KeyValue}: key (1), and an {@code AnyValue} (2) of a string (1), bool (2), int (3) or double (4). */
    private static void attribute(Wire kv, Map<String, String> into) {
        String key = "";
        String value = "";
        while (kv.next()) {
            if (kv.field == 1) {
                key = kv.string();
            } else if (kv.field == 2) {
                for (Wire v = kv.message(); v.next(); ) {
                    switch (v.field) {
                        case 1 -> value = v.string();
                        case 2 -> value = Boolean.toString(v.varint() != 0);
                        case 3 -> value = Long.toString(v.varint());
                        case 4 -> value = Double.toString(Double.longBitsToDouble(v.fixed64()));
                        default -> {
                            v.skip();
                            value = "<" + v.field + ">";
                        }
                    }
                }
            } else {
                kv.skip();
            }
        }
        into.put(key, value);
    }

    /** Protocol Buffers' wire format over a slice of bytes: one field at a time, sub-messages as slices. */
    private static final class Wire {
        private final byte[] buf;
        private int pos;
        private final int end;
        int field;
        private int type;

        Wire(byte[] buf) {
            this(buf, 0, buf.length);
        }

        private Wire(byte[] buf, int from, int to) {
            this.buf = buf;
            this.pos = from;
            this.end = to;
        }

        /** Reads the next field's tag; false at the end. */
        boolean next() {
            if (pos >= end) {
                return false;
            }
            long tag = varint();
            field = (int) (tag >>> 3);
            type = (int) (tag & 7);
            return true;
        }

        long varint() {
            long v = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                byte b = buf[check(pos++)];
                v |= (long) (b & 0x7f) << shift;
                if (b >= 0) {
                    return v;
                }
            }
            throw new IllegalArgumentException("varint longer than 10 bytes at " + pos);
        }

        long fixed64() {
            long v = 0;
            for (int i = 0; i < 8; i++) {
                v |= (long) (buf[check(pos++)] & 0xff) << (8 * i);
            }
            return v;
        }

        Wire message() {
            int length = length();
            Wire sub = new Wire(buf, pos, pos + length);
            pos += length;
            return sub;
        }

        byte[] bytes() {
            int length = length();
            byte[] b = Arrays.copyOfRange(buf, pos, pos + length);
            pos += length;
            return b;
        }

        String string() {
            return new String(bytes(), StandardCharsets.UTF_8);
        }

        void skip() {
            switch (type) {
                case 0 -> varint();
                case 1 -> pos += 8;
                case 2 -> {
                    int length = length();   // read first: it moves pos past the length itself
                    pos += length;
                }
                case 5 -> pos += 4;
                default -> throw new IllegalArgumentException("wire type " + type + " of field " + field);
            }
            check(pos - 1);
        }

        private int length() {
            if (type != 2) {
                throw new IllegalArgumentException("field " + field + " is of wire type " + type + ", not a length");
            }
            int length = (int) varint();
            if (length < 0 || pos + length > end) {
                throw new IllegalArgumentException("length " + length + " of field " + field + " past the end");
            }
            return length;
        }

        private int check(int at) {
            if (at >= end) {
                throw new IllegalArgumentException("truncated at " + at);
            }
            return at;
        }
    }
}
