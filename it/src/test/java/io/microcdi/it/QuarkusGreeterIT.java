package io.microcdi.it;

import io.microcdi.cdi.MicroLifecycle;
import io.microcdi.cdi.MicroProducers;
import io.microcdi.examples.greeter.GreeterCaller;
import io.microcdi.registry.Node;
import io.microcdi.registry.Registry;
import io.microcdi.registry.Service;
import io.microcdi.selector.Selector;
import io.microcdi.testing.FreePorts;
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

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The Quarkus greeter ({@code examples/quarkus-greeter}, packaged: {@code java -jar quarkus-app/quarkus-run.jar}) and
 * Weld SE processes, over mDNS on loopback: each calls the other through {@code @MicroClient}, and orders go both ways
 * over the HTTP broker.
 *
 * <ul>
 *   <li>this JVM's client-only Weld SE container calls the Quarkus greeter (its selector records the node of every
 *       call);</li>
 *   <li>the Quarkus greeter's REST endpoint {@code /hello/{name}} calls the Weld SE greeter ({@code greeter.jar}, with
 *       the {@code logging} wrapper, so that it logs each call it serves);</li>
 *   <li>the Weld SE pub/sub example publishes orders that the Quarkus greeter's {@code OrderInbox} receives, and the
 *       Quarkus greeter's {@code POST /orders} publishes orders that a Weld SE subscriber ({@code pubsub.jar}) records.
 *   </li>
 * </ul>
 *
 * <p>Every node carries {@code it.run=<this run>} and {@code it.side=quarkus|weld}; each client selects by those labels
 * ({@code micro.client.greeter.labels}), so a greeter of another test or of a developer on the same loopback is never
 * called. Prints {@code [QuarkusGreeterIT] ...} lines with start times and counts.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class QuarkusGreeterIT {

    private static final Duration START = Duration.ofSeconds(90);
    private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    private static final String TOPIC = "orders-" + RUN;
    private static final int ORDERS = 1000;
    private static final Pattern PUBLISHED = Pattern.compile("published=(\\d+) failed=(\\d+) elapsed_ms=(\\d+) "
            + "rate=(\\d+)/s");
    /** A line of the {@code logging} wrapper for a call the Weld SE greeter served. */
    private static final Pattern SERVED = Pattern.compile("(?m)greeter Greeter\\.Hello .* ok ");

    @RegisterExtension
    static final Processes SERVERS = Processes.perClass();

    @RegisterExtension
    final Processes processes = Processes.perTest();

    private static GreeterProcess quarkus;
    private static GreeterProcess weld;
    private static GreeterProcess subscriber;
    private static Path record;
    private static URI quarkusHttp;
    private static SeContainer client;
    private static Registry registry;
    private static RecordingSelectors.Recording selector;
    private static GreeterCaller caller;
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void startQuarkusAndWeldProcesses() throws IOException {
        Path dir = Files.createDirectories(Path.of(System.getProperty("basedir", "."), "target", "quarkus-" + RUN));
        record = dir.resolve("weld-subscriber.ids");
        int httpPort = FreePorts.one();
        quarkusHttp = URI.create("http://127.0.0.1:" + httpPort);
        quarkus = SERVERS.start(GreeterProcess.server("quarkus").jar(quarkusGreeterJar())
                .property("quarkus.http.host", "127.0.0.1")
                .property("quarkus.http.port", Integer.toString(httpPort))
                // Quarkus logs to stdout unless told otherwise; GreeterProcess reads "serving [...] on" from stderr
                .property("quarkus.log.console.stderr", "true")
                .property("micro.server.metadata", "it.run=" + RUN + ",it.side=quarkus")
                .property("micro.client.greeter.labels", "it.run=" + RUN + ",it.side=weld")
                .property("orders.topic", TOPIC));
        weld = SERVERS.start(GreeterProcess.server("weld")
                .property("micro.server.metadata", "it.run=" + RUN + ",it.side=weld")
                .property("micro.server.wrappers", "logging"));
        subscriber = SERVERS.start(GreeterProcess.server("weld-sub").jar(GreeterProcess.pubsubJar())
                .property("pubsub.topic", TOPIC)
                .property("pubsub.group", "shipping")
                .property("pubsub.record", record.toString()));
        client = bootClient(); // while the three JVMs start
        registry = client.select(Registry.class).get();
        selector = (RecordingSelectors.Recording) client.select(Selector.class).get();
        caller = client.select(GreeterCaller.class).get();

        quarkus.awaitServing(START);
        long serving = millisSince(quarkus.startedNanos());
        await("the Quarkus greeter listed").atMost(START).pollInterval(Duration.ofMillis(20))
                .until(() -> alive(quarkus) && nodes("greeter", "quarkus").contains(quarkus.address()));
        long listed = millisSince(quarkus.startedNanos());
        await("the Quarkus greeter ready").atMost(START).pollInterval(Duration.ofMillis(20))
                .ignoreExceptionsInstanceOf(UncheckedIOException.class) // not listening yet
                .until(() -> alive(quarkus) && get("/q/health/ready").statusCode() == 200);
        long ready = millisSince(quarkus.startedNanos());
        report("Quarkus greeter: JVM start to 'serving' %d ms, to listed in this JVM's registry %d ms, to "
                + "/q/health/ready UP %d ms (started with two Weld SE JVMs and this JVM's container)", serving, listed,
                ready);
        weld.awaitServing(START);
        await("the Weld SE greeter listed").atMost(START).pollInterval(Duration.ofMillis(20))
                .until(() -> alive(weld) && nodes("greeter", "weld").contains(weld.address()));
        await("both subscriptions of " + TOPIC + " listed").atMost(START).pollInterval(Duration.ofMillis(20))
                .until(() -> alive(subscriber) && subscriptions() == 2);
    }

    @AfterAll
    static void stopClient() {
        try {
            if (client != null && client.isRunning()) {
                client.close();
            }
        } finally {
            System.clearProperty("micro.server.enabled");
            System.clearProperty("micro.client.greeter.labels");
            release();
        }
    }

    /** A Weld SE {@code @MicroClient} calls the Quarkus greeter: every call answered, every one by that node. */
    @Test
    @Order(1)
    void weldMicroClientCallsTheQuarkusGreeter() throws Exception {
        selector.clear();
        long t0 = System.nanoTime();
        for (int i = 0; i < 40; i++) {
            assertThat(caller.greet("John")).isEqualTo("Hello John");
        }
        report("Weld SE @MicroClient -> Quarkus greeter: 40 calls in %d ms, nodes %s", millisSince(t0),
                new TreeSet<>(selector.succeeded()));
        assertThat(selector.succeeded()).hasSize(40).containsOnly(quarkus.address());

        // and Go Micro's wire, straight to its address
        HttpResponse<String> raw = HTTP.send(HttpRequest.newBuilder(URI.create("http://" + quarkus.address() + "/"))
                .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                .header("Micro-Service", "greeter").header("Micro-Endpoint", "Greeter.Hello")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"John\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(raw.body()).isEqualTo("{\"greeting\":\"Hello John\"}");
    }

    /** The Quarkus greeter's REST endpoint calls the Weld SE greeter, which logs each call it serves. */
    @Test
    @Order(2)
    void quarkusMicroClientCallsTheWeldGreeter() {
        int before = served(weld);
        long t0 = System.nanoTime();
        for (int i = 0; i < 20; i++) {
            HttpResponse<String> r = get("/hello/John");
            assertThat(r.statusCode()).as("GET /hello/John: %s\n%s", r.body(), quarkus.diagnostics()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("Hello John");
        }
        long millis = millisSince(t0);
        await("the Weld SE greeter logged 20 calls").atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(50))
                .untilAsserted(() -> assertThat(served(weld) - before).as(weld.diagnostics())
                        .isGreaterThanOrEqualTo(20));
        report("Quarkus REST -> @MicroClient -> Weld SE greeter: 20 calls in %d ms, %d served by the Weld SE greeter",
                millis, served(weld) - before);
    }

    /** Orders published by a Weld SE process reach the Quarkus greeter's subscriber (and the Weld SE one). */
    @Test
    @Order(3)
    void ordersFromWeldReachQuarkus() {
        GreeterProcess pub = processes.start(GreeterProcess.server("weld-pub").jar(GreeterProcess.pubsubJar())
                .property("pubsub.topic", TOPIC)
                .args("publish", Integer.toString(ORDERS), "--from", "1", "--await-subscribers", "2"));
        assertThat(pub.awaitExit(Duration.ofSeconds(60))).as("publisher exit\n%s", pub.diagnostics()).isZero();
        Matcher m = PUBLISHED.matcher(pub.stdout());
        assertThat(m.find()).as("the publisher's summary\n%s", pub.diagnostics()).isTrue();
        String inbox = get("/orders").body();
        report("Weld SE publisher -> Quarkus: %s (%s/s); Quarkus inbox: %s; Weld SE subscriber: %d", m.group(0),
                m.group(4), inbox, ids(1, ORDERS).size());

        assertThat(m.group(2)).as("failed publishes").isEqualTo("0");
        // a publish returns once every group accepted the order: the inbox holds them all by now
        assertThat(inbox).isEqualTo("received=" + ORDERS + " distinct=" + ORDERS);
        assertThat(ids(1, ORDERS)).hasSize(ORDERS);
    }

    /** Orders published by the Quarkus greeter ({@code POST /orders}) reach a Weld SE subscriber. */
    @Test
    @Order(4)
    void ordersFromQuarkusReachWeld() {
        long t0 = System.nanoTime();
        HttpResponse<String> r = send(HttpRequest.newBuilder(quarkusHttp.resolve("/orders/" + ORDERS + "?from="
                + (ORDERS + 1))).timeout(Duration.ofSeconds(60)).POST(HttpRequest.BodyPublishers.noBody()));
        long millis = millisSince(t0);
        assertThat(r.body()).as(quarkus.diagnostics()).isEqualTo("published=" + ORDERS);
        Set<Long> got = ids(ORDERS + 1, 2L * ORDERS);
        report("Quarkus POST /orders -> Weld SE subscriber: %d orders in %d ms (one publish at a time), the Weld SE "
                + "subscriber has %d of them; Quarkus inbox: %s", ORDERS, millis, got.size(), get("/orders").body());

        assertThat(got).hasSize(ORDERS);
        assertThat(get("/orders").body()).isEqualTo("received=" + 2 * ORDERS + " distinct=" + 2 * ORDERS);
    }

    /** SIGTERM: the Quarkus greeter deregisters its service and its subscription on its way out. */
    @Test
    @Order(5)
    void sigtermedQuarkusGreeterDeregisters() {
        String address = quarkus.address();
        quarkus.sigterm();
        long t0 = System.nanoTime();
        await("the Quarkus greeter and its subscription gone").atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> !nodes("greeter", "quarkus").contains(address) && subscriptions() == 1);
        long gone = millisSince(t0);
        int exit = quarkus.awaitExit(Duration.ofSeconds(20));
        report("SIGTERM: the Quarkus greeter gone from the registry after %d ms, exit %d", gone, exit);
        assertThat(gone).isLessThan(2000);
        assertThat(exit).as(quarkus.diagnostics()).isIn(0, 143);
    }

    /** The packaged Quarkus greeter: {@code examples/quarkus-greeter/target/quarkus-app/quarkus-run.jar}. */
    static Path quarkusGreeterJar() {
        Path jar = Path.of(System.getProperty("quarkus-greeter.jar",
                "../examples/quarkus-greeter/target/quarkus-app/quarkus-run.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar.toAbsolutePath() + " is missing: build examples/quarkus-greeter first");
        }
        return jar;
    }

    private static SeContainer bootClient() {
        System.clearProperty("micro.registry");
        System.setProperty("micro.server.enabled", "false");
        // only this run's Quarkus greeter: another greeter on the loopback never answers
        System.setProperty("micro.client.greeter.labels", "it.run=" + RUN + ",it.side=quarkus");
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

    /** The addresses of this run's nodes of {@code service} on {@code side}. */
    private static Set<String> nodes(String service, String side) {
        Set<String> addresses = new TreeSet<>();
        for (Service s : registry.getService(service)) {
            for (Node n : s.nodes()) {
                if (RUN.equals(n.metadata().get("it.run")) && side.equals(n.metadata().get("it.side"))) {
                    addresses.add(n.address());
                }
            }
        }
        return addresses;
    }

    private static int subscriptions() {
        return registry.getService("topic:" + TOPIC).stream().mapToInt(s -> s.nodes().size()).sum();
    }

    private static boolean alive(GreeterProcess p) {
        if (!p.process().isAlive()) {
            throw new AssertionError(p + " exited\n" + p.diagnostics());
        }
        return true;
    }

    private static int served(GreeterProcess p) {
        Matcher m = SERVED.matcher(p.stderr());
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    /** The order ids in [from, to] that the Weld SE subscriber recorded, without duplicates. */
    private static Set<Long> ids(long from, long to) {
        try {
            Set<Long> ids = new TreeSet<>();
            if (Files.exists(record)) {
                List<String> lines = Files.readAllLines(record);
                for (String line : lines) {
                    if (!line.isBlank()) {
                        long id = Long.parseLong(line.trim());
                        if (id >= from && id <= to) {
                            ids.add(id);
                        }
                    }
                }
            }
            return ids;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(quarkusHttp.resolve(path)).timeout(Duration.ofSeconds(10)).GET());
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }

    private static void report(String format, Object... args) {
        System.out.println("[QuarkusGreeterIT] " + String.format(format, args));
    }
}
