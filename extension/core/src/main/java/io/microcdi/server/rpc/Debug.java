package io.microcdi.server.rpc;

import io.microcdi.codec.Codec;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Go Micro's {@code Debug} handler ({@code debug/handler} in v1.10 and v1.12), which every Go Micro service answers and
 * none advertises: {@code Debug.Health} answers {@code {"status":"ok"}}, {@code Debug.Stats} the server's
 * {@link ServerStats}. Both are routes of every server, found whatever {@code Micro-Service} a call names, unless a
 * service serves an endpoint of the same name itself.
 *
 * <pre>{@code
 * Routes.build(services, codecs, new Debug(server::stats));
 * // curl -H 'Micro-Endpoint: Debug.Health' -d '{}' http://127.0.0.1:PORT/   ->   {"status":"ok"}
 * }</pre>
 *
 * <p>The answers are written by hand, in JSON ({@code application/json}, and inside {@code application/json-rpc}) and
 * in protobuf ({@code application/protobuf}, and inside {@code application/proto-rpc}) with Go Micro's field numbers,
 * so neither needs the codec to know the types, nor protobuf-java. The requests are empty messages: the body is not
 * read.
 */
final class Debug {

    static final String HEALTH = "Debug.Health";
    static final String STATS = "Debug.Stats";

    private static final Set<String> JSON = Set.of("application/json", "application/json-rpc");
    private static final Set<String> PROTOBUF = Set.of("application/protobuf", "application/x-protobuf",
            "application/proto-rpc");
    private static final String FORMATS = "the Debug endpoints answer in JSON or protobuf";

    private static final byte[] HEALTH_JSON = "{\"status\":\"ok\"}".getBytes(StandardCharsets.US_ASCII);
    /** {@code HealthResponse{status = 1: "ok"}}. */
    private static final byte[] HEALTH_PROTO = {0x0a, 0x02, 'o', 'k'};

    // StatsResponse field numbers: 1 to 5 as Go Micro v1 numbers them; requests and errors as Go Micro v2 does
    private static final int STARTED = 1;
    private static final int UPTIME = 2;
    private static final int MEMORY = 3;
    private static final int THREADS = 4;
    private static final int GC = 5;
    private static final int REQUESTS = 7;
    private static final int ERRORS = 8;

    private final Supplier<ServerStats> stats;

    Debug(Supplier<ServerStats> stats) {
        this.stats = stats;
    }

    /** The two routes, with an encoder for each of {@code all} that is JSON or protobuf. */
    List<Route> routes(List<Codec> all) {
        return List.of(
                new Route(HEALTH, request -> Boolean.TRUE, all, c -> format(c, value -> HEALTH_JSON,
                        value -> HEALTH_PROTO), FORMATS),
                new Route(STATS, request -> stats.get(), all, c -> format(c, value -> json((ServerStats) value),
                        value -> protobuf((ServerStats) value)), FORMATS));
    }

    private static Codec.Encoder format(Codec codec, Codec.Encoder json, Codec.Encoder protobuf) {
        String type = codec.contentType();
        return JSON.contains(type) ? json : PROTOBUF.contains(type) ? protobuf : null;
    }

    /** The server's figures now; the JVM's memory, threads and collections read through its management beans. */
    static ServerStats stats(long startedMillis, long startedNanos, long requests, long errors) {
        Runtime rt = Runtime.getRuntime();
        long gcMillis = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            gcMillis += Math.max(0, gc.getCollectionTime()); // -1: this collector does not say
        }
        return new ServerStats(Instant.ofEpochMilli(startedMillis),
                Duration.ofNanos(System.nanoTime() - startedNanos), rt.totalMemory() - rt.freeMemory(),
                ManagementFactory.getThreadMXBean().getThreadCount(), Duration.ofMillis(gcMillis), requests, errors);
    }

    /** Go Micro's JSON of a {@code StatsResponse} (whole seconds and nanoseconds, as numbers), every field written. */
    static byte[] json(ServerStats s) {
        String json = "{\"started\":" + s.started().getEpochSecond()
                + ",\"uptime\":" + s.uptime().toSeconds()
                + ",\"memory\":" + s.memory()
                + ",\"threads\":" + s.threads()
                + ",\"gc\":" + s.gc().toNanos()
                + ",\"requests\":" + s.requests()
                + ",\"errors\":" + s.errors() + "}";
        return json.getBytes(StandardCharsets.US_ASCII);
    }

    /** The protobuf of a {@code StatsResponse}: {@code uint64} varints, zeros left out as proto3 does. */
    static byte[] protobuf(ServerStats s) {
        byte[] out = new byte[7 * 11];
        int n = 0;
        n = field(out, n, STARTED, s.started().getEpochSecond());
        n = field(out, n, UPTIME, s.uptime().toSeconds());
        n = field(out, n, MEMORY, s.memory());
        n = field(out, n, THREADS, s.threads());
        n = field(out, n, GC, s.gc().toNanos());
        n = field(out, n, REQUESTS, s.requests());
        n = field(out, n, ERRORS, s.errors());
        return Arrays.copyOf(out, n);
    }

    /** Writes varint field {@code number} (wire type 0) unless it is 0; returns the new length. */
    private static int field(byte[] out, int n, int number, long value) {
        if (value == 0) {
            return n;
        }
        out[n++] = (byte) (number << 3);
        long v = value;
        while ((v & ~0x7FL) != 0) {
            out[n++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        out[n++] = (byte) v;
        return n;
    }
}
