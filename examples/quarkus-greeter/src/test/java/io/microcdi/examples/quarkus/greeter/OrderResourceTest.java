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

/**
 * Orders published through {@code POST /orders/{count}} reach {@link OrderInbox}'s {@code @Subscribe} method over the
 * HTTP broker (on the test profile's registry, in this JVM): publishing returns once the subscriber took each order.
 */
@QuarkusTest
class OrderResourceTest {

    @TestHTTPResource("/orders")
    URI orders;

    @Test
    void publishedOrdersReachTheSubscriber() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> published = http.send(HttpRequest.newBuilder(URI.create(orders + "/5?from=1"))
                .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(published.body()).isEqualTo("published=5");

        HttpResponse<String> received = http.send(HttpRequest.newBuilder(orders).timeout(Duration.ofSeconds(10))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(received.body()).isEqualTo("received=5 distinct=5");
    }
}
