package io.microcdi.cdi.health;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.microcdi.cdi.MicroLifecycle;
import io.microcdi.cdi.MicroProducers;
import io.microcdi.cdi.app.Echo;
import jakarta.enterprise.inject.se.SeContainer;
import org.eclipse.microprofile.config.spi.ConfigProviderResolver;
import org.jboss.weld.environment.se.Weld;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A served {@code @Service} answers Go Micro's {@code Debug.Health} and {@code Debug.Stats} over the real HTTP
 * transport, as curl would ask: the counts follow the calls and their errors.
 */
class DebugHttpCdiTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private SeContainer container;
    private String address;

    @BeforeEach
    void boot() {
        System.setProperty("micro.registry", "memory");
        ConfigProviderResolver resolver = ConfigProviderResolver.instance();
        resolver.releaseConfig(resolver.getConfig());
        container = new Weld().disableDiscovery()
                .property(Weld.SHUTDOWN_HOOK_SYSTEM_PROPERTY, false)
                .addBeanClasses(MicroProducers.class, MicroLifecycle.class, Echo.class)
                .initialize();
        address = container.select(MicroLifecycle.class).get().server().address();
    }

    @AfterEach
    void close() {
        if (container != null && container.isRunning()) {
            container.close();
        }
        System.clearProperty("micro.registry");
    }

    /** {@code curl -H 'Content-Type: application/json' -H 'Micro-Service: ..' -H 'Micro-Endpoint: ..' -d body}. */
    private HttpResponse<String> post(String service, String endpoint, String body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + address + "/"))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .header("Micro-Service", service)
                .header("Micro-Endpoint", endpoint)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void healthAnswersOk() throws Exception {
        HttpResponse<String> r = post("echo", "Debug.Health", "{}");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Micro-Error")).isEmpty();
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(r.body()).isEqualTo("{\"status\":\"ok\"}");
        // Go Micro's monitor names the service it checks; any name is answered
        assertThat(post("go.micro.srv.other", "Debug.Health", "").body()).isEqualTo("{\"status\":\"ok\"}");
    }

    @Test
    void statsCountRequestsAndErrors() throws Exception {
        JsonNode before = JSON.readTree(post("echo", "Debug.Stats", "{}").body());

        for (int i = 0; i < 5; i++) {
            assertThat(post("echo", "Echo.Say", "{\"text\":\"x\"}").body()).isEqualTo("{\"text\":\"echo: x\"}");
        }
        assertThat(post("echo", "Echo.Crash", "{\"text\":\"x\"}").headers().firstValue("Micro-Error")).isPresent();
        assertThat(post("echo", "Echo.Nope", "{}").headers().firstValue("Micro-Error")).isPresent();
        JsonNode after = JSON.readTree(post("echo", "Debug.Stats", "{}").body());

        assertThat(before.get("started").asLong()).isPositive().isEqualTo(after.get("started").asLong());
        assertThat(after.get("uptime").asLong()).isGreaterThanOrEqualTo(before.get("uptime").asLong());
        assertThat(after.get("memory").asLong()).isPositive();
        assertThat(after.get("threads").asLong()).isPositive();
        assertThat(after.get("gc").asLong()).isGreaterThanOrEqualTo(0);
        // 5 good calls, 2 failed ones and this Debug.Stats
        assertThat(after.get("requests").asLong() - before.get("requests").asLong()).isEqualTo(8);
        assertThat(after.get("errors").asLong() - before.get("errors").asLong()).isEqualTo(2);
    }

    @Test
    void debugIsNotInTheRegistry() {
        var registry = container.select(io.microcdi.registry.Registry.class).get();
        assertThat(registry.getService("echo").get(0).endpoints()).extracting(e -> e.name())
                .noneMatch(n -> n.startsWith("Debug."));
    }
}
