package io.microcdi.it.liberty;

import io.microcdi.testing.ExternalProcess;
import io.microcdi.testing.FreePorts;
import io.microcdi.testing.LoopbackMdns;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code examples/liberty-greeter} on a real Open Liberty (installed by the liberty-maven-plugin from Maven Central),
 * beside Weld SE processes, all on loopback with mDNS bound to the loopback interface:
 * <ul>
 *   <li>the WAR's {@code greeter} answers on Go Micro's wire (mucp over HTTP), errors included;</li>
 *   <li>a Weld SE client ({@code greeter.jar call}) calls it, and its JAX-RS resource calls a Weld SE greeter, each
 *       pinned to the other side by node labels ({@code micro.server.metadata}, {@code micro.client.greeter.labels});
 *   </li>
 *   <li>orders go both ways between the WAR and {@code examples/pubsub} on the http broker;</li>
 *   <li>three redeploys in the one server leave one generation of MicroCDI threads, one CDI container and no
 *       more application class loaders than one redeploy does (counted in {@code jcmd GC.class_histogram}, which
 *       collects first).</li>
 *   <li>with {@code mpTelemetry-2.0} exporting over OTLP/HTTP to a receiver in this test, a call of the JAX-RS
 *       resource is one trace: Liberty's HTTP server span, MicroCDI's client span under it, MicroCDI's server span
 *       under that; an order is Liberty's span, MicroCDI's producer span and the WAR's consumer span.</li>
 * </ul>
 * The run is one server start: the tests are ordered, the redeploys last but the trace. Prints {@code LIBERTY ...}
 * lines with the start times, the thread and class loader counts and the spans of the traces.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LibertyGreeterIT {

    /** This run's labels and topic: other greeters on this machine's loopback mDNS never answer for ours. */
    private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    private static final String TOPIC = "orders-" + RUN;
    private static final Pattern SERVING = Pattern.compile("serving \\[(?:[^\\]]*, )?greeter(?:, [^\\]]*)?\\] on (\\S+)");
    private static final Path LOGS = Path.of("target", "it-logs");
    /** Thread kinds whose number follows the load, not the number of containers. */
    private static final List<String> POOLS = List.of("microcdi-handler", "microcdi-broker-N", "microcdi-callback",
            "microcdi-cache", "microcdi-mdns-N-io", "JmDNS pool");
    /** The app's class loader in Liberty, one per deployed application. */
    private static final String APP_LOADER = "com.ibm.ws.classloading.internal.AppClassLoader";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<ExternalProcess> processes = new ArrayList<>();
    private LibertyServer liberty;
    private OtlpReceiver otlp;
    private ExternalProcess weldGreeter;
    private int microPort;

    @BeforeAll
    void start() throws IOException {
        LoopbackMdns.assertMulticastWorks();
        Files.createDirectories(LOGS);
        weldGreeter = java("weld-greeter", greeterJar(), List.of("-Dmicro.server.metadata=runtime=weld-" + RUN),
                List.of(), SERVING.pattern());
        int[] ports = FreePorts.distinct(2);
        microPort = ports[1];
        otlp = OtlpReceiver.start();
        long t0 = System.nanoTime();
        liberty = LibertyServer.start(ports[0], Map.ofEntries(
                Map.entry("MICRO_SERVER_ADDRESS", "127.0.0.1:" + microPort),
                Map.entry("MICRO_SERVER_METADATA", "runtime=liberty-" + RUN),
                Map.entry("MICRO_CLIENT_GREETER_LABELS", "runtime=weld-" + RUN),
                Map.entry("GREETER_ORDERS_TOPIC", TOPIC),
                // mpTelemetry's OpenTelemetry for the whole server (Liberty's spans and the application's), its
                // spans over OTLP/HTTP to this test every 100 ms; no metrics or logs
                Map.entry("OTEL_SDK_DISABLED", "false"),
                Map.entry("OTEL_SERVICE_NAME", "liberty-greeter"),
                Map.entry("OTEL_TRACES_EXPORTER", "otlp"),
                Map.entry("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf"),
                Map.entry("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", otlp.tracesEndpoint()),
                Map.entry("OTEL_BSP_SCHEDULE_DELAY", "100"),
                Map.entry("OTEL_METRICS_EXPORTER", "none"),
                Map.entry("OTEL_LOGS_EXPORTER", "none")));
        long wall = (System.nanoTime() - t0) / 1_000_000;
        System.out.printf("LIBERTY start server_s=%.3f app_s=%.3f until_app_started_ms=%d (process start to CWWKZ0001I)%n",
                liberty.serverStartSeconds(), liberty.appStartSeconds(), wall);
    }

    @AfterAll
    void stop() {
        RuntimeException failure = null;
        for (AutoCloseable c : new AutoCloseable[] {liberty, weldGreeter, otlp}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                failure = failure == null ? new RuntimeException(e) : failure;
            }
        }
        processes.forEach(ExternalProcess::close);
        if (failure != null) {
            throw failure;
        }
    }

    @Test
    @Order(1)
    void theWarServesGoMicrosWire() throws Exception {
        HttpResponse<String> ok = mucp("{\"name\":\"John\"}");
        assertThat(ok.statusCode()).as(liberty.diagnostics()).isEqualTo(200);
        assertThat(ok.body()).isEqualTo("{\"greeting\":\"Hello John\"}");
        assertThat(ok.headers().firstValue("Micro-Error")).isEmpty();

        HttpResponse<String> bad = mucp("{\"name\":\"\"}");
        assertThat(bad.headers().firstValue("Micro-Error")).hasValueSatisfying(e -> assertThat(e)
                .contains("\"id\":\"greeter.hello\"").contains("\"code\":400").contains("name is required"));
    }

    @Test
    @Order(1)
    void jmdnsFindsAnSlf4jProvider() {
        // slf4j-jdk14 in WEB-INF/lib: jmdns' lines go to java.util.logging, which Liberty writes out; without it
        // SLF4J says so on the console (as [err] SLF4J(W): No SLF4J providers were found) and drops them
        assertThat(liberty.console()).as("the server's console").doesNotContain("No SLF4J providers");
    }

    @Test
    @Order(2)
    void aWeldSeClientCallsTheLibertyService() {
        // a new process calls as soon as its registry has a first answer, which may not list the WAR's node yet:
        // it then fails (503, none matching the label) and is run again
        ExternalProcess[] caller = new ExternalProcess[1];
        await("a Weld SE process calling the WAR's greeter").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    caller[0] = java("weld-caller", greeterJar(),
                            List.of("-Dmicro.client.greeter.labels=runtime=liberty-" + RUN),
                            List.of("call", "John", "3"), null);
                    return caller[0].awaitExit(Duration.ofSeconds(30)) == 0;
                });
        assertThat(caller[0].logTail(40).lines().filter(l -> l.equals("Hello John"))).hasSize(3);
    }

    @Test
    @Order(3)
    void theLibertyResourceCallsAWeldSeService() throws Exception {
        // the resource's @MicroClient("greeter") goes only to nodes labelled runtime=weld-RUN: the Weld SE greeter
        await("the Weld SE greeter reached from Liberty").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> assertThat(get("/api/hello/Ann").body()).isEqualTo("Hello Ann"));
        HttpResponse<String> error = get("/api/hello/%20");
        assertThat(error.statusCode()).isEqualTo(400);
        assertThat(error.body()).isEqualTo("greeter.hello: name is required");
        weldGreeter.close();
        // no other node carries the label: the call fails as Go Micro's 500 "not found" of the selector, not by
        // reaching the WAR's own greeter
        await("the Weld SE greeter gone from Liberty's selector").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> assertThat(get("/api/hello/Ann").statusCode()).isNotEqualTo(200));
    }

    @Test
    @Order(4)
    void ordersGoBothWaysBetweenLibertyAndWeldSe() throws Exception {
        Path record = LOGS.resolve("weld-orders-" + RUN + ".ids");
        Files.deleteIfExists(record);
        java("weld-subscriber", pubsubJar(), List.of("-Dpubsub.topic=" + TOPIC, "-Dpubsub.group=weld",
                "-Dpubsub.record=" + record), List.of(), "http broker listening");
        // Liberty -> Weld SE: a publisher delivers to the groups it sees, so publish until the new group is seen
        await("the Weld SE subscriber seen by Liberty's publisher").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> post("/api/orders/1").statusCode() == 200 && lines(record) > 0);
        long before = lines(record);
        long libertyBefore = received();
        assertThat(post("/api/orders/20").body()).isEqualTo("published=20");
        await("20 orders from Liberty in Weld SE").atMost(Duration.ofSeconds(30))
                .until(() -> lines(record) == before + 20);
        assertThat(received()).as("the WAR's own group got them too").isEqualTo(libertyBefore + 20);

        // Weld SE -> Liberty: examples/pubsub publishes once both groups (weld, liberty-greeter) are listed
        ExternalProcess publisher = java("weld-publisher", pubsubJar(), List.of("-Dpubsub.topic=" + TOPIC),
                List.of("publish", "20", "--await-subscribers", "2"), null);
        assertThat(publisher.awaitExit(Duration.ofSeconds(60))).as(publisher.logTail(40)).isZero();
        assertThat(publisher.logTail(40)).contains("published=20 failed=0");
        await("20 orders from Weld SE in Liberty").atMost(Duration.ofSeconds(30))
                .until(() -> received() == libertyBefore + 40);
    }

    @Test
    @Order(5)
    void readinessUnderMicroProfileHealth() throws Exception {
        // Liberty's mpHealth-4.0 found MicroCDI's checks in the WAR: the service is started, registered and subscribed
        HttpResponse<String> ready = get("/health/ready");
        assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
        assertThat(ready.body()).contains("\"name\":\"microcdi\"").contains("\"status\":\"UP\"")
                .contains("\"state\":\"STARTED\"").contains("\"registered\":true");
        HttpResponse<String> live = get("/health/live");
        assertThat(live.statusCode()).as(live.body()).isEqualTo(200);
        assertThat(live.body()).contains("\"name\":\"microcdi\"");
    }

    @Test
    @Order(6)
    void threeRedeploysLeaveOneGenerationOfThreadsAndNoGrowingClassLoaders() throws Exception {
        exercise();
        Map<String, Integer> first = microThreads();
        int loadersFirst = instances(APP_LOADER);
        List<Double> redeploySeconds = new ArrayList<>();
        redeploySeconds.add(liberty.redeploy());
        exercise();
        // Liberty lets go of an updated application's loader some seconds after the update (a plain JAX-RS WAR
        // too): wait for it. One old loader may stay, whatever the application: Liberty's java.util.logging loggers
        // (WsLogger) keep the class that first asked for each logger name (TraceComponent.aClass), and the next
        // generation of a library that logs through java.util.logging (Netty's JdkLoggerFactory, slf4j-jdk14) asks
        // for the same names and keeps those loggers alive. That is at most the first generation, never more.
        int loadersAfterOne = settledLoaders(loadersFirst + 1);
        for (int i = 2; i <= 3; i++) {
            redeploySeconds.add(liberty.redeploy());
            exercise();
        }
        // the old generation's mdns registry says goodbye in the background (jmdns takes about two seconds): wait
        // for its threads to end
        List<Map<String, Integer>> last = new ArrayList<>(List.of(Map.of()));
        try {
            await("one generation of MicroCDI threads").atMost(Duration.ofSeconds(20))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> {
                        last.set(0, microThreads());
                        return oneGeneration(first, last.get(0));
                    });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            // asserted below, with the figures printed first
        }
        Map<String, Integer> after = last.get(0);
        int loadersAfterThree = settledLoaders(loadersAfterOne);
        int lifecyclesAfter = instances("io.microcdi.cdi.MicroLifecycle");
        System.out.printf("LIBERTY redeploy app_restart_s=%s threads_first=%d %s threads_after_3=%d %s "
                        + "app_loaders_first=%d app_loaders_after_1=%d app_loaders_after_3=%d "
                        + "micro_lifecycles_after_3=%d%n",
                redeploySeconds, total(first), first, total(after), after, loadersFirst, loadersAfterOne,
                loadersAfterThree, lifecyclesAfter);

        // one generation of MicroCDI's (and jmdns') threads, no kind the first deployment did not have
        assertThat(oneGeneration(first, after)).as("threads after 3 redeploys %s vs. after the first deployment %s",
                after, first).isTrue();
        // one CDI container, and the old applications' loaders collected: none more after three than after one
        assertThat(lifecyclesAfter).as("MicroLifecycle instances (one per live CDI container)").isEqualTo(1);
        assertThat(loadersAfterOne).as("application class loaders after one redeploy and a full GC")
                .isLessThanOrEqualTo(loadersFirst + 1);
        assertThat(loadersAfterThree).as("application class loaders after three redeploys and a full GC")
                .isLessThanOrEqualTo(loadersAfterOne);
    }

    @Test
    @Order(7)
    void aCallThroughTheResourceIsOneTraceFromLibertysSpanThroughMicroCdisClientAndServer() throws Exception {
        // the resource's client goes to this WAR's own greeter from here on, so that both MicroCDI spans are this
        // server's: a server.xml variable, above the environment's MICRO_CLIENT_GREETER_LABELS, read by the next start
        liberty.override("micro.client.greeter.labels", "runtime=liberty-" + RUN);
        liberty.redeploy();
        String path = "/api/hello/Trace-" + RUN;
        int before = otlp.spans().size();
        await("the WAR's resource calling the WAR's greeter").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> assertThat(get(path).body()).isEqualTo("Hello Trace-" + RUN));
        int beforeOrder = otlp.spans().size();
        assertThat(post("/api/orders/1").statusCode()).isEqualTo(200);

        // GET /api/hello/{name} (Liberty) -> greeter.Greeter/Hello CLIENT (attempt 1) -> greeter.Greeter/Hello SERVER
        List<OtlpReceiver.Span> hello = trace(before, s -> s.attribute("url.path").equals(path)
                && s.attribute("http.response.status_code").equals("200"), 3);
        OtlpReceiver.Span http = only(hello, "SERVER", "GET /api/hello/{name}");
        OtlpReceiver.Span client = only(hello, "CLIENT", "greeter.Greeter/Hello");
        OtlpReceiver.Span server = only(hello, "SERVER", "greeter.Greeter/Hello");
        assertThat(http.scope()).isEqualTo("io.openliberty.microprofile.telemetry");
        assertThat(http.attribute("http.route")).isEqualTo("/api/hello/{name}");
        assertThat(client.scope()).isEqualTo("io.microcdi");
        assertThat(client.parentSpanId()).as("the client span's parent").isEqualTo(http.spanId());
        assertThat(client.attribute("microcdi.rpc.attempt")).isEqualTo("1");
        assertThat(client.attribute("server.port")).as("the WAR's own node").isEqualTo(Integer.toString(microPort));
        assertThat(server.scope()).isEqualTo("io.microcdi");
        assertThat(server.parentSpanId()).as("the server span's parent, through the call's metadata")
                .isEqualTo(client.spanId());
        assertThat(server.attribute("rpc.system")).isEqualTo("mucp");
        assertThat(hello).as("the call's trace").hasSize(3);

        // POST /api/orders/{count} (Liberty) -> publish PRODUCER -> process CONSUMER (the WAR's queue group)
        List<OtlpReceiver.Span> order = trace(beforeOrder,
                s -> s.attribute("http.route").equals("/api/orders/{count}"), 3);
        OtlpReceiver.Span post = only(order, "SERVER", "POST /api/orders/{count}");
        OtlpReceiver.Span producer = only(order, "PRODUCER", "publish " + TOPIC);
        OtlpReceiver.Span consumer = only(order, "CONSUMER", "process " + TOPIC);
        assertThat(producer.parentSpanId()).as("the producer span's parent").isEqualTo(post.spanId());
        assertThat(consumer.parentSpanId()).as("the consumer span's parent, through the message's headers")
                .isEqualTo(producer.spanId());
        assertThat(consumer.attribute("messaging.consumer.group.name")).isEqualTo("liberty-greeter");
        assertThat(order).as("the order's trace").hasSize(3);

        for (List<OtlpReceiver.Span> t : List.of(hello, order)) {
            for (OtlpReceiver.Span s : OtlpReceiver.rootFirst(t)) {
                System.out.println("LIBERTY trace " + s + " " + s.attributes());
            }
        }
        assertThat(otlp.rejected()).as("requests the OTLP receiver could not take").isEmpty();
        // MicroCDI found mpTelemetry's OpenTelemetry bean, of Liberty's class (Liberty's GlobalOpenTelemetry is a no-op)
        assertThat(liberty.console()).contains("OpenTelemetry spans of calls and messages to the container's "
                + "OpenTelemetry bean");
    }

    /**
     * The spans of the trace of the first span received after the first {@code from} that matches {@code root}, once
     * it has at least {@code size} of them: a batch reaches the receiver every 100 ms, in no order between spans that
     * end close together.
     */
    private List<OtlpReceiver.Span> trace(int from, Predicate<OtlpReceiver.Span> root, int size) {
        List<List<OtlpReceiver.Span>> found = new ArrayList<>(List.of(List.of()));
        await("a trace of " + size + " spans").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .untilAsserted(() -> {
                    List<OtlpReceiver.Span> all = otlp.spans();
                    String traceId = all.subList(from, all.size()).stream().filter(root).findFirst()
                            .map(OtlpReceiver.Span::traceId).orElse("none");
                    found.set(0, all.stream().filter(s -> s.traceId().equals(traceId)).toList());
                    assertThat(found.get(0)).as("trace %s of %d spans received (rejected: %s)", traceId, all.size(),
                            otlp.rejected()).hasSizeGreaterThanOrEqualTo(size);
                });
        return found.get(0);
    }

    private static OtlpReceiver.Span only(List<OtlpReceiver.Span> trace, String kind, String name) {
        List<OtlpReceiver.Span> matching = trace.stream()
                .filter(s -> s.kind().equals(kind) && s.name().equals(name)).toList();
        assertThat(matching).as("%s spans named '%s' in %s", kind, name, trace).hasSize(1);
        return matching.get(0);
    }

    /**
     * Every kind of thread in {@code now} was in {@code first}, and each kind a container starts a fixed number of
     * (its timers, heartbeats, event loops, jmdns' threads) at most as many times; the pools that grow with the load
     * (handlers, broker workers, callbacks, caches, jmdns' and the mdns registry's blocking pools) only exist.
     */
    private static boolean oneGeneration(Map<String, Integer> first, Map<String, Integer> now) {
        return first.keySet().containsAll(now.keySet()) && now.entrySet().stream()
                .filter(e -> POOLS.stream().noneMatch(e.getKey()::startsWith))
                .allMatch(e -> first.get(e.getKey()) >= e.getValue());
    }

    /**
     * The application class loaders alive after a full GC, once Liberty released what it holds after an update:
     * polled (each poll collects) until at most {@code expected} or 45 s have passed, then counted once more.
     */
    private int settledLoaders(int expected) {
        try {
            await("application class loaders back to " + expected).atMost(Duration.ofSeconds(45))
                    .pollInterval(Duration.ofSeconds(2))
                    .until(() -> instances(APP_LOADER) <= expected);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            // counted and asserted by the caller, with the figures printed first
        }
        return instances(APP_LOADER);
    }

    /** One call on the wire and one publish (through the broker to the WAR itself and the Weld SE subscriber). */
    private void exercise() throws Exception {
        await("the greeter served after a (re)deploy").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .untilAsserted(() -> assertThat(mucp("{\"name\":\"Bo\"}").body()).contains("Hello Bo"));
        assertThat(post("/api/orders/1").statusCode()).isEqualTo(200);
    }

    /**
     * MicroCDI's and jmdns' live threads in the server, by kind (the name without its numbers and host names):
     * {@code microcdi-*},
     * jmdns' {@code JmDNS(...)} and {@code SocketListener(...)}.
     */
    private Map<String, Integer> microThreads() {
        Map<String, Integer> kinds = new TreeMap<>();
        Matcher m = Pattern.compile("^\"([^\"]+)\"", Pattern.MULTILINE).matcher(liberty.jcmd("Thread.print"));
        while (m.find()) {
            String name = m.group(1);
            if (name.startsWith("microcdi-") || name.contains("JmDNS") || name.startsWith("SocketListener")) {
                // jmdns names its threads after its random host name: that is no kind of its own
                kinds.merge(name.replaceAll("\\(.*\\)", "(host)").replaceAll("[0-9]+", "N")
                        .replaceAll("-io-N$", "-io"), 1, Integer::sum);
            }
        }
        return kinds;
    }

    /** Live instances of {@code className} after a full GC (jcmd GC.class_histogram collects first). */
    private int instances(String className) {
        int n = 0;
        Matcher m = Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+\\d+\\s+" + Pattern.quote(className) + "(\\s|$)",
                Pattern.MULTILINE).matcher(liberty.jcmd("GC.class_histogram"));
        while (m.find()) {
            n += Integer.parseInt(m.group(1));
        }
        return n;
    }

    private static int total(Map<String, Integer> kinds) {
        return kinds.values().stream().mapToInt(Integer::intValue).sum();
    }

    private long received() throws Exception {
        Matcher m = Pattern.compile("received=(\\d+)").matcher(get("/api/orders").body());
        assertThat(m.find()).isTrue();
        return Long.parseLong(m.group(1));
    }

    private static long lines(Path file) throws IOException {
        return Files.exists(file) ? Files.readAllLines(file).size() : 0;
    }

    private HttpResponse<String> mucp(String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + microPort + "/"))
                .header("Content-Type", "application/json")
                .header("Micro-Service", "greeter")
                .header("Micro-Endpoint", "Greeter.Hello")
                .timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + liberty.httpPort() + path))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + liberty.httpPort() + path))
                .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** A Weld SE example in its own small JVM, owned by this test; ready when its log matches {@code ready}. */
    private ExternalProcess java(String name, Path jar, List<String> properties, List<String> args, String ready) {
        List<String> command = new ArrayList<>(List.of("-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Djava.net.preferIPv4Stack=true"));
        command.addAll(properties);
        command.add("-jar");
        command.add(jar.toString());
        command.addAll(args);
        ExternalProcess.Builder b = ExternalProcess.builder(Path.of(System.getProperty("java.home"), "bin", "java")
                        .toString(), command.toArray(String[]::new))
                .name(name)
                .log(LOGS.resolve(name + "-" + RUN + ".log"))
                .startTimeout(Duration.ofSeconds(60));
        if (ready != null) {
            b.readyWhenLogMatches(ready);
        }
        ExternalProcess p = b.start();
        processes.add(p);
        return p;
    }

    private static Path greeterJar() {
        return existing("greeter.jar", "../../examples/greeter/target/greeter.jar");
    }

    private static Path pubsubJar() {
        return existing("pubsub.jar", "../../examples/pubsub/target/pubsub.jar");
    }

    private static Path existing(String property, String fallback) {
        Path jar = Path.of(System.getProperty(property, fallback));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar.toAbsolutePath() + " is missing: build the examples first");
        }
        return jar;
    }
}
