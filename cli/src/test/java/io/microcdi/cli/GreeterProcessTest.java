package io.microcdi.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.microcdi.config.MicroConfig;
import io.microcdi.config.Plugins;
import io.microcdi.registry.Node;
import io.microcdi.registry.Registry;
import io.microcdi.registry.Service;
import io.microcdi.testing.ExternalProcess;
import io.microcdi.testing.LoopbackMdns;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code micro} against the greeter a user runs: {@code examples/greeter/target/greeter.jar} in its own JVM on the
 * embedded defaults (mDNS on loopback, HTTP), found by {@code micro} run in this JVM over real multicast, and called
 * over real HTTP. Beside it, a Go Micro node played by the JDK's own HTTP server, which records the wire as it came.
 */
class GreeterProcessTest {

    /**
     * The embedded defaults, named: a -D or environment variable of the build cannot move these runs elsewhere. The
     * longer mDNS warm-up only matters on a machine so busy that the greeter is not heard of within the default 3 s:
     * once it is, the commands go on after half a second of quiet.
     */
    private static final String[] DEFAULTS = {"--registry", "mdns", "--transport", "http", "--broker", "http",
            "-Dmicro.registry.mdns.timeout=20s"};
    private static final Pattern SERVING = Pattern.compile("serving \\[[^\\]]*\\bgreeter\\b[^\\]]*\\] on (\\S+)");
    private static final Path LOGS = Path.of("target", "cli-logs");

    private static ExternalProcess greeter;
    private static String greeterAddress;
    private static HttpServer goMicro;
    private static final BlockingQueue<Recorded> WIRE = new LinkedBlockingQueue<>();
    private static Registry announcer;
    private static Service goMicroService;

    /** One HTTP request as the Go Micro node received it. */
    record Recorded(String method, String path, Map<String, String> headers, String body) {
    }

    @BeforeAll
    static void start() throws IOException {
        LoopbackMdns.assertMulticastWorks();
        greeter = startGreeter("greeter-a");
        greeterAddress = servingAddress(greeter);

        goMicro = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        goMicro.createContext("/", GreeterProcessTest::answerAsGoMicro);
        goMicro.start();
        String address = "127.0.0.1:" + goMicro.getAddress().getPort();
        // registered over mDNS from this JVM, as a Go Micro service on the same loopback would be
        announcer = Plugins.load(GreeterProcessTest.class.getClassLoader(), List.of())
                .registry(MicroConfig.of(Map.of("micro.registry", "mdns")));
        goMicroService = new Service("go-legacy", "1.4.0", null, null,
                List.of(new Node("go-legacy-" + goMicro.getAddress().getPort(), address,
                        Map.of("protocol", "mucp", "transport", "http"))));
        announcer.register(goMicroService, Duration.ofMinutes(2));
    }

    @AfterAll
    static void stop() {
        if (announcer != null) {
            announcer.close();
        }
        if (goMicro != null) {
            goMicro.stop(0);
        }
        if (greeter != null) {
            greeter.close();
        }
    }

    private static ExternalProcess startGreeter(String name) {
        Path jar = Path.of(System.getProperty("greeter.jar", "../examples/greeter/target/greeter.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar.toAbsolutePath() + " is missing: build examples/greeter first "
                    + "(mvn verify -pl cli -am does)");
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        try {
            Files.createDirectories(LOGS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return ExternalProcess.builder(java, "-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                        "-Djava.net.preferIPv4Stack=true", "-jar", jar.toString())
                .name(name)
                .log(LOGS.resolve(name + "-" + System.nanoTime() + ".log"))
                .readyWhenLogMatches(SERVING.pattern())
                .startTimeout(Duration.ofSeconds(60))
                .start();
    }

    private static String servingAddress(ExternalProcess p) {
        try {
            Matcher m = SERVING.matcher(Files.readString(p.log()));
            if (!m.find()) {
                throw new AssertionError("no serving line in " + p.log());
            }
            return m.group(1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What a Go Micro service answers: its health, or the request echoed. */
    private static void answerAsGoMicro(HttpExchange exchange) throws IOException {
        Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        exchange.getRequestHeaders().forEach((k, v) -> headers.put(k, String.join(",", v)));
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        WIRE.add(new Recorded(exchange.getRequestMethod(), exchange.getRequestURI().getPath(), headers, body));
        byte[] answer = (headers.getOrDefault("Micro-Endpoint", "").equals("Debug.Health")
                ? "{\"status\":\"ok\"}" : "{\"echo\":" + body + "}").getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, answer.length);
        exchange.getResponseBody().write(answer);
        exchange.close();
    }

    private static Cli.Run micro(String... args) {
        return Cli.run(defaults(args));
    }

    private static String[] defaults(String... args) {
        List<String> all = new ArrayList<>(List.of(DEFAULTS));
        all.addAll(List.of(args));
        return all.toArray(String[]::new);
    }

    @Test
    void servicesFindsTheGreeterOverMdns() {
        Cli.Run r = micro("services");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.outLines()).anyMatch(l -> l.matches("greeter +latest"))
                .anyMatch(l -> l.matches("greeter-proto +latest"))
                .anyMatch(l -> l.matches("go-legacy +1\\.4\\.0"));
    }

    @Test
    void describeShowsTheGreetersNode() {
        Cli.Run r = micro("describe", "greeter");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).containsPattern("greeter-\\S+ +" + Pattern.quote(greeterAddress) + " +\\S*registry=mdns")
                .contains("Endpoint: Greeter.Hello", "name string");
    }

    @Test
    void callFindsTheGreeterAndCallsItOverHttp() {
        Cli.Run r = micro("call", "greeter", "Greeter.Hello", "{\"name\":\"John\"}");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).isEqualTo("{\"greeting\":\"Hello John\"}\n");
    }

    @Test
    void callWithAddressCallsTheGreetersNode() {
        Cli.Run r = micro("call", "--address", greeterAddress, "greeter", "Greeter.Hello", "{\"name\":\"Node\"}");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).isEqualTo("{\"greeting\":\"Hello Node\"}\n");
    }

    @Test
    void callWithAddressSpeaksGoMicrosHttpWire() throws InterruptedException {
        WIRE.clear();
        Cli.Run r = micro("call", "--address", "127.0.0.1:" + goMicro.getAddress().getPort(), "go-legacy",
                "Legacy.Echo", "{\"n\":1}", "--metadata", "X-Tenant=acme");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).isEqualTo("{\"echo\":{\"n\":1}}\n");
        Recorded seen = WIRE.poll(5, TimeUnit.SECONDS);
        assertThat(seen).isNotNull();
        assertThat(seen.method()).isEqualTo("POST");
        assertThat(seen.path()).isEqualTo("/");
        assertThat(seen.headers()).containsEntry("Micro-Service", "go-legacy")
                .containsEntry("Micro-Endpoint", "Legacy.Echo")
                .containsEntry("Content-Type", "application/json")
                .containsEntry("X-Tenant", "acme")
                .containsKey("Micro-Id");
        assertThat(seen.body()).isEqualTo("{\"n\":1}");
    }

    @Test
    void healthAsksEachNodeDirectly() throws Exception {
        Cli.Run goNode = micro("health", "go-legacy", "--output", "json");

        assertThat(goNode.exit()).as(goNode.toString()).isZero();
        JsonNode node = Output.JSON.readTree(goNode.out()).get(0);
        assertThat(node.get("status").asText()).isEqualTo("ok");
        assertThat(node.get("address").asText()).isEqualTo("127.0.0.1:" + goMicro.getAddress().getPort());

        // other greeters on this loopback (a build's) may be listed too: this one's line says ok
        Cli.Run r = micro("health", "greeter");
        assertThat(r.out()).as(r.toString()).containsPattern(Pattern.quote(greeterAddress) + " +latest +ok");
    }

    @Test
    void streamOverHttp() {
        Cli.Run r = Cli.runWithInput("{\"name\":\"Ann\"}\n{\"name\":\"Bob\"}\n",
                defaults("stream", "greeter", "Greeter.Chat"));

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.outLines()).containsExactly("{\"greeting\":\"Hello Ann\"}", "{\"greeting\":\"Hello Bob\"}");
    }

    /** {@code micro api} in front of the greeter process: found over mDNS, called over HTTP, streamed as SSE. */
    @Test
    void apiRoutesHttpToTheGreeterProcess() throws Exception {
        Cli.Running api = Cli.start(defaults("api", "--address", "127.0.0.1:0"));
        try {
            api.awaitErr("Ctrl-C to stop");
            Matcher m = Pattern.compile("micro api on (http://\\S+) ").matcher(api.err().toString());
            assertThat(m.find()).as(api.snapshot()).isTrue();
            URI base = URI.create(m.group(1));
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

            HttpResponse<String> hello = http.send(HttpRequest.newBuilder(base.resolve("/greeter/hello"))
                    .header("Content-Type", "application/json").timeout(Duration.ofSeconds(30))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"John\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(hello.statusCode()).as(hello.body()).isEqualTo(200);
            assertThat(hello.body()).isEqualTo("{\"greeting\":\"Hello John\"}");

            HttpResponse<String> chat = http.send(HttpRequest.newBuilder(base.resolve("/greeter/chat"))
                    .header("Accept", "text/event-stream").timeout(Duration.ofSeconds(30))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"Ann\"}\n{\"name\":\"Bob\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(chat.body()).isEqualTo("data: {\"greeting\":\"Hello Ann\"}\n\n"
                    + "data: {\"greeting\":\"Hello Bob\"}\n\nevent: end\ndata: {}\n\n");

            HttpResponse<String> page = http.send(HttpRequest.newBuilder(base.resolve("/_micro/")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(page.body()).contains("<title>MicroCDI dashboard</title>");
        } finally {
            Cli.Run r = api.interrupt(); // Ctrl-C
            assertThat(r.exit()).as(r.toString()).isZero();
        }
    }

    @Test
    void publishReachesASubscriberThroughTheHttpBroker() {
        Cli.Running sub = Cli.start(defaults("subscribe", "cli-orders", "--count", "1", "--for", "45s"));
        sub.awaitErr("subscribed to cli-orders");

        Cli.Run published = micro("publish", "cli-orders", "{\"id\":7}");
        Cli.Run received = sub.finish(Duration.ofSeconds(50));

        assertThat(published.exit()).as(published.toString()).isZero();
        assertThat(received.exit()).as(received.toString()).isZero();
        assertThat(received.out()).isEqualTo("{\"id\":7}\n");
    }

    @Test
    void watchSeesASecondGreeterComeAndGo() {
        // no --count: greeters of other processes on this loopback may come and go meanwhile
        Cli.Running watch = Cli.start(defaults("watch", "greeter", "--for", "60s"));
        watch.awaitErr("watching greeter on mdns");

        String second;
        try (ExternalProcess b = startGreeter("greeter-b")) {
            second = servingAddress(b);
            // its log says "serving" before mDNS has announced it: stopped now, it would leave unheard of
            watch.awaitOut("  " + second + "\n");
        } // SIGTERM: the node deregisters, its goodbye reaches the watch at once
        watch.awaitOut("delete  greeter  latest  greeter-");
        await("the delete of " + second).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
                .until(() -> lines(watch, second).size() == 2);
        Cli.Run r = watch.interrupt(); // Ctrl-C

        assertThat(r.exit()).as(r.toString()).isZero();
        List<String> mine = r.outLines().stream().filter(l -> l.endsWith("  " + second)).toList();
        assertThat(mine).hasSize(2);
        assertThat(mine.get(0)).matches("create  greeter  latest  greeter-\\S+  " + Pattern.quote(second));
        assertThat(mine.get(1)).matches("delete  greeter  latest  greeter-\\S+  " + Pattern.quote(second));
    }

    private static List<String> lines(Cli.Running run, String address) {
        return run.out().toString().lines().filter(l -> l.endsWith("  " + address)).toList();
    }

    @Test
    void ctrlCWithdrawsASubscription() {
        Cli.Running sub = Cli.start(defaults("subscribe", "cli-withdrawn"));
        sub.awaitErr("subscribed to cli-withdrawn");
        Cli.Run watching = micro("describe", "topic:cli-withdrawn");
        Cli.Running watch = Cli.start(defaults("watch", "topic:cli-withdrawn", "--count", "1", "--for", "30s"));
        watch.awaitErr("watching topic:cli-withdrawn");

        Cli.Run stopped = sub.interrupt();
        Cli.Run gone = watch.finish(Duration.ofSeconds(35));

        assertThat(watching.exit()).as(watching.toString()).isZero();
        assertThat(stopped.exit()).as(stopped.toString()).isZero();
        assertThat(gone.exit()).as(gone.toString()).isZero();
        assertThat(gone.out()).startsWith("delete  topic:cli-withdrawn  ff.http.broadcast  broker-");
    }
}
