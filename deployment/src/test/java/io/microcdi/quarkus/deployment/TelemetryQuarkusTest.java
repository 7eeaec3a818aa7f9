package io.microcdi.quarkus.deployment;

import io.micrometer.core.instrument.MeterRegistry;
import io.microcdi.telemetry.Telemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.builder.Version;
import io.quarkus.maven.dependency.Dependency;
import io.quarkus.test.QuarkusUnitTest;
import io.quarkus.test.common.http.TestHTTPResource;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * MicroCDI's telemetry under Quarkus' own Micrometer ({@code quarkus-micrometer-registry-prometheus}) and
 * OpenTelemetry ({@code quarkus-opentelemetry}) extensions, JVM mode: the meters of calls served and made are in the
 * registry Quarkus scrapes at {@code /q/metrics}, and the spans go through the SDK Quarkus configures (its exporter
 * here is an in-memory one, picked up as a CDI bean), in one trace with the HTTP request Quarkus traced when a route
 * makes the call.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TelemetryQuarkusTest {

    private static final int CALLS = 3;
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(WAIT).build();

    @RegisterExtension
    static final QuarkusUnitTest APP = new QuarkusUnitTest()
            // this test's alone: the module's other Quarkus tests run without them
            .setForcedDependencies(List.of(
                    Dependency.of("io.quarkus", "quarkus-micrometer-registry-prometheus", Version.getVersion()),
                    Dependency.of("io.quarkus", "quarkus-opentelemetry", Version.getVersion())))
            .withApplicationRoot(jar -> jar.addClasses(Greeter.class, GreeterApi.class, GreeterCaller.class,
                    HelloRequest.class, HelloReply.class, Spans.class, HelloRoute.class))
            .overrideConfigKey("micro.registry", "memory")
            .overrideConfigKey("micro.server.address", "127.0.0.1:0")
            .overrideConfigKey("micro.server.shutdown-grace", "0")
            .overrideConfigKey("quarkus.http.host", "127.0.0.1")
            .overrideConfigKey("quarkus.http.test-port", "0")
            // Quarkus batches the spans for its exporter beans: a short batch delay, not the default 5 s
            .overrideConfigKey("quarkus.otel.bsp.schedule.delay", "20ms")
            .overrideConfigKey("quarkus.otel.exporter.otlp.enabled", "false");

    @Inject
    GreeterCaller caller;

    @Inject
    InMemorySpanExporter spans;

    @Inject
    BeanManager beans;

    @Inject
    Telemetry telemetry;

    @Inject
    OpenTelemetry otel;

    @TestHTTPResource("/q/metrics")
    URI metrics;

    @TestHTTPResource("/hello/Ann")
    URI hello;

    /** Before the route's call, so that the counts are this test's calls alone. */
    @Test
    @Order(1)
    void callsAreMeteredInTheRegistryQuarkusScrapes() {
        for (int i = 0; i < CALLS; i++) {
            assertThat(caller.greet("Jane")).isEqualTo("Hello Jane");
        }

        // the server's timer stops once its answer is written, maybe after the client has it
        await().atMost(WAIT).untilAsserted(() -> assertThat(scrape())
                .containsPattern(sample("microcdi_server_requests_seconds_count", CALLS))
                .containsPattern(sample("microcdi_client_requests_seconds_count", CALLS)));
        // the lookup the producer makes; Quarkus' MeterRegistry bean is Metrics.globalRegistry, the composite its
        // Prometheus registry joins, so the provider's fallback would be the same registry here
        Instance<MeterRegistry> registry = beans.createInstance().select(MeterRegistry.class);
        assertThat(registry.isResolvable()).isTrue();
        assertThat(registry.get().get("microcdi.server.requests").tag("endpoint", "Greeter.Hello").timer().count())
                .isEqualTo(CALLS);
    }

    /**
     * A call made under a current span: MicroCDI's client span is its child and the server span the client span's.
     * The otel provider finds Quarkus' OpenTelemetry bean by the lookup the producer makes (Quarkus also makes its
     * SDK the global one, so the fallback would reach the same exporter).
     */
    @Test
    @Order(2)
    void aCallIsAClientSpanWithTheServerSpanAsItsChild() {
        assertThat(beans.createInstance().select(OpenTelemetry.class).isResolvable()).isTrue();
        assertThat(telemetry.traces()).isTrue();

        Span outer = otel.getTracer("test").spanBuilder("outer").startSpan();
        try (Scope ignored = outer.makeCurrent()) {
            assertThat(caller.greet("Jane")).isEqualTo("Hello Jane");
        } finally {
            outer.end();
        }

        List<SpanData> trace = trace(outer.getSpanContext().getTraceId(), 3);
        SpanData client = only(trace, SpanKind.CLIENT);
        SpanData server = only(trace, SpanKind.SERVER);
        assertThat(client.getName()).isEqualTo("greeter.Greeter/Hello");
        assertThat(server.getName()).isEqualTo("greeter.Greeter/Hello");
        assertThat(client.getParentSpanId()).isEqualTo(outer.getSpanContext().getSpanId());
        assertThat(server.getParentSpanId()).isEqualTo(client.getSpanId());
        assertThat(server.getParentSpanContext().isRemote()).isTrue();
    }

    /** A Vert.x route, traced by Quarkus, calls the greeter: MicroCDI's client span is a child of Quarkus' span. */
    @Test
    @Order(3)
    void aCallFromATracedRequestJoinsItsTrace() throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(hello).timeout(WAIT).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("Hello Ann");

        SpanData http = await().atMost(WAIT).until(() -> spans.getFinishedSpanItems().stream()
                .filter(s -> s.getName().equals("GET /hello/:name")).toList(), l -> l.size() == 1).get(0);
        assertThat(http.getKind()).isEqualTo(SpanKind.SERVER);
        assertThat(http.getInstrumentationScopeInfo().getName()).isEqualTo("io.quarkus.opentelemetry");
        List<SpanData> micro = trace(http.getTraceId(), 3).stream()
                .filter(s -> s.getInstrumentationScopeInfo().getName().equals("io.microcdi")).toList();
        SpanData client = only(micro, SpanKind.CLIENT);
        SpanData server = only(micro, SpanKind.SERVER);
        assertThat(client.getParentSpanId()).isEqualTo(http.getSpanId());
        assertThat(server.getParentSpanId()).isEqualTo(client.getSpanId());
    }

    private String scrape() throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(metrics).timeout(WAIT).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }

    /** One Prometheus sample of {@code Greeter.Hello} with the value {@code n}. */
    private static Pattern sample(String name, int n) {
        return Pattern.compile("(?m)^" + name + "\\{[^}]*endpoint=\"Greeter\\.Hello\"[^}]*} " + n + "(\\.0)?$");
    }

    /** The {@code n} spans of a trace, once all are exported. */
    private List<SpanData> trace(String traceId, int n) {
        return await().atMost(WAIT).until(() -> spans.getFinishedSpanItems().stream()
                .filter(s -> s.getTraceId().equals(traceId)).toList(), l -> l.size() == n);
    }

    private static SpanData only(List<SpanData> spans, SpanKind kind) {
        List<SpanData> of = spans.stream().filter(s -> s.getKind() == kind).toList();
        assertThat(of).as("%s spans in %s", kind, spans).hasSize(1);
        return of.get(0);
    }

    /** Quarkus exports to every {@code SpanExporter} bean: this one keeps the spans for the test. */
    @ApplicationScoped
    static class Spans {

        @Produces
        @Singleton
        InMemorySpanExporter exporter() {
            return InMemorySpanExporter.create();
        }
    }

    /** {@code GET /hello/{name}} on Quarkus' HTTP server, calling the greeter off the event loop. */
    @ApplicationScoped
    static class HelloRoute {

        @Inject
        GreeterCaller caller;

        void route(@Observes Router router) {
            router.get("/hello/:name").blockingHandler(rc -> rc.response().end(caller.greet(rc.pathParam("name"))));
        }
    }
}
