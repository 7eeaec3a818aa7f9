package io.microcdi.telemetry.micrometer;

import io.microcdi.metadata.Metadata;
import io.microcdi.telemetry.Observation;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a Prometheus scrape of the meters shows: the names, labels and histogram buckets dashboards query (with
 * {@code histogram} off, a summary and no buckets).
 */
class PrometheusTextTest {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final MicrometerTelemetry telemetry = new MicrometerTelemetry(registry,
            new MicrometerTelemetryConfig(true, true, true));

    @AfterEach
    void close() {
        telemetry.close();
        registry.close();
    }

    @Test
    void everyMeterShowsInTheScrape() {
        Observation inFlight = telemetry.serverCall("mucp", "greeter", "Greeter.Hello", Metadata.empty());
        telemetry.serverCall("mucp", "greeter", "Greeter.Hello", Metadata.empty()).end(0, null);
        telemetry.serverCall("mucp", "greeter", "Greeter.Hello", Metadata.empty()).end(404, null);
        telemetry.clientCall("greeter", "Greeter.Hello").end(0, null);
        telemetry.clientAttempt("grpc", "greeter", "Greeter.Hello", "127.0.0.1:9090", 1, Metadata.empty());
        telemetry.retried("greeter", "Greeter.Hello", 503);
        telemetry.ejected("greeter");
        telemetry.publish("kafka", "events", Metadata.empty()).end(0, null);
        telemetry.deliver("kafka", "events", "audit", "Audit.onEvent", Metadata.empty()).end(500, null);
        AtomicInteger nodes = new AtomicInteger(3);
        telemetry.gauge("microcdi.selector.cache.nodes", "Nodes the selector's cache holds", Map.of("service",
                "greeter"), nodes, AtomicInteger::get);

        String text = registry.scrape();

        assertThat(text)
                .contains("# HELP microcdi_server_requests_seconds Unary calls served")
                .contains("# TYPE microcdi_server_requests_seconds histogram")
                .contains("microcdi_server_requests_seconds_count{code=\"200\",endpoint=\"Greeter.Hello\","
                        + "outcome=\"SUCCESS\",protocol=\"mucp\",service=\"greeter\"} 1")
                .contains("microcdi_server_requests_seconds_count{code=\"404\",endpoint=\"Greeter.Hello\","
                        + "outcome=\"CLIENT_ERROR\",protocol=\"mucp\",service=\"greeter\"} 1")
                .contains("microcdi_server_requests_seconds_bucket{code=\"200\",endpoint=\"Greeter.Hello\","
                        + "outcome=\"SUCCESS\",protocol=\"mucp\",service=\"greeter\",le=\"+Inf\"} 1")
                .contains("microcdi_server_requests_active{endpoint=\"Greeter.Hello\",protocol=\"mucp\","
                        + "service=\"greeter\"} 1")
                .contains("microcdi_client_requests_seconds_count{code=\"200\",endpoint=\"Greeter.Hello\","
                        + "outcome=\"SUCCESS\",service=\"greeter\"} 1")
                .contains("microcdi_client_requests_active{endpoint=\"Greeter.Hello\",service=\"greeter\"} 0")
                .contains("microcdi_client_attempts_total{address=\"127.0.0.1:9090\",endpoint=\"Greeter.Hello\","
                        + "service=\"greeter\"} 1")
                .contains("microcdi_client_retries_total{code=\"503\",endpoint=\"Greeter.Hello\","
                        + "service=\"greeter\"} 1")
                .contains("microcdi_selector_ejections_total{service=\"greeter\"} 1")
                .contains("microcdi_broker_publish_seconds_count{broker=\"kafka\",outcome=\"SUCCESS\","
                        + "topic=\"events\"} 1")
                .contains("microcdi_broker_deliver_seconds_count{broker=\"kafka\",code=\"500\","
                        + "outcome=\"SERVER_ERROR\",queue=\"audit\",subscriber=\"Audit.onEvent\",topic=\"events\"} 1")
                .contains("# HELP microcdi_selector_cache_nodes Nodes the selector's cache holds")
                .contains("microcdi_selector_cache_nodes{service=\"greeter\"} 3");
        // Micrometer's percentile histogram: its fixed buckets from 1 ms to 30 s for a timer
        long buckets = text.lines().filter(l -> l.startsWith("microcdi_server_requests_seconds_bucket{code=\"200\""))
                .count();
        assertThat(buckets).isGreaterThan(20);
        assertThat(text).contains("le=\"0.001\"", "le=\"30.0\"");
        inFlight.end(0, null);
    }

    @Test
    void withoutHistogramsNoBuckets() {
        PrometheusMeterRegistry plain = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        MicrometerTelemetry t = new MicrometerTelemetry(plain, new MicrometerTelemetryConfig(true, false, false));
        t.serverCall("mucp", "greeter", "Greeter.Hello", Metadata.empty()).end(0, null);
        t.clientAttempt("mucp", "greeter", "Greeter.Hello", "127.0.0.1:1", 1, Metadata.empty());
        String text = plain.scrape();
        assertThat(text).contains("# TYPE microcdi_server_requests_seconds summary")
                .doesNotContain("microcdi_server_requests_seconds_bucket")
                .contains("microcdi_client_attempts_total{endpoint=\"Greeter.Hello\",service=\"greeter\"} 1");
        t.close();
        plain.close();
    }
}
