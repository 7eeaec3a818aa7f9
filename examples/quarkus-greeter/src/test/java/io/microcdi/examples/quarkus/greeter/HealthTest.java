package io.microcdi.examples.quarkus.greeter;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** With SmallRye Health in the application, MicroCDI's readiness and liveness checks answer under /q/health. */
@QuarkusTest
class HealthTest {

    @TestHTTPResource("/q/health/ready")
    URI ready;

    @TestHTTPResource("/q/health/live")
    URI live;

    @Test
    void readyOnceServedRegisteredAndTheBrokerConnected() throws Exception {
        HttpResponse<String> response = get(ready);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("\"name\": \"microcdi\"").contains("\"status\": \"UP\"")
                .contains("\"services\": \"greeter\"").contains("\"registered\": true")
                // OrderInbox subscribes through the HTTP broker, which is connected from the start on
                .contains("\"broker\": \"http\"").contains("\"connected\": true");
    }

    @Test
    void live() throws Exception {
        HttpResponse<String> response = get(live);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("\"name\": \"microcdi\"").contains("\"status\": \"UP\"");
    }

    private static HttpResponse<String> get(URI uri) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET()
                .build(), HttpResponse.BodyHandlers.ofString());
    }
}
