package io.microcdi.bench.jmh;

import io.microcdi.metadata.Metadata;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Header handling per call. {@code buildRequestHeaders} builds the 11 headers {@code RpcClient.headers} sends (both
 * spellings of the {@code Micro-*} headers and the remaining budget in {@code Timeout}) as it does now: the
 * per-endpoint template (8 fixed headers, found in two map lookups and checked against the content type) copied by
 * {@link Metadata#toBuilder}, plus {@code Micro-Id}, {@code X-Micro-Id} and {@code Timeout}.
 * {@code buildRequestHeadersFromScratch} is the earlier way, 11 {@code put}s on {@link Metadata#builder}, for
 * comparison. Both start from a request without metadata of its own, as typed clients send. The lookups run {@link Metadata#get} on a 12-entry
 * request (one custom header first, then those 11) whose keys are copies, not the literals looked up, as they are
 * once parsed off the wire, so {@link String#equalsIgnoreCase} cannot take its identity shortcut; {@code Timeout} is
 * the last entry, the longest scan. {@code serverReads} is the five lookups {@code RpcServer.serve} makes.
 *
 * <pre>{@code
 * java -jar bench/jmh/target/benchmarks.jar MetadataBench -prof gc
 * }</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 3, time = 2)
@Threads(1)
public class MetadataBench {

    private final String contentType = "application/json";
    private final String service = "greeter";
    private final String endpoint = "Greeter.Hello";
    private final String id = "42";
    private final Metadata none = Metadata.empty();
    private final ConcurrentHashMap<String, Map<String, Metadata>> templates = new ConcurrentHashMap<>();
    private long remaining = 4_999_000_000L;
    private Metadata request;

    @Setup
    public void setUp() {
        String[] kv = {
            "X-Custom", "abc",
            "Content-Type", contentType, "Accept", contentType,
            "Micro-Service", service, "Micro-Endpoint", endpoint, "Micro-Method", endpoint, "Micro-Id", id,
            "X-Micro-Service", service, "X-Micro-Endpoint", endpoint, "X-Micro-Method", endpoint, "X-Micro-Id", id,
            "Timeout", "4999000000",
        };
        for (int i = 0; i < kv.length; i++) {
            kv[i] = new String(kv[i].toCharArray()); // not the interned literals: as decoded from the wire
        }
        request = Metadata.of(kv);
    }

    /** What {@code RpcClient.headers} and {@code template} do for a request without metadata of its own. */
    @Benchmark
    public Metadata buildRequestHeaders() {
        Map<String, Metadata> byEndpoint = templates.computeIfAbsent(service, s -> new ConcurrentHashMap<>());
        Metadata t = byEndpoint.get(endpoint);
        if (t == null || !contentType.equals(t.get("Content-Type"))) {
            t = Metadata.builder(8)
                    .put("Content-Type", contentType)
                    .put("Accept", contentType)
                    .put("Micro-Service", service)
                    .put("Micro-Endpoint", endpoint)
                    .put("Micro-Method", endpoint)
                    .put("X-Micro-Service", service)
                    .put("X-Micro-Endpoint", endpoint)
                    .put("X-Micro-Method", endpoint)
                    .build();
            byEndpoint.put(endpoint, t);
        }
        return t.toBuilder(3).put("Micro-Id", id).put("X-Micro-Id", id).put("Timeout", Long.toString(remaining))
                .build();
    }

    /** The earlier {@code RpcClient.headers}: 11 puts on a fresh builder. */
    @Benchmark
    public Metadata buildRequestHeadersFromScratch() {
        Metadata.Builder b = Metadata.builder(12 + none.size());
        none.forEach(b::put);
        String timeout = Long.toString(remaining);
        return b.put("Content-Type", contentType)
                .put("Accept", contentType)
                .put("Micro-Service", service)
                .put("Micro-Endpoint", endpoint)
                .put("Micro-Method", endpoint)
                .put("Micro-Id", id)
                .put("X-Micro-Service", service)
                .put("X-Micro-Endpoint", endpoint)
                .put("X-Micro-Method", endpoint)
                .put("X-Micro-Id", id)
                .put("Timeout", timeout)
                .build();
    }

    /** {@code Micro-Endpoint}: the fifth of twelve entries. */
    @Benchmark
    public String getMicroEndpoint() {
        return request.get("Micro-Endpoint");
    }

    /** {@code Content-Type}: the second entry. */
    @Benchmark
    public String getContentType() {
        return request.get("Content-Type");
    }

    /** {@code Timeout}: the last entry, a full scan. */
    @Benchmark
    public String getTimeout() {
        return request.get("Timeout");
    }

    /** The lookups of {@code RpcServer.serve} on a request from RpcClient: id, type, endpoint, service, timeout. */
    @Benchmark
    public void serverReads(Blackhole bh) {
        bh.consume(request.get("Micro-Id"));
        bh.consume(request.get("Content-Type"));
        bh.consume(request.get("Micro-Endpoint"));
        bh.consume(request.get("Micro-Service"));
        bh.consume(request.get("Timeout"));
    }
}
