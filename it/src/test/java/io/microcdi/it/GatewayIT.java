package io.microcdi.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.microcdi.testing.Engines;
import io.microcdi.testing.FreePorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The API gateway ({@code examples/gateway}, Quarkus REST, packaged: {@code quarkus-app/quarkus-run.jar}) in front of
 * real greeter processes and the wrappers example's {@code backend}, over mDNS on loopback, called with plain HTTP;
 * then its dashboard in a real headless Chromium driven by Selenium: the greeter listed with a healthy node,
 * {@code Greeter.Hello} called from the form, a second greeter's node appearing and disappearing as it starts and
 * stops. The last screenshot is {@code target/it-logs/gateway-dashboard.png}.
 *
 * <p>Every node of this run carries {@code it.run=<run>}, and the gateway calls only those
 * ({@code micro.client.<service>.labels}): a greeter of another test on the same loopback is never called.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GatewayIT {

    private static final Duration START = Duration.ofSeconds(90);
    private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    private static final Path LOGS = Path.of(System.getProperty("basedir", "."), "target", "it-logs");
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @RegisterExtension
    static final Processes SERVERS = Processes.perClass();

    @RegisterExtension
    final Processes processes = Processes.perTest();

    private static GreeterProcess greeter;
    private static GreeterProcess backend;
    private static GreeterProcess gateway;
    private static URI base;

    @BeforeAll
    static void startGreeterBackendAndGateway() {
        int port = FreePorts.one();
        base = URI.create("http://127.0.0.1:" + port);
        long t0 = System.nanoTime();
        greeter = SERVERS.start(GreeterProcess.server("gw-greeter")
                .property("micro.server.metadata", "it.run=" + RUN));
        backend = SERVERS.start(GreeterProcess.server("gw-backend").jar(GreeterProcess.wrappersJar())
                .property("example.role", "backend")
                .property("example.token", RUN)
                .property("micro.server.metadata", "it.run=" + RUN));
        gateway = SERVERS.start(GreeterProcess.server("gateway").jar(gatewayJar()).heap("256m")
                .property("quarkus.http.port", Integer.toString(port))
                .property("micro.client.greeter.labels", "it.run=" + RUN)
                .property("micro.client.backend.labels", "it.run=" + RUN)
                .property("micro.gateway.routes", "/hi=greeter:Greeter.Hello")
                .property("micro.gateway.max-body-size", "4k")
                .property("micro.gateway.max-timeout", "3s")
                .property("micro.gateway.rate-limit", "50")
                .property("micro.gateway.cors.allowed-origins", "http://app.example"));
        greeter.awaitServing(START);
        await("the gateway answers through to the greeter").atMost(START).pollInterval(Duration.ofMillis(100))
                .ignoreExceptionsInstanceOf(UncheckedIOException.class)
                .until(() -> alive(gateway) && post("/greeter/hello", "{\"name\":\"x\"}").statusCode() == 200);
        report("greeter, backend and gateway started; first call through the gateway after %d ms",
                (System.nanoTime() - t0) / 1_000_000);
    }

    @AfterAll
    static void stop() {
        SERVERS.closeAll();
    }

    @Test
    @Order(1)
    void pathsRouteAsGoMicrosGatewayRoutesThem() {
        HttpResponse<String> r = post("/greeter/hello", "{\"name\":\"John\"}");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("{\"greeting\":\"Hello John\"}");
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t)
                .startsWith("application/json"));
        // a GET's query is the request, as JSON
        assertThat(get("/greeter/hello?name=Ann").body()).isEqualTo("{\"greeting\":\"Hello Ann\"}");
        // the route table
        assertThat(post("/hi", "{\"name\":\"Bo\"}").body()).isEqualTo("{\"greeting\":\"Hello Bo\"}");
        // Go Micro's path rule: two segments are Service.Method of the first, dashes in title case
        HttpResponse<String> unknown = post("/greeter/say-hello", "{}");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).contains("Greeter.SayHello");
    }

    @Test
    @Order(2)
    void errorsAreTheirStatusWithGoMicrosJson() {
        HttpResponse<String> bad = post("/greeter/hello", "{}");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).isEqualTo(
                "{\"id\":\"greeter.hello\",\"code\":400,\"detail\":\"name is required\",\"status\":\"Bad Request\"}");
        HttpResponse<String> none = post("/nosuch-" + RUN + "/hello", "{}");
        assertThat(none.statusCode()).isEqualTo(503);
        assertThat(none.body()).contains("\"code\":503").contains("not found");
        HttpResponse<String> put = send(HttpRequest.newBuilder(base.resolve("/greeter/hello"))
                .PUT(HttpRequest.BodyPublishers.ofString("{}")).build());
        assertThat(put.statusCode()).isEqualTo(405);
        assertThat(put.body()).contains("\"id\":\"go.micro.api\"");
        HttpResponse<String> root = post("/", "{}");
        assertThat(root.statusCode()).isEqualTo(404);
    }

    /**
     * Headers become the call's metadata and {@code Timeout} its deadline, as the backend sees them: it needs the
     * bearer token (a header passed on), answers the request id (another) and the time left of the deadline.
     */
    @Test
    @Order(3)
    void headersAndTheDeadlineReachTheService() {
        HttpResponse<String> denied = post("/backend/inspect", "{}");
        assertThat(denied.statusCode()).isEqualTo(401);
        HttpResponse<String> seen = send(json("/backend/inspect", "{}").header("Authorization", "Bearer " + RUN)
                .header("X-Request-Id", "r-" + RUN).header("Timeout", "2s").build());
        assertThat(seen.statusCode()).isEqualTo(200);
        assertThat(seen.body()).contains("\"requestId\":\"r-" + RUN + "\"");
        long remaining = Long.parseLong(field(seen.body(), "remainingMs"));
        assertThat(remaining).isBetween(1_000L, 2_000L);
        // Go Micro's form (nanoseconds), capped by micro.gateway.max-timeout=3s
        HttpResponse<String> capped = send(json("/backend/inspect", "{}").header("Authorization", "Bearer " + RUN)
                .header("Timeout", Long.toString(Duration.ofMinutes(5).toNanos())).build());
        assertThat(Long.parseLong(field(capped.body(), "remainingMs"))).isBetween(2_000L, 3_000L);
        // a deadline no call can meet
        HttpResponse<String> late = send(json("/greeter/hello", "{\"name\":\"x\"}").header("Timeout", "1000")
                .build());
        assertThat(late.statusCode()).isEqualTo(408);
        assertThat(late.body()).contains("\"code\":408");
        HttpResponse<String> badTimeout = send(json("/greeter/hello", "{\"name\":\"x\"}").header("Timeout", "soon")
                .build());
        assertThat(badTimeout.statusCode()).isEqualTo(400);
        assertThat(badTimeout.body()).contains("Timeout: soon");
    }

    @Test
    @Order(4)
    void aStreamIsServerSentEvents() {
        StringBuilder names = new StringBuilder();
        for (int i = 0; i < 50; i++) {
            names.append("{\"name\":\"n").append(i).append("\"}\n");
        }
        HttpResponse<String> r = send(json("/greeter/chat", names.toString()).header("Accept", "text/event-stream")
                .build());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t)
                .startsWith("text/event-stream"));
        List<String> data = new ArrayList<>();
        Matcher m = Pattern.compile("(?m)^data: (.*)$").matcher(r.body());
        while (m.find()) {
            data.add(m.group(1));
        }
        assertThat(data).hasSize(51);
        for (int i = 0; i < 50; i++) {
            assertThat(data.get(i)).isEqualTo("{\"greeting\":\"Hello n" + i + "\"}");
        }
        assertThat(r.body()).endsWith("event: end\ndata: {}\n\n");
        // an error before any message: its status, not a stream
        HttpResponse<String> none = send(json("/nosuch-" + RUN + "/chat", "{}").header("Accept", "text/event-stream")
                .build());
        assertThat(none.statusCode()).isEqualTo(503);
        // an error within the stream: an error event
        HttpResponse<String> failing = send(json("/greeter/chat", "{\"name\":\"a\"}\n{}\n").header("Accept",
                "text/event-stream").build());
        assertThat(failing.body()).contains("data: {\"greeting\":\"Hello a\"}").contains("event: error\ndata: {\"id\":"
                + "\"greeter.hello\",\"code\":400");
    }

    @Test
    @Order(5)
    void corsAndTheBodyLimit() {
        HttpResponse<String> preflight = send(HttpRequest.newBuilder(base.resolve("/greeter/hello"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).header("Origin", "http://app.example")
                .header("Access-Control-Request-Method", "POST").build());
        assertThat(preflight.statusCode()).isEqualTo(204);
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).contains("http://app.example");
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Headers").orElseThrow()).contains("Timeout");
        HttpResponse<String> allowed = send(json("/greeter/hello", "{\"name\":\"c\"}")
                .header("Origin", "http://app.example").build());
        assertThat(allowed.headers().firstValue("Access-Control-Allow-Origin")).contains("http://app.example");
        HttpResponse<String> other = send(json("/greeter/hello", "{\"name\":\"c\"}")
                .header("Origin", "http://evil.example").build());
        assertThat(other.statusCode()).isEqualTo(200);
        assertThat(other.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
        String big = "{\"name\":\"" + "x".repeat(5000) + "\"}";
        HttpResponse<String> tooLarge = post("/greeter/hello", big);
        assertThat(tooLarge.statusCode()).isEqualTo(413);
        assertThat(tooLarge.body()).contains("micro.gateway.max-body-size");
    }

    /**
     * The dashboard in headless Chromium: the greeter listed with its healthy node, {@code Greeter.Hello} called from
     * the form, a second greeter's node shown while it runs and gone once it stopped.
     */
    @Test
    @Order(6)
    void theDashboardInARealBrowser() throws IOException {
        Path chromium = Path.of("/usr/bin/chromium");
        Path driverBinary = Path.of("/usr/bin/chromedriver");
        Engines.assumeInstalled("chromium", "chromium", Files.isExecutable(chromium), Engines.required());
        Engines.assumeInstalled("chromedriver", "chromium-driver", Files.isExecutable(driverBinary),
                Engines.required());
        Path profile = Files.createTempDirectory("gateway-it-chromium");
        ChromeOptions options = new ChromeOptions().setBinary(chromium.toFile()).addArguments("--headless",
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", "--window-size=1400,1000",
                "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(driverBinary.toFile())
                .usingAnyFreePort().build();
        long t0 = System.nanoTime();
        WebDriver browser = new ChromeDriver(service, options);
        try {
            report("chromium started in %d ms", (System.nanoTime() - t0) / 1_000_000);
            browser.get(base.resolve("/_micro").toString());
            assertThat(browser.getCurrentUrl()).endsWith("/_micro/");
            By greeterNode = node("greeter", greeter.address());
            await("the greeter's node listed, healthy").atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> browser.findElements(greeterNode).stream()
                            .anyMatch(e -> e.findElement(By.className("health")).getText().equals("ok")));
            assertThat(browser.findElement(By.cssSelector(".service[data-service='greeter'] "
                    + "tr[data-endpoint='Greeter.Hello']")).getText()).contains("{name: string}");
            await("the registry feed connected").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                    .until(() -> browser.findElement(By.id("registry-status")).getText().equals("live"));

            // call Greeter.Hello from the form
            WebElement serviceField = browser.findElement(By.id("call-service"));
            serviceField.clear();
            serviceField.sendKeys("greeter");
            By hello = By.cssSelector("#call-endpoint option[value='Greeter.Hello']");
            await("the endpoints offered").atMost(Duration.ofSeconds(10))
                    .until(() -> !browser.findElements(hello).isEmpty());
            browser.findElement(hello).click();
            WebElement body = browser.findElement(By.id("call-body"));
            body.clear();
            body.sendKeys("{\"name\":\"John\"}");
            browser.findElement(By.id("call-submit")).click();
            await("the reply shown").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                    .until(() -> browser.findElement(By.id("call-reply")).getText().contains("Hello John"));
            String time = browser.findElement(By.id("call-time")).getText();
            assertThat(time).matches("200 in [0-9.]+ ms \\(call [0-9.]+ ms in the gateway\\)");
            report("form call: %s", time);

            // a second greeter: its node appears, then goes when it stops
            GreeterProcess second = processes.start(GreeterProcess.server("gw-greeter-2")
                    .property("micro.server.metadata", "it.run=" + RUN));
            String address = second.awaitServing(START);
            long started = System.nanoTime();
            await("the second greeter's node shown").atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> !browser.findElements(node("greeter", address)).isEmpty());
            report("second greeter's node on the page %d ms after it served",
                    (System.nanoTime() - started) / 1_000_000);
            await("its create event listed").atMost(Duration.ofSeconds(10))
                    .until(() -> browser.findElement(By.id("events")).getText().contains(address));
            await("both nodes healthy").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                    .until(() -> browser.findElements(By.cssSelector(".service[data-service='greeter'] .health-ok"))
                            .size() >= 2);
            Files.createDirectories(LOGS);
            byte[] png = ((ChromeDriver) browser).getScreenshotAs(OutputType.BYTES);
            Files.write(LOGS.resolve("gateway-dashboard.png"), png);
            second.sigterm();
            second.awaitExit(Duration.ofSeconds(30));
            long stopped = System.nanoTime();
            await("the second greeter's node gone").atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> browser.findElements(node("greeter", address)).isEmpty());
            report("second greeter's node off the page %d ms after its process exited",
                    (System.nanoTime() - stopped) / 1_000_000);
            assertThat(browser.findElements(greeterNode)).isNotEmpty();
            assertThat(browser.findElement(By.id("events")).getText()).contains("delete greeter");
        } finally {
            browser.quit();
        }
    }

    /** Last: the rate limit (50/s, bursts of 50) turns a flood away with 429 and lets the rest through. */
    @Test
    @Order(7)
    void aFloodIsTurnedAwayByTheRateLimit() {
        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            calls.add(HTTP.sendAsync(json("/greeter/hello", "{\"name\":\"f\"}").build(),
                    HttpResponse.BodyHandlers.ofString(UTF_8)));
        }
        int ok = 0;
        int limited = 0;
        for (CompletableFuture<HttpResponse<String>> c : calls) {
            HttpResponse<String> r = c.join();
            if (r.statusCode() == 200) {
                ok++;
            } else {
                assertThat(r.statusCode()).isEqualTo(429);
                assertThat(r.headers().firstValue("Retry-After")).contains("1");
                assertThat(r.body()).contains("rate limit of 50 calls/s");
                limited++;
            }
        }
        report("200 calls at once: %d through, %d turned away with 429", ok, limited);
        assertThat(ok).isGreaterThanOrEqualTo(50);
        assertThat(limited).isGreaterThan(0);
    }

    // ---- helpers ----

    private static By node(String service, String address) {
        return By.cssSelector(".service[data-service='" + service + "'] .node[data-address='" + address + "']");
    }

    private static Path gatewayJar() {
        Path jar = Path.of(System.getProperty("gateway.jar",
                "../examples/gateway/target/quarkus-app/quarkus-run.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar.toAbsolutePath() + " is missing: build examples/gateway first");
        }
        return jar;
    }

    private static String field(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\":(-?[0-9]+)").matcher(json);
        assertThat(m.find()).as(json).isTrue();
        return m.group(1);
    }

    private static HttpRequest.Builder json(String path, String body) {
        return HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
    }

    private static HttpResponse<String> post(String path, String body) {
        return send(json(path, body).build());
    }

    private static HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30)).GET().build());
    }

    private static HttpResponse<String> send(HttpRequest request) {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString(UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static boolean alive(GreeterProcess p) {
        if (!p.process().isAlive()) {
            throw new AssertionError(p + " exited\n" + p.diagnostics());
        }
        return true;
    }

    private static void report(String format, Object... args) {
        System.out.println("[GatewayIT] " + String.format(format, args));
    }
}
