package io.microcdi.it;

import io.microcdi.cdi.MicroLifecycle;
import io.microcdi.cdi.MicroProducers;
import io.microcdi.examples.greeter.GreeterCaller;
import io.microcdi.registry.Node;
import io.microcdi.registry.Registry;
import io.microcdi.registry.Service;
import io.microcdi.selector.Selector;
import jakarta.enterprise.inject.se.SeContainer;
import org.eclipse.microprofile.config.spi.ConfigProviderResolver;
import org.jboss.weld.environment.se.Weld;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Greeter processes that find each other over real mDNS on the loopback interface (MicroCDI's default binding).
 *
 * <p>Two greeter servers run for the whole class. This JVM runs a client-only MicroCDI container on Weld SE
 * ({@code micro.server.enabled=false}, default {@code mdns} registry) whose selector records the node of every
 * successful call, and reads the same {@link Registry} bean the client selects from.
 *
 * <p>Every node these tests start carries node metadata {@code it.run=<this run>}, so registry assertions count only
 * this run's nodes even if another greeter (a developer's {@code scripts/greeter}) answers on the same loopback.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GreeterMdnsIT {

    /** Short registration times, so a SIGKILLed node expires quickly. */
    private static final Duration SHORT_TTL = Duration.ofSeconds(3);
    private static final Duration SHORT_INTERVAL = Duration.ofSeconds(1);
    /** What a SIGKILLed node may take beyond its TTL to disappear: the last heartbeat, the registry's sweep. */
    private static final Duration EXPIRY_SLACK = Duration.ofSeconds(2);
    /** A long TTL: a SIGTERMed node must be gone long before it. */
    private static final Duration LONG_TTL = Duration.ofSeconds(30);
    private static final Duration LONG_INTERVAL = Duration.ofSeconds(10);
    private static final Duration DEREGISTER_WITHIN = Duration.ofMillis(1500);
    private static final Duration START = Duration.ofSeconds(60);

    private static final String RUN = UUID.randomUUID().toString();

    @RegisterExtension
    static final Processes SERVERS = Processes.perClass();

    @RegisterExtension
    final Processes processes = Processes.perTest();

    private static GreeterProcess a;
    private static GreeterProcess b;
    private static SeContainer client;
    private static Registry registry;
    private static RecordingSelectors.Recording selector;
    private static GreeterCaller caller;
    private static HttpClient http;

    @BeforeAll
    static void startTwoGreetersAndAClient() {
        a = SERVERS.start(server("a", SHORT_TTL, SHORT_INTERVAL));
        b = SERVERS.start(server("b", SHORT_TTL, SHORT_INTERVAL));
        client = bootClient(); // while the two JVMs start
        registry = client.select(Registry.class).get();
        selector = (RecordingSelectors.Recording) client.select(Selector.class).get();
        caller = client.select(GreeterCaller.class).get();
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        assertThat(registry.name()).as("the default registry").isEqualTo("mdns");

        // both JVMs start at once (and with this one): report start to listed, which is what a caller waits for
        a.awaitServing(START);
        b.awaitServing(START);
        awaitListed(a);
        long aListed = millisSince(a.startedNanos());
        awaitListed(b);
        report("a, b: JVM start to listed in this JVM: %d ms, %d ms (started together, and with this JVM's "
                + "container)", aListed, millisSince(b.startedNanos()));
    }

    @AfterAll
    static void stopClient() {
        try {
            if (client != null && client.isRunning()) {
                client.close();
            }
        } finally {
            System.clearProperty("micro.server.enabled");
            release();
        }
    }

    /** (a) A separate client process finds the greeter over mDNS and every one of its 40 calls is answered. */
    @Test
    @Order(1)
    void callerProcessFindsTheGreeterOverMdns() {
        GreeterProcess call = processes.start(GreeterProcess.caller("caller", "John", 40));
        long t0 = System.nanoTime();

        int exit = call.awaitExit(Duration.ofSeconds(60));
        report("caller process: 40 calls, exit %d after %d ms (JVM start included)", exit, millisSince(t0));

        assertThat(exit).as("exit code of `GreeterMain call John 40`\n%s", call.diagnostics()).isZero();
        List<String> lines = call.stdout().lines().toList();
        assertThat(lines).as(call.diagnostics()).hasSize(40).containsOnly("Hello John");
    }

    /** (b) The registry here lists both servers, each answers raw HTTP, and typed-client calls reach both. */
    @Test
    @Order(2)
    void callsReachBothServers() throws Exception {
        Map<String, Node> ours = ourNodes();
        assertThat(ours.keySet()).containsExactlyInAnyOrder(a.address(), b.address());
        assertThat(ours.values()).allSatisfy(n -> {
            assertThat(n.id()).startsWith("greeter-");
            assertThat(n.metadata()).containsEntry("protocol", "mucp").containsEntry("transport", "http")
                    .containsEntry("registry", "mdns").containsEntry("server", "rpc");
        });
        assertThat(ours.values().stream().map(Node::id).distinct()).hasSize(2);

        for (String address : ours.keySet()) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://" + address + "/"))
                    .timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/json").header("Micro-Service", "greeter")
                    .header("Micro-Endpoint", "Greeter.Hello")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"John\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.body()).as("raw HTTP to %s", address).isEqualTo("{\"greeting\":\"Hello John\"}");
        }

        // At least 40 calls, more (up to 400) until both were reached: random selection over two nodes misses one
        // in 40 calls with probability 2^-39, but other greeters on this loopback (scripts/greeter) join the draw.
        selector.clear();
        int calls = 0;
        while (calls < 40 || (calls < 400 && !selector.succeeded().containsAll(List.of(a.address(), b.address())))) {
            assertThat(caller.greet("John")).isEqualTo("Hello John");
            calls++;
        }
        List<String> hit = selector.succeeded();
        Map<String, Long> perNode = hit.stream()
                .collect(Collectors.groupingBy(Function.identity(), TreeMap::new, Collectors.counting()));
        report("%d @MicroClient calls from this JVM, per node: %s (a=%s, b=%s)", calls, perNode, a.address(),
                b.address());
        assertThat(hit).as("every call succeeded on some node").hasSize(calls);
        assertThat(perNode.keySet()).contains(a.address(), b.address());
    }

    /** (c) A SIGKILLed node cannot deregister: it disappears when its TTL runs out; calls meanwhile fail over. */
    @Test
    @Order(3)
    void sigkilledNodeDisappearsWithinItsTtl() {
        GreeterProcess c = processes.start(server("c", SHORT_TTL, SHORT_INTERVAL));
        awaitRegistered(c);
        // alive, it stays listed past its TTL: its heartbeats refresh it here
        Duration steady = SHORT_TTL.plus(SHORT_INTERVAL);
        await("c listed while alive").during(steady).atMost(steady.plusSeconds(5))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> ourNodes().containsKey(c.address()));

        c.sigkill();
        long killed = System.nanoTime();
        c.awaitExit(Duration.ofSeconds(10));
        // the dead node may still be listed: every call must still be answered (a refused connect is retried)
        for (int i = 0; i < 20; i++) {
            assertThat(caller.greet("John")).isEqualTo("Hello John");
        }
        await("c gone from the registry").atMost(SHORT_TTL.plus(EXPIRY_SLACK).plusSeconds(10))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> !ourNodes().containsKey(c.address()));
        long gone = millisSince(killed);
        report("SIGKILL: node gone from the registry after %d ms (ttl %d ms, interval %d ms)", gone,
                SHORT_TTL.toMillis(), SHORT_INTERVAL.toMillis());

        assertThat(gone).as("ms from SIGKILL to disappearance; ttl %s + slack %s", SHORT_TTL, EXPIRY_SLACK)
                .isLessThanOrEqualTo(SHORT_TTL.plus(EXPIRY_SLACK).toMillis());
        assertThat(ourNodes().keySet()).as("the other nodes stay").contains(a.address(), b.address());
    }

    /** (d) A SIGTERMed node deregisters on its way out: gone at once, long before its TTL; exit 0 or 143. */
    @Test
    @Order(4)
    void sigtermedNodeDeregistersAtOnce() {
        GreeterProcess d = processes.start(server("d", LONG_TTL, LONG_INTERVAL));
        awaitRegistered(d);

        d.sigterm();
        long termed = System.nanoTime();
        await("d gone from the registry").atMost(LONG_TTL).pollInterval(Duration.ofMillis(20))
                .until(() -> !ourNodes().containsKey(d.address()));
        long gone = millisSince(termed);
        int exit = d.awaitExit(Duration.ofSeconds(20));
        report("SIGTERM: node gone from the registry after %d ms (ttl %d ms); exit %d after %d ms", gone,
                LONG_TTL.toMillis(), exit, millisSince(termed));

        assertThat(gone).as("ms from SIGTERM to disappearance (ttl %s)", LONG_TTL)
                .isLessThan(DEREGISTER_WITHIN.toMillis());
        assertThat(exit).as("exit code after SIGTERM\n%s", d.diagnostics()).isIn(0, 143);
        assertThat(ourNodes().keySet()).as("the other nodes stay").contains(a.address(), b.address());
        assertThat(caller.greet("John")).isEqualTo("Hello John");
    }

    // ---- helpers ----

    private static GreeterProcess.Spec server(String name, Duration ttl, Duration interval) {
        return GreeterProcess.server(name)
                .property("micro.register.ttl", ttl.toMillis() + "ms")
                .property("micro.register.interval", interval.toMillis() + "ms")
                .property("micro.server.metadata", "it.run=" + RUN + ",it.name=" + name);
    }

    /** A client-only container: MicroCDI's beans, the greeter's caller and the recording selector; no discovery. */
    private static SeContainer bootClient() {
        System.clearProperty("micro.registry");
        System.setProperty("micro.server.enabled", "false");
        release();
        return new Weld().disableDiscovery()
                .property(Weld.SHUTDOWN_HOOK_SYSTEM_PROPERTY, false)
                .addBeanClasses(MicroProducers.class, MicroLifecycle.class, GreeterCaller.class,
                        RecordingSelectors.class)
                .initialize();
    }

    /** SmallRye caches the Config per class loader: drop it so the next read sees the system properties. */
    private static void release() {
        ConfigProviderResolver resolver = ConfigProviderResolver.instance();
        resolver.releaseConfig(resolver.getConfig());
    }

    /** This run's greeter nodes in this JVM's registry, by address. */
    private static Map<String, Node> ourNodes() {
        List<Service> versions = registry.getService("greeter");
        Map<String, Node> nodes = new TreeMap<>();
        for (Service s : versions) {
            for (Node n : s.nodes()) {
                if (RUN.equals(n.metadata().get("it.run"))) {
                    nodes.put(n.address(), n);
                }
            }
        }
        return Collections.unmodifiableMap(nodes);
    }

    /**
     * Waits until {@code p} logs that it serves, then until its node is listed in this JVM's registry, and reports
     * both times: JVM start to "serving" (the server registers before it logs that line), and "serving" to listed.
     */
    private static void awaitRegistered(GreeterProcess p) {
        p.awaitServing(START);
        long serving = System.nanoTime();
        awaitListed(p);
        report("%s: JVM start to \"serving\" %d ms, then listed in this JVM after %d ms (start to listed %d ms)",
                p.name(), (serving - p.startedNanos()) / 1_000_000, millisSince(serving),
                millisSince(p.startedNanos()));
    }

    /** Waits until {@code p}'s node is listed in this JVM's registry. */
    private static void awaitListed(GreeterProcess p) {
        await(p.name() + " listed").atMost(START).pollInterval(Duration.ofMillis(20))
                .until(() -> {
                    if (!p.process().isAlive()) {
                        throw new AssertionError(p + " died\n" + p.diagnostics());
                    }
                    return ourNodes().containsKey(p.address());
                });
    }

    private static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }

    private static void report(String format, Object... args) {
        System.out.println("[GreeterMdnsIT] " + String.format(format, args));
    }
}
