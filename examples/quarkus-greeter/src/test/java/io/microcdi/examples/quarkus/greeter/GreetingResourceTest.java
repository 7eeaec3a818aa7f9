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

/** The REST endpoint answers through the {@code @MicroClient}, which calls the greeter over HTTP on loopback. */
@QuarkusTest
class GreetingResourceTest {

    @TestHTTPResource("/hello/John")
    URI hello;

    @Test
    void restEndpointGreetsThroughTheMicroClient() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(hello).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("Hello John");
    }
}
