package io.microcdi.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.microcdi.config.MicroConfig;
import io.microcdi.registry.Node;
import io.microcdi.registry.Service;
import io.microcdi.registry.memory.MemoryRegistry;
import io.microcdi.wrappers.BearerTokens;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link GatewayHttpServer} on loopback, over real HTTP, for what is answered before any call: bearer tokens (the
 * gateway, the dashboard's data and its event stream), preflights, the dashboard turned off. Calls themselves are
 * tested through {@code micro api} (the cli's {@code ApiCommandTest}) and on JAX-RS ({@code GatewayIT}).
 */
class GatewayHttpServerTest {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final MemoryRegistry registry = new MemoryRegistry();
    private GatewayHttpServer server;
    private URI base;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        registry.close();
    }

    private void start(Map<String, String> keys) {
        MicroConfig config = MicroConfig.of(keys);
        GatewayConfig gc = GatewayConfig.fromConfig(config);
        // no client: nothing here may get as far as a call
        Gateway gateway = new Gateway(gc, null, gc.auth() ? BearerTokens.fromConfig(config, "test") : null);
        server = GatewayHttpServer.start(new InetSocketAddress("127.0.0.1", 0), gateway, registry,
                new NodeHealth(registry, null, config, null, null));
        base = URI.create("http://127.0.0.1:" + server.address().getPort());
    }

    private HttpResponse<String> get(String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void tokensGuardTheGatewayAndTheDashboardsData() throws Exception {
        start(Map.of(GatewayConfig.AUTH, "true", "micro.auth.tokens", "s3cret"));

        HttpResponse<String> call = HTTP.send(HttpRequest.newBuilder(base.resolve("/greeter/hello"))
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(call.statusCode()).isEqualTo(401);
        assertThat(call.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
        assertThat(call.body()).contains("\"id\":\"go.micro.api\"", "missing or invalid bearer token");

        assertThat(get("/_micro/services").statusCode()).isEqualTo(401);
        registry.register(new Service("greeter", "latest", null, null,
                List.of(new Node("greeter-1", "127.0.0.1:1", Map.of()))), Duration.ofMinutes(1));
        HttpResponse<String> services = get("/_micro/services", "Authorization", "Bearer s3cret");
        assertThat(services.statusCode()).isEqualTo(200);
        assertThat(services.body()).startsWith("[{\"name\":\"greeter\",\"versions\":[");
        // the page itself holds no data: served without a token, it asks for one
        assertThat(get("/_micro/").statusCode()).isEqualTo(200);

        assertThat(get("/_micro/events").body()).isEqualTo("event: error\ndata: {\"code\":401}\n\n");
        assertThat(firstEvent("/_micro/events?access_token=s3cret")).isEqualTo("event: open");
    }

    @Test
    void aPreflightIsAnsweredByTheGateway() throws Exception {
        start(Map.of(GatewayConfig.CORS_ORIGINS, "https://app.example"));

        HttpResponse<String> allowed = HTTP.send(HttpRequest.newBuilder(base.resolve("/greeter/hello"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).header("Origin", "https://app.example")
                .header("Access-Control-Request-Method", "POST").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(allowed.statusCode()).isEqualTo(204);
        assertThat(allowed.headers().firstValue("Access-Control-Allow-Origin")).hasValue("https://app.example");
        assertThat(allowed.headers().firstValue("Access-Control-Allow-Methods").orElseThrow()).contains("POST");
        assertThat(allowed.body()).isEmpty();

        HttpResponse<String> other = HTTP.send(HttpRequest.newBuilder(base.resolve("/greeter/hello"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).header("Origin", "https://evil.example")
                .header("Access-Control-Request-Method", "POST").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(other.statusCode()).isEqualTo(204);
        assertThat(other.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    }

    @Test
    void theDashboardCanBeOff() throws Exception {
        start(Map.of(GatewayConfig.DASHBOARD, "false"));

        for (String path : List.of("/_micro", "/_micro/", "/_micro/app.js", "/_micro/services")) {
            HttpResponse<String> r = get(path);
            assertThat(r.statusCode()).as(path).isEqualTo(404);
            assertThat(r.body()).as(path).contains("micro.gateway.dashboard=false");
        }
    }

    @Test
    void headerNamesReachTheServiceInTheirCanonicalForm() {
        // the JDK's server hands over "X-request-id"; Go's gateway would pass on "X-Request-Id"
        assertThat(GatewayHttpServer.canonical("x-request-id")).isEqualTo("X-Request-Id");
        assertThat(GatewayHttpServer.canonical("X-request-ID")).isEqualTo("X-Request-Id");
        assertThat(GatewayHttpServer.canonical("timeout")).isEqualTo("Timeout");
    }

    /** The first line the event stream at {@code path} sends. */
    private String firstEvent(String path) throws Exception {
        HttpResponse<InputStream> r = HTTP.send(HttpRequest.newBuilder(base.resolve(path)).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(r.headers().firstValue("Content-Type")).hasValue("text/event-stream");
        try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            return in.readLine();
        }
    }
}
