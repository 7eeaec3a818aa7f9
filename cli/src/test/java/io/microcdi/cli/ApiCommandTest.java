package io.microcdi.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.microcdi.cdi.MicroLifecycle;
import io.microcdi.cdi.MicroProducers;
import io.microcdi.examples.greeter.Greeter;
import io.microcdi.registry.Endpoint;
import io.microcdi.registry.Registry;
import io.microcdi.registry.Service;
import io.microcdi.registry.memory.MemoryRegistry;
import io.microcdi.transport.memory.MemoryTransport;
import jakarta.enterprise.inject.se.SeContainer;
import org.eclipse.microprofile.config.spi.ConfigProviderResolver;
import org.jboss.weld.environment.se.Weld;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code micro api} run in this JVM as a person runs it, in front of the real greeter (a Weld container on the
 * {@code memory} registry and transport) and a node answering as a Go Micro service does ({@code legacy}: its
 * {@code Echo.Headers} shows the metadata and deadline a call carries, its {@code Slow.Never} never answers), called
 * over plain HTTP on loopback.
 */
class ApiCommandTest {

    private static final String[] MEMORY = {"--registry", "memory", "--transport", "memory", "--broker", "memory"};
    private static final Pattern LISTENING = Pattern.compile("micro api on (http://\\S+) ");
    private static final String ORIGIN = "https://app.example";

    private static SeContainer greeter;
    private static MemoryTransport transport;
    private static Registry registry;
    private static GoMicroNode legacy;
    private static Cli.Running api;
    private static URI base;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void serve() {
        System.setProperty("micro.registry", "memory");
        System.setProperty("micro.transport", "memory");
        releaseConfig();
        greeter = new Weld("cli-api-greeter").disableDiscovery()
                .property(Weld.SHUTDOWN_HOOK_SYSTEM_PROPERTY, false)
                .addBeanClasses(MicroProducers.class, MicroLifecycle.class, Greeter.class)
                .initialize();
        System.clearProperty("micro.registry");
        System.clearProperty("micro.transport");
        releaseConfig();
        transport = new MemoryTransport();
        registry = MemoryRegistry.shared();
        legacy = GoMicroNode.listen(transport, true);
        registry.register(new Service("legacy", "1.0.0", null, List.of(new Endpoint("Echo.Headers", null, null,
                Map.of())), List.of(legacy.node("legacy-1"))), Duration.ofMinutes(5));

        api = Cli.start(memory("api", "--address", "127.0.0.1:0",
                "-Dmicro.gateway.routes=/hi=greeter:Greeter.Hello",
                "-Dmicro.gateway.cors.allowed-origins=" + ORIGIN,
                "-Dmicro.gateway.max-body-size=4096",
                "-Dmicro.gateway.max-timeout=3s"));
        api.awaitErr("Ctrl-C to stop");
        Matcher m = LISTENING.matcher(api.err().toString());
        assertThat(m.find()).as(api.snapshot()).isTrue();
        base = URI.create(m.group(1));
    }

    @AfterAll
    static void stop() {
        if (api != null) {
            Cli.Run r = api.interrupt();
            assertThat(r.exit()).as(r.toString()).isZero();
        }
        if (registry != null) {
            registry.deregister(new Service("legacy", "1.0.0", null, null, List.of(legacy.node("legacy-1"))));
        }
        if (legacy != null) {
            legacy.close();
        }
        if (transport != null) {
            transport.close();
        }
        if (greeter != null) {
            greeter.close();
        }
        releaseConfig();
    }

    private static void releaseConfig() {
        ConfigProviderResolver resolver = ConfigProviderResolver.instance();
        resolver.releaseConfig(resolver.getConfig());
    }

    private static String[] memory(String... args) {
        List<String> all = new ArrayList<>(List.of(MEMORY));
        all.addAll(List.of(args));
        return all.toArray(String[]::new);
    }

    private static HttpRequest.Builder post(String path, String body) {
        return HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aPathIsRoutedToTheServiceAndEndpointByGoMicrosRules() throws Exception {
        HttpResponse<String> hello = send(post("/greeter/hello", "{\"name\":\"John\"}"));
        assertThat(hello.statusCode()).as(hello.body()).isEqualTo(200);
        assertThat(hello.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(hello.body()).isEqualTo("{\"greeting\":\"Hello John\"}");

        // a GET's query is the request, as JSON
        HttpResponse<String> get = send(HttpRequest.newBuilder(base.resolve("/greeter/hello?name=Ann")).GET());
        assertThat(get.body()).isEqualTo("{\"greeting\":\"Hello Ann\"}");

        // -Dmicro.gateway.routes: the route table comes first
        HttpResponse<String> routed = send(post("/hi", "{\"name\":\"Route\"}"));
        assertThat(routed.body()).isEqualTo("{\"greeting\":\"Hello Route\"}");
    }

    @Test
    void errorsAreTheirStatusWithGoMicrosErrorJson() throws Exception {
        HttpResponse<String> invalid = send(post("/greeter/hello", "{}"));
        assertThat(invalid.statusCode()).isEqualTo(400);
        assertThat(invalid.body()).isEqualTo(
                "{\"id\":\"greeter.hello\",\"code\":400,\"detail\":\"name is required\",\"status\":\"Bad Request\"}");

        // no such service: the client's error, under its code
        HttpResponse<String> unknown = send(post("/nobody/hello", "{}"));
        assertThat(unknown.statusCode()).isEqualTo(503);
        assertThat(unknown.body()).contains("\"code\":503", "service nobody: not found");

        HttpResponse<String> put = send(HttpRequest.newBuilder(base.resolve("/greeter/hello"))
                .PUT(HttpRequest.BodyPublishers.ofString("{}")));
        assertThat(put.statusCode()).isEqualTo(405);
        assertThat(put.body()).contains("\"id\":\"go.micro.api\"");

        // -Dmicro.gateway.max-body-size=4096
        HttpResponse<String> large = send(post("/greeter/hello", "{\"name\":\"" + "x".repeat(5000) + "\"}"));
        assertThat(large.statusCode()).isEqualTo(413);
        assertThat(large.body()).contains("micro.gateway.max-body-size");
    }

    @Test
    void headersBecomeMetadataAndTimeoutTheDeadline() throws Exception {
        HttpResponse<String> echo = send(post("/legacy/echo/headers", "{\"n\":1}").header("X-Tenant", "acme")
                .header("Timeout", "2s"));
        assertThat(echo.statusCode()).as(echo.body()).isEqualTo(200);
        JsonNode headers = Output.JSON.readTree(echo.body()).get("headers");
        assertThat(headers.get("X-Tenant").asText()).isEqualTo("acme");
        assertThat(headers.get("Micro-Endpoint").asText()).isEqualTo("Echo.Headers");
        // the time left of the 2 s deadline, in nanoseconds, as the service receives it
        assertThat(headers.get("Timeout").asLong()).isBetween(1_000_000_000L, 2_000_000_000L);

        long t0 = System.nanoTime();
        HttpResponse<String> late = send(post("/legacy/slow/never", "{}").header("Timeout", "300ms"));
        assertThat(late.statusCode()).as(late.body()).isEqualTo(408);
        assertThat(late.body()).contains("\"code\":408");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(3));

        // longer than -Dmicro.gateway.max-timeout=3s: capped
        HttpResponse<String> capped = send(post("/legacy/echo/headers", "{}").header("Timeout", "1m"));
        assertThat(Output.JSON.readTree(capped.body()).get("headers").get("Timeout").asLong())
                .isBetween(2_000_000_000L, 3_000_000_000L);

        HttpResponse<String> bad = send(post("/greeter/hello", "{\"name\":\"x\"}").header("Timeout", "soon"));
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("Timeout: soon");
    }

    @Test
    void aStreamIsServerSentEvents() throws Exception {
        HttpResponse<String> r = send(post("/greeter/chat", "{\"name\":\"Ann\"}\n{\"name\":\"Bob\"}\n{\"name\":\"Cy\"}\n")
                .header("Accept", "text/event-stream"));

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("text/event-stream");
        assertThat(r.body()).isEqualTo("data: {\"greeting\":\"Hello Ann\"}\n\n"
                + "data: {\"greeting\":\"Hello Bob\"}\n\n"
                + "data: {\"greeting\":\"Hello Cy\"}\n\n"
                + "event: end\ndata: {}\n\n");

        // a message the service refuses: what came first, then the error as an event
        HttpResponse<String> failed = send(post("/greeter/chat", "{\"name\":\"Ann\"}\n{\"name\":\"\"}\n")
                .header("Accept", "text/event-stream"));
        assertThat(failed.body()).startsWith("data: {\"greeting\":\"Hello Ann\"}\n\nevent: error\n")
                .contains("\"code\":400");
    }

    @Test
    void corsAsConfigured() throws Exception {
        HttpResponse<String> preflight = send(HttpRequest.newBuilder(base.resolve("/greeter/hello"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).header("Origin", ORIGIN)
                .header("Access-Control-Request-Method", "POST"));
        assertThat(preflight.statusCode()).isEqualTo(204);
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).hasValue(ORIGIN);
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Headers").orElseThrow()).contains("Timeout");

        HttpResponse<String> allowed = send(post("/greeter/hello", "{\"name\":\"C\"}").header("Origin", ORIGIN));
        assertThat(allowed.headers().firstValue("Access-Control-Allow-Origin")).hasValue(ORIGIN);
        HttpResponse<String> other = send(post("/greeter/hello", "{\"name\":\"C\"}")
                .header("Origin", "https://evil.example"));
        assertThat(other.statusCode()).isEqualTo(200);
        assertThat(other.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    }

    @Test
    void theDashboardIsServedWithItsData() throws Exception {
        HttpResponse<String> redirect = send(HttpRequest.newBuilder(base.resolve("/_micro")).GET());
        assertThat(redirect.statusCode()).isEqualTo(303);
        assertThat(redirect.headers().firstValue("Location")).hasValue("/_micro/");

        HttpResponse<String> page = send(HttpRequest.newBuilder(base.resolve("/_micro/")).GET());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/html");
        assertThat(page.body()).contains("<title>MicroCDI dashboard</title>", "app.js");
        HttpResponse<String> script = send(HttpRequest.newBuilder(base.resolve("/_micro/app.js")).GET());
        assertThat(script.statusCode()).isEqualTo(200);
        assertThat(script.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/javascript");

        JsonNode services = Output.JSON.readTree(send(HttpRequest.newBuilder(base.resolve("/_micro/services")).GET())
                .body());
        assertThat(services).anySatisfy(s -> {
            assertThat(s.get("name").asText()).isEqualTo("greeter");
            assertThat(s.get("versions").get(0).get("endpoints").toString()).contains("Greeter.Hello");
        });
        JsonNode health = Output.JSON.readTree(send(HttpRequest.newBuilder(base.resolve("/_micro/health/greeter"))
                .GET()).body());
        assertThat(health.get(0).get("status").asText()).isEqualTo("ok");

        HttpResponse<String> call = send(post("/_micro/call/greeter/Greeter.Hello", "{\"name\":\"Form\"}"));
        assertThat(call.body()).isEqualTo("{\"greeting\":\"Hello Form\"}");
        assertThat(call.headers().firstValue("Server-Timing").orElseThrow()).startsWith("call;dur=");
    }

    @Test
    void theDashboardsEventsShowANodeComingAndGoing() throws Exception {
        HttpResponse<InputStream> events = HTTP.send(HttpRequest.newBuilder(base.resolve("/_micro/events"))
                .header("Accept", "text/event-stream").GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(events.statusCode()).isEqualTo(200);
        List<String> lines = new CopyOnWriteArrayList<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(events.body(), StandardCharsets.UTF_8))) {
                for (String l; (l = in.readLine()) != null; ) {
                    lines.add(l);
                }
            } catch (Exception ignored) {
                // closed at the end of the test
            }
        }, "dashboard events");
        reader.setDaemon(true);
        reader.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> lines.contains("event: open"));

        GoMicroNode extra = GoMicroNode.listen(transport, true);
        Service s = new Service("extra", "2.0.0", null, null, List.of(extra.node("extra-1")));
        try {
            registry.register(s, Duration.ofMinutes(1));
            await().atMost(Duration.ofSeconds(10)).until(() -> lines.stream()
                    .anyMatch(l -> l.startsWith("data: {\"action\":\"create\"") && l.contains("extra-1")));
            registry.deregister(s);
            await().atMost(Duration.ofSeconds(10)).until(() -> lines.stream()
                    .anyMatch(l -> l.startsWith("data: {\"action\":\"delete\"") && l.contains("extra")));
        } finally {
            extra.close();
            events.body().close();
        }
    }

    @Test
    void aBadGatewayKeyStopsTheStartNamingIt() {
        Cli.Run r = Cli.run(memory("api", "--address", "127.0.0.1:0", "-Dmicro.gateway.handler=grpc"));

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.errLines()).containsExactly("micro api: micro.gateway.handler=grpc (expected: one of rpc, api)");
    }

    @Test
    void anAddressInUseFailsNamingIt() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            String address = "127.0.0.1:" + taken.getLocalPort();
            Cli.Run r = Cli.run(memory("api", "--address", address));

            assertThat(r.exit()).isEqualTo(1);
            assertThat(r.err()).startsWith("micro api: " + address + ": ");
        }
        Cli.Run bad = Cli.run(memory("api", "--address", "localhost"));
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err()).contains("--address=localhost (expected: HOST:PORT");
    }
}
