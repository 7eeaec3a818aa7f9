package io.microcdi.it;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.lease.LeaseTimeToLiveResponse;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.LeaseOption;
import io.etcd.jetcd.options.PutOption;
import io.microcdi.registry.Endpoint;
import io.microcdi.registry.Node;
import io.microcdi.registry.Service;
import io.microcdi.registry.Value;
import io.microcdi.registry.etcd.EtcdRegistry;
import io.microcdi.registry.etcd.EtcdRegistryConfig;
import io.microcdi.testing.etcd.EtcdCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * MicroCDI and Go Micro v1.12 on one etcd, at the byte level (Go is not needed: this test writes and reads the keys
 * exactly as Go Micro's {@code registry/etcd} does).
 *
 * <ul>
 *   <li>A node written the way Go Micro writes it (key {@code /micro/registry/greeter/greeter-<uuid>}, the JSON of a
 *       {@code registry.Service} with that one node, under a lease) is called by a MicroCDI client process. The greeter
 *       behind it runs on the memory registry, so etcd knows it only through that key.</li>
 *   <li>A MicroCDI greeter's key is what Go Micro writes and reads: the key of its node id, the value mapped strictly
 *       (unknown or missing fields fail) onto records named as Go's structs, byte for byte what Go's
 *       {@code encoding/json} makes of them, attached to a lease of {@code micro.register.ttl}; and deleted when the
 *       greeter is stopped.</li>
 * </ul>
 *
 * <p>The etcd (one member on loopback) is this class's own, so the default prefix {@code /micro/registry/} is used.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EtcdGoMicroIT {

    private static final String PREFIX = "/micro/registry/";
    private static final Duration START = Duration.ofSeconds(60);
    private static final Duration EXIT = Duration.ofSeconds(20);
    /** Long enough that a key gone after SIGTERM was deleted, not expired. */
    private static final Duration TTL = Duration.ofSeconds(20);
    private static final Duration INTERVAL = Duration.ofSeconds(5);
    private static final Duration GO_LEASE = Duration.ofSeconds(30);
    private static final Duration ETCD_TIMEOUT = Duration.ofSeconds(10);
    /** Go Micro v1.12's default version: the build time, {@code time.Now().Format("2006.01.02.15.04")}. */
    private static final String GO_VERSION = "2026.12.07.05.01";

    /** Strict: a field Go's structs do not have, or one missing, fails the mapping. */
    private static final ObjectMapper STRICT = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY);

    @RegisterExtension
    final Processes processes = Processes.perTest();

    private static EtcdCluster etcd;
    private static Client jetcd;
    private static long classStarted;

    // ---- Go Micro v1.12 registry.Service and friends, with their json tags as the component names ----

    /** {@code registry.Service}. */
    record GoService(String name, String version, Map<String, String> metadata, List<GoEndpoint> endpoints,
                     List<GoNode> nodes) {
    }

    /** {@code registry.Endpoint}. */
    record GoEndpoint(String name, GoValue request, GoValue response, Map<String, String> metadata) {
    }

    /** {@code registry.Value}. */
    record GoValue(String name, String type, List<GoValue> values) {
    }

    /** {@code registry.Node}. */
    record GoNode(String id, String address, Map<String, String> metadata) {
    }

    @BeforeAll
    static void startEtcd() {
        EtcdCluster.assumeInstalled();
        classStarted = System.nanoTime();
        etcd = EtcdCluster.start(1);
        jetcd = Client.builder().endpoints(etcd.endpoints().toArray(String[]::new)).build();
        report("etcd %s up after %d ms", etcd.endpointList(), millisSince(classStarted));
    }

    @AfterAll
    static void stopEtcd() {
        try {
            if (jetcd != null) {
                jetcd.close();
            }
        } finally {
            if (etcd != null) {
                etcd.close();
            }
            report("class wall time %d ms (processes and etcd stopped)", millisSince(classStarted));
        }
    }

    /**
     * (a) Go Micro to MicroCDI: a node registered as Go Micro v1.12 registers it, called by {@code greeter call John}
     * on {@code MICRO_REGISTRY=etcd}.
     */
    @Test
    @Order(1)
    void microCdiCallsANodeGoMicroRegistered() throws Exception {
        GreeterProcess greeter = processes.start(GreeterProcess.server("go-peer").env("MICRO_REGISTRY", "memory"));
        String address = greeter.awaitServing(START);
        assertThat(keys(PREFIX)).as("the memory-registry greeter wrote nothing to etcd").isEmpty();

        String id = "greeter-" + UUID.randomUUID();
        String key = PREFIX + "greeter/" + id;
        String value = "{\"name\":\"greeter\",\"version\":\"" + GO_VERSION + "\",\"metadata\":null,"
                + "\"endpoints\":[{\"name\":\"Greeter.Hello\","
                + "\"request\":{\"name\":\"Request\",\"type\":\"Request\","
                + "\"values\":[{\"name\":\"name\",\"type\":\"string\",\"values\":null}]},"
                + "\"response\":{\"name\":\"Response\",\"type\":\"Response\","
                + "\"values\":[{\"name\":\"greeting\",\"type\":\"string\",\"values\":null}]},"
                + "\"metadata\":{\"stream\":\"false\"}}],"
                + "\"nodes\":[{\"id\":\"" + id + "\",\"address\":\"" + address + "\","
                + "\"metadata\":{\"broker\":\"http\",\"protocol\":\"mucp\",\"registry\":\"etcd\",\"server\":\"mucp\","
                + "\"transport\":\"http\"}}]}";
        // what Go Micro's Register does: Grant(ttl seconds), then Put(nodePath, encode(service), WithLease)
        long lease = get(jetcd.getLeaseClient().grant(GO_LEASE.toSeconds())).getID();
        try {
            get(jetcd.getKVClient().put(bytes(key), bytes(value), PutOption.builder().withLeaseId(lease).build()));
            report("(a) wrote as Go Micro v1.12 does, lease %x (%d s): %s -> %s", lease, GO_LEASE.toSeconds(), key,
                    value);

            // an EtcdRegistry reads it as the Go service it is
            try (EtcdRegistry registry = new EtcdRegistry(EtcdRegistryConfig.of(etcd.endpointList()))) {
                List<Service> services = registry.getService("greeter");
                assertThat(services).hasSize(1);
                Service s = services.get(0);
                assertThat(s.version()).isEqualTo(GO_VERSION);
                assertThat(s.metadata()).isEmpty();
                assertThat(s.nodes()).containsExactly(new Node(id, address, Map.of("broker", "http",
                        "protocol", "mucp", "registry", "etcd", "server", "mucp", "transport", "http")));
                assertThat(s.endpoints()).containsExactly(new Endpoint("Greeter.Hello",
                        new Value("Request", "Request", List.of(new Value("name", "string", List.of()))),
                        new Value("Response", "Response", List.of(new Value("greeting", "string", List.of()))),
                        Map.of("stream", "false")));
            }

            long t0 = System.nanoTime();
            GreeterProcess call = processes.start(GreeterProcess.caller("call-go-node", "John", 3)
                    .env("MICRO_REGISTRY", "etcd")
                    .env("MICRO_REGISTRY_ETCD_ENDPOINTS", etcd.endpointList()));
            int exit = call.awaitExit(START);
            report("(a) `greeter call John 3` on MICRO_REGISTRY=etcd: exit %d after %d ms (JVM start included), "
                    + "stdout %s", exit, millisSince(t0), call.stdout().lines().toList());
            assertThat(exit).as("exit code of `greeter call John 3`\n%s", call.diagnostics()).isZero();
            assertThat(call.stdout().lines().toList()).as(call.diagnostics())
                    .containsExactly("Hello John", "Hello John", "Hello John");
            assertThat(keys(PREFIX)).as("the caller registered nothing").containsExactly(key);
        } finally {
            jetcd.getLeaseClient().revoke(lease).get(ETCD_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        }
        assertThat(keys(PREFIX)).as("the Go node's key went with its lease").isEmpty();
    }

    /**
     * (b) MicroCDI to Go Micro: a greeter on {@code MICRO_REGISTRY=etcd} writes Go Micro's key and value under a lease
     * of its TTL, and deletes the key when it stops.
     */
    @Test
    @Order(2)
    void microCdiWritesWhatGoMicroReads() throws Exception {
        assertThat(keys(PREFIX)).as("nothing left from another test").isEmpty();
        GreeterProcess greeter = processes.start(GreeterProcess.server("micro-peer")
                .env("MICRO_REGISTRY", "etcd")
                .env("MICRO_REGISTRY_ETCD_ENDPOINTS", etcd.endpointList())
                .property("micro.register.ttl", TTL.toSeconds() + "s")
                .property("micro.register.interval", INTERVAL.toSeconds() + "s"));
        String address = greeter.awaitServing(START);

        // the server registers before it logs "serving": the key is there
        List<KeyValue> kvs = get(jetcd.getKVClient().get(bytes(PREFIX + "greeter/"),
                GetOption.builder().isPrefix(true).build())).getKvs();
        assertThat(kvs).as("keys under %sgreeter/", PREFIX).hasSize(1);
        KeyValue kv = kvs.get(0);
        String key = kv.getKey().toString(StandardCharsets.UTF_8);
        String raw = kv.getValue().toString(StandardCharsets.UTF_8);
        report("(b) MicroCDI wrote, lease %x: %s -> %s", kv.getLease(), key, raw);

        GoService s = STRICT.readValue(raw, GoService.class);
        assertThat(s.name()).isEqualTo("greeter");
        assertThat(s.version()).isNotEmpty();
        assertThat(s.nodes()).as("one node per key, as Go Micro writes").hasSize(1);
        GoNode node = s.nodes().get(0);
        assertThat(node.id()).startsWith("greeter-");
        assertThat(node.address()).isEqualTo(address);
        assertThat(key).as("Go Micro's nodePath(service, node id)").isEqualTo(PREFIX + "greeter/" + node.id());
        assertThat(node.metadata()).containsEntry("registry", "etcd").containsEntry("protocol", "mucp")
                .containsEntry("transport", "http").containsKey("broker").containsKey("server");
        assertThat(s.endpoints()).extracting(GoEndpoint::name).contains("Greeter.Hello");
        GoEndpoint hello = s.endpoints().stream().filter(e -> e.name().equals("Greeter.Hello")).findFirst()
                .orElseThrow();
        assertThat(hello.request().values()).containsExactly(new GoValue("name", "string", null));
        assertThat(hello.response().values()).containsExactly(new GoValue("greeting", "string", null));
        assertThat(hello.metadata()).containsEntry("stream", "false");
        assertThat(raw).as("byte for byte what Go's encoding/json writes for the service it decoded to "
                + "(struct field order, sorted map keys, nil as null, no spaces)").isEqualTo(goJson(s));

        // the lease: Go Micro's Grant(int64(ttl.Seconds())), the key attached to it
        assertThat(kv.getLease()).as("the key's lease").isNotZero();
        LeaseTimeToLiveResponse ttl = get(jetcd.getLeaseClient().timeToLive(kv.getLease(),
                LeaseOption.builder().withAttachedKeys().build()));
        report("(b) lease %x: granted %d s, %d s left, keys %s", kv.getLease(), ttl.getGrantedTTL(), ttl.getTTL(),
                ttl.getKeys().stream().map(k -> k.toString(StandardCharsets.UTF_8)).toList());
        assertThat(ttl.getGrantedTTL()).as("granted TTL = micro.register.ttl").isEqualTo(TTL.toSeconds());
        assertThat(ttl.getTTL()).isBetween(1L, TTL.toSeconds());
        assertThat(ttl.getKeys()).extracting(k -> k.toString(StandardCharsets.UTF_8)).containsExactly(key);

        // SIGTERM: the greeter deregisters, long before the TTL could expire the key
        greeter.sigterm();
        long t0 = System.nanoTime();
        await(key + " deleted after SIGTERM").atMost(TTL.dividedBy(2)).pollInterval(Duration.ofMillis(20))
                .until(() -> keys(PREFIX + "greeter/").isEmpty());
        long deleted = millisSince(t0);
        int exit = greeter.awaitExit(EXIT);
        long leaseLeft = get(jetcd.getLeaseClient().timeToLive(kv.getLease(), LeaseOption.DEFAULT)).getTTL();
        report("(b) SIGTERM: key deleted after %d ms (ttl %d s), exit %d; its lease then: %s", deleted,
                TTL.toSeconds(), exit, leaseLeft < 0 ? "revoked" : leaseLeft + " s left (expires on its own)");
        assertThat(exit).as("exit code after SIGTERM\n%s", greeter.diagnostics()).isIn(0, 143);
        assertThat(keys(PREFIX)).as("every key of the greeter (greeter, greeter-proto) deleted").isEmpty();
    }

    // ---- Go's encoding/json, for the structs above ----

    /** {@code json.Marshal(s)}: fields in struct order, map keys sorted, nil maps and slices as {@code null}. */
    static String goJson(GoService s) {
        StringBuilder b = new StringBuilder();
        b.append("{\"name\":").append(quote(s.name())).append(",\"version\":").append(quote(s.version()))
                .append(",\"metadata\":").append(map(s.metadata())).append(",\"endpoints\":");
        if (s.endpoints() == null) {
            b.append("null");
        } else {
            b.append('[');
            for (int i = 0; i < s.endpoints().size(); i++) {
                GoEndpoint e = s.endpoints().get(i);
                b.append(i > 0 ? "," : "").append("{\"name\":").append(quote(e.name()))
                        .append(",\"request\":").append(value(e.request()))
                        .append(",\"response\":").append(value(e.response()))
                        .append(",\"metadata\":").append(map(e.metadata())).append('}');
            }
            b.append(']');
        }
        b.append(",\"nodes\":");
        if (s.nodes() == null) {
            b.append("null");
        } else {
            b.append('[');
            for (int i = 0; i < s.nodes().size(); i++) {
                GoNode n = s.nodes().get(i);
                b.append(i > 0 ? "," : "").append("{\"id\":").append(quote(n.id()))
                        .append(",\"address\":").append(quote(n.address()))
                        .append(",\"metadata\":").append(map(n.metadata())).append('}');
            }
            b.append(']');
        }
        return b.append('}').toString();
    }

    private static String value(GoValue v) {
        if (v == null) {
            return "null";
        }
        StringBuilder b = new StringBuilder("{\"name\":").append(quote(v.name())).append(",\"type\":")
                .append(quote(v.type())).append(",\"values\":");
        if (v.values() == null) {
            b.append("null");
        } else {
            b.append('[');
            for (int i = 0; i < v.values().size(); i++) {
                b.append(i > 0 ? "," : "").append(value(v.values().get(i)));
            }
            b.append(']');
        }
        return b.append('}').toString();
    }

    private static String map(Map<String, String> m) {
        if (m == null) {
            return "null";
        }
        StringBuilder b = new StringBuilder("{");
        // Go sorts map keys by their bytes; for the ASCII keys here that is String order
        new TreeMap<>(m).forEach((k, v) -> b.append(b.length() > 1 ? "," : "").append(quote(k)).append(':')
                .append(quote(v)));
        return b.append('}').toString();
    }

    /** Go's string encoding: {@code <>&} and U+2028/9 escaped as {@code \\u00XX}, control characters too. */
    private static String quote(String s) {
        if (s == null) {
            return "\"\""; // a Go string is never nil
        }
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == '\u2028' || c == '\u2029') {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    // ---- etcd ----

    private static List<String> keys(String prefix) throws Exception {
        return get(jetcd.getKVClient().get(bytes(prefix), GetOption.builder().isPrefix(true).withKeysOnly(true)
                .build())).getKvs().stream().map(kv -> kv.getKey().toString(StandardCharsets.UTF_8)).toList();
    }

    private static <T> T get(CompletableFuture<T> f) throws Exception {
        return f.get(ETCD_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }

    private static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }

    private static void report(String format, Object... args) {
        System.out.println("[EtcdGoMicroIT] " + String.format(format, args));
    }
}
