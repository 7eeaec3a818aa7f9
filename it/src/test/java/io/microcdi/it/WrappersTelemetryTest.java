package io.microcdi.it;

import io.microcdi.cdi.MicroLifecycle;
import io.microcdi.cdi.MicroProducers;
import io.microcdi.errors.MicroException;
import io.microcdi.examples.wrappers.AccessLogInterceptor;
import io.microcdi.examples.wrappers.AuthInterceptor;
import io.microcdi.examples.wrappers.Backend;
import io.microcdi.examples.wrappers.CallReport;
import io.microcdi.examples.wrappers.Caller;
import io.microcdi.examples.wrappers.Frontend;
import io.microcdi.examples.wrappers.RequestIdWrapper;
import io.microcdi.telemetry.Telemetry;
import io.microcdi.wrappers.TraceContextInterceptor;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.smallrye.config.inject.ConfigExtension;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.enterprise.inject.se.SeContainer;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.spi.ConfigProviderResolver;
import org.jboss.weld.environment.se.Weld;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.logging.Level;
import java.util.logging.Logger;

import static io.opentelemetry.api.common.AttributeKey.longKey;
import static io.opentelemetry.api.common.AttributeKey.stringKey;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The three hops of {@code examples/wrappers} (client -> frontend -> backend) in this JVM on Weld SE, with
 * microcdi-telemetry-otel and microcdi-telemetry-micrometer on the class path and the application's OpenTelemetry SDK
 * (spans exported to memory as each ends, W3C propagation) and Prometheus registry as beans: the trace the call
 * leaves, the Prometheus text of the endpoint timers after load, and what a refused call records.
 *
 * <p>One process serves both services ({@code example.role} unset), as {@code java -jar wrappers.jar} does, over the
 * real HTTP transport on a free loopback port, found through the {@code memory} registry; the client calls through
 * the example's {@link Caller}, whose {@code FrontendApi} names the built-in {@code TraceContextWrapper} and whose
 * services carry {@code @TraceContext}: with OpenTelemetry tracing, both must step aside.
 */
class WrappersTelemetryTest {

    private static final String FRONTEND = "frontend.Frontend/Relay";
    private static final String BACKEND = "backend.Backend/Inspect";
    /** The load of {@link #thePrometheusTextAfterLoad}: this many calls, or as many as this time allows. */
    private static final int LOAD_CALLS = 2_000;
    private static final Duration LOAD_TIME = Duration.ofSeconds(10);
    private static final int LOAD_THREADS = 4;

    private final Map<String, String> properties = new HashMap<>();
    private SeContainer container;

    @AfterEach
    void close() {
        if (container != null && container.isRunning()) {
            container.close();
        }
        properties.keySet().forEach(System::clearProperty);
        ConfigProviderResolver resolver = ConfigProviderResolver.instance();
        resolver.releaseConfig(resolver.getConfig());
    }

    /**
     * One trace through the three hops: the caller's attempt, the frontend's call served, its attempt to the backend
     * and the backend's call served, each the parent of the next, with the names and attributes of the RPC
     * conventions; the {@code traceparent} the caller sent and those the handlers send on name these spans, and the
     * parent each server span took from its request is the caller's span: no span id on the wire that no exporter
     * knows (which the built-in trace wrappers would put there).
     */
    @Test
    void oneTraceThroughTheThreeHops() {
        start(Map.of());

        CallReport report = bean(Caller.class).call();

        List<SpanData> spans = awaitSpans(4);
        System.out.println("[WrappersTelemetryTest] the trace of `wrappers.jar call`:\n" + tree(spans));
        assertThat(spans).extracting(SpanData::getTraceId).as("trace ids").containsOnly(spans.get(0).getTraceId());
        int port = port();

        SpanData callerAttempt = only(spans, SpanKind.CLIENT, FRONTEND);
        SpanData frontend = only(spans, SpanKind.SERVER, FRONTEND);
        SpanData frontendAttempt = only(spans, SpanKind.CLIENT, BACKEND);
        SpanData backend = only(spans, SpanKind.SERVER, BACKEND);

        // the tree: the caller's attempt is the root (the test runs in no span), each span the parent of the next
        assertThat(callerAttempt.getParentSpanContext().isValid()).as("the caller's attempt is the root").isFalse();
        assertThat(frontend.getParentSpanId()).isEqualTo(callerAttempt.getSpanId());
        assertThat(frontend.getParentSpanContext().isRemote()).as("the frontend's parent came over the wire").isTrue();
        assertThat(frontendAttempt.getParentSpanId()).isEqualTo(frontend.getSpanId());
        assertThat(frontendAttempt.getParentSpanContext().isRemote()).as("a local parent: the handler's span")
                .isFalse();
        assertThat(backend.getParentSpanId()).isEqualTo(frontendAttempt.getSpanId());
        assertThat(backend.getParentSpanContext().isRemote()).isTrue();

        // names and attributes: the RPC conventions of v1.37.0 (the default), the node on the client spans
        assertThat(callerAttempt.getAttributes().asMap()).isEqualTo(Map.of(
                stringKey("rpc.system"), "mucp", stringKey("rpc.service"), "frontend.Frontend",
                stringKey("rpc.method"), "Relay", stringKey("server.address"), "127.0.0.1",
                longKey("server.port"), (long) port, longKey("microcdi.rpc.attempt"), 1L));
        assertThat(frontend.getAttributes().asMap()).isEqualTo(Map.of(
                stringKey("rpc.system"), "mucp", stringKey("rpc.service"), "frontend.Frontend",
                stringKey("rpc.method"), "Relay"));
        assertThat(frontendAttempt.getAttributes().asMap()).isEqualTo(Map.of(
                stringKey("rpc.system"), "mucp", stringKey("rpc.service"), "backend.Backend",
                stringKey("rpc.method"), "Inspect", stringKey("server.address"), "127.0.0.1",
                longKey("server.port"), (long) port, longKey("microcdi.rpc.attempt"), 1L));
        assertThat(backend.getAttributes().asMap()).isEqualTo(Map.of(
                stringKey("rpc.system"), "mucp", stringKey("rpc.service"), "backend.Backend",
                stringKey("rpc.method"), "Inspect"));
        assertThat(spans).allSatisfy(s -> {
            assertThat(s.getStatus().getStatusCode()).as("status of %s", s.getName()).isEqualTo(StatusCode.UNSET);
            assertThat(s.getInstrumentationScopeInfo().getName()).isEqualTo("io.microcdi");
            assertThat(s.getInstrumentationScopeInfo().getSchemaUrl())
                    .isEqualTo("https://opentelemetry.io/schemas/1.37.0");
            assertThat(s.hasEnded()).isTrue();
        });

        // no phantom span on the wire: each server span's parent is what arrived (extracted from the request's
        // headers), and it is the caller's exported span, as above; what the caller sent and what each handler sends
        // on name exported spans too
        assertThat(report.client().traceparent()).as("the caller's attempt sent").isEqualTo(traceparent(callerAttempt));
        assertThat(report.frontend().traceparent()).as("the frontend's handler sends on")
                .isEqualTo(traceparent(frontend));
        assertThat(report.backend().traceparent()).as("the backend's handler sends on")
                .isEqualTo(traceparent(backend));
        // and the rest of the example still holds: the client's request id and the caller's name reach the backend
        assertThat(report.backend().requestId()).isEqualTo(report.client().requestId()).isNotEmpty();
        assertThat(report.backend().callerService()).isEqualTo("frontend");
    }

    /**
     * What each hop reports it received ({@code CallContext.received()}, the example's {@code traceparentIn}) is the
     * caller's span, not its own.
     */
    @Test
    void eachHopReportsTheTraceparentItReceived() {
        start(Map.of());

        CallReport report = bean(Caller.class).call();

        List<SpanData> spans = awaitSpans(4);
        assertThat(report.frontend().traceparentIn()).as("the frontend received")
                .isEqualTo(traceparent(only(spans, SpanKind.CLIENT, FRONTEND)));
        assertThat(report.backend().traceparentIn()).as("the backend received")
                .isEqualTo(traceparent(only(spans, SpanKind.CLIENT, BACKEND)));
    }

    /**
     * After a bounded load through the three hops, the scrape holds each endpoint's server timer and each client's
     * timer with one count per call, their histogram buckets, and in-flight gauges back at 0; every call left its
     * four spans.
     */
    @Test
    void thePrometheusTextAfterLoad() throws Exception {
        start(Map.of());
        Caller caller = bean(Caller.class);
        caller.call(); // connections open, meters registered
        awaitSpans(4);
        exporter().reset();

        int calls;
        long t0 = System.nanoTime();
        // the example logs a line per call and hop: not thousands of them
        Logger accessLog = Logger.getLogger(AccessLogInterceptor.class.getName());
        accessLog.setLevel(Level.WARNING);
        try {
            calls = load(caller) + 1;
        } finally {
            accessLog.setLevel(null);
        }
        String text = awaitScrape(WrappersTelemetryTest::nothingInFlight);
        System.out.printf("[WrappersTelemetryTest] %d calls on %d threads in %d ms; the Prometheus text of the "
                + "endpoints:%n%s", calls, LOAD_THREADS, (System.nanoTime() - t0) / 1_000_000, relevant(text));

        for (String[] hop : new String[][] {{"frontend", "Frontend.Relay"}, {"backend", "Backend.Inspect"}}) {
            String service = "service=\"" + hop[0] + "\"";
            String endpoint = "endpoint=\"" + hop[1] + "\"";
            String served = "{code=\"200\"," + endpoint + ",outcome=\"SUCCESS\",protocol=\"mucp\"," + service;
            assertThat(value(text, "microcdi_server_requests_seconds_count" + served + "}")).isEqualTo(calls);
            assertThat(value(text, "microcdi_server_requests_seconds_bucket" + served + ",le=\"+Inf\"}"))
                    .isEqualTo(calls);
            assertThat(text.lines().filter(l -> l.startsWith("microcdi_server_requests_seconds_bucket" + served)))
                    .as("histogram buckets of %s", hop[1]).hasSizeGreaterThan(20);
            assertThat(value(text, "microcdi_server_requests_active{" + endpoint + ",protocol=\"mucp\"," + service
                    + "}")).isZero();

            String called = "{code=\"200\"," + endpoint + ",outcome=\"SUCCESS\"," + service;
            assertThat(value(text, "microcdi_client_requests_seconds_count" + called + "}")).isEqualTo(calls);
            assertThat(value(text, "microcdi_client_requests_seconds_bucket" + called + ",le=\"+Inf\"}"))
                    .isEqualTo(calls);
            assertThat(value(text, "microcdi_client_requests_active{" + endpoint + "," + service + "}")).isZero();
            assertThat(value(text, "microcdi_client_attempts_total{" + endpoint + "," + service + "}"))
                    .isEqualTo(calls);
        }
        assertThat(text).as("no failure, no retry").doesNotContain("outcome=\"SERVER_ERROR\"",
                "outcome=\"CLIENT_ERROR\"", "microcdi_client_retries_total{");

        // the same calls, traced: four spans each, every one of its own trace
        List<SpanData> spans = awaitSpans(4 * (calls - 1));
        assertThat(spans.stream().map(SpanData::getTraceId).distinct().count()).isEqualTo(calls - 1);
    }

    /**
     * {@code wrappers.jar call --no-token}: the backend answers 401, the frontend passes it on. The backend's and the
     * frontend's timers say so by code and outcome; the client spans are errors, the server spans not (a 4xx is the
     * caller's fault), all four with {@code error.type} 401.
     */
    @Test
    void aCallWithoutTheTokenIs401InTheTimersAndTheSpans() {
        start(Map.of("example.send-token", "false"));

        assertThatThrownBy(() -> bean(Caller.class).call()).isInstanceOfSatisfying(MicroException.class, e -> {
            assertThat(e.code()).isEqualTo(401);
            assertThat(e.id()).isEqualTo("backend.auth");
        });

        List<SpanData> spans = awaitSpans(4);
        System.out.println("[WrappersTelemetryTest] the trace of `wrappers.jar call --no-token`:\n" + tree(spans));
        String detail = "Backend.Inspect needs Authorization: Bearer <example.token>";
        for (SpanData client : List.of(only(spans, SpanKind.CLIENT, FRONTEND), only(spans, SpanKind.CLIENT, BACKEND))) {
            assertThat(client.getStatus().getStatusCode()).as("status of %s", client.getName())
                    .isEqualTo(StatusCode.ERROR);
            assertThat(client.getStatus().getDescription()).isEqualTo(detail);
            assertThat(client.getAttributes().get(stringKey("error.type"))).isEqualTo("401");
            assertThat(client.getEvents()).as("a Go Micro error is no exception event").isEmpty();
        }
        for (SpanData server : List.of(only(spans, SpanKind.SERVER, FRONTEND), only(spans, SpanKind.SERVER, BACKEND))) {
            assertThat(server.getStatus().getStatusCode()).as("status of %s", server.getName())
                    .isEqualTo(StatusCode.UNSET);
            assertThat(server.getAttributes().get(stringKey("error.type"))).isEqualTo("401");
        }

        String text = awaitScrape(WrappersTelemetryTest::nothingInFlight);
        System.out.println("[WrappersTelemetryTest] the Prometheus text of the refused call:\n" + relevant(text));
        for (String[] hop : new String[][] {{"frontend", "Frontend.Relay"}, {"backend", "Backend.Inspect"}}) {
            String refused = "{code=\"401\",endpoint=\"" + hop[1] + "\",outcome=\"CLIENT_ERROR\",";
            assertThat(value(text, "microcdi_server_requests_seconds_count" + refused + "protocol=\"mucp\",service=\""
                    + hop[0] + "\"}")).as("%s served", hop[1]).isEqualTo(1);
            assertThat(value(text, "microcdi_client_requests_seconds_count" + refused + "service=\"" + hop[0] + "\"}"))
                    .as("%s called", hop[1]).isEqualTo(1);
        }
        assertThat(text).as("a 401 is not retried").doesNotContain("microcdi_client_retries_total{")
                .doesNotContain("outcome=\"SUCCESS\"");
    }

    // ---- the container ----

    /**
     * The application's telemetry libraries as beans, which the otel and micrometer providers look up: an
     * OpenTelemetry SDK exporting every span to memory as it ends, with W3C propagation, and a Prometheus registry.
     */
    public static class TelemetryBeans {

        @Produces
        @Singleton
        InMemorySpanExporter exporter() {
            return InMemorySpanExporter.create();
        }

        @Produces
        @Singleton
        OpenTelemetry openTelemetry(InMemorySpanExporter exporter) {
            return OpenTelemetrySdk.builder()
                    .setTracerProvider(SdkTracerProvider.builder()
                            .addSpanProcessor(SimpleSpanProcessor.create(exporter)).build())
                    .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
                    .build();
        }

        void close(@Disposes OpenTelemetry openTelemetry) {
            ((OpenTelemetrySdk) openTelemetry).close();
        }

        @Produces
        @Singleton
        PrometheusMeterRegistry meterRegistry() {
            return new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        }

        void close(@Disposes PrometheusMeterRegistry registry) {
            registry.close();
        }
    }

    /**
     * Weld SE with the example's classes (both services, the client, their interceptors and wrapper), MicroCDI's own
     * beans and {@link TelemetryBeans}, on the memory registry (it/pom.xml) and {@code config} as system properties.
     */
    private void start(Map<String, String> config) {
        config.forEach((k, v) -> {
            properties.put(k, v);
            System.setProperty(k, v);
        });
        ConfigProviderResolver resolver = ConfigProviderResolver.instance();
        resolver.releaseConfig(resolver.getConfig()); // SmallRye caches the Config: read the properties above
        container = new Weld("wrappers-telemetry").disableDiscovery()
                .property(Weld.SHUTDOWN_HOOK_SYSTEM_PROPERTY, false)
                .addBeanClasses(MicroProducers.class, MicroLifecycle.class, TraceContextInterceptor.class)
                .addBeanClasses(Frontend.class, Backend.class, Caller.class, RequestIdWrapper.class,
                        AccessLogInterceptor.class, AuthInterceptor.class)
                .addBeanClasses(TelemetryBeans.class)
                // the example injects MicroProfile Config; without discovery, Weld loads no portable extension itself
                .addExtension(new ConfigExtension())
                .initialize();
        assertThat(bean(Telemetry.class).traces()).as("OpenTelemetry carries the trace context").isTrue();
    }

    private <T> T bean(Class<T> type) {
        return container.select(type).get();
    }

    private int port() {
        String address = bean(MicroLifecycle.class).server().address();
        return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
    }

    private InMemorySpanExporter exporter() {
        return bean(InMemorySpanExporter.class);
    }

    // ---- load ----

    /** {@link #LOAD_CALLS} calls on {@link #LOAD_THREADS} threads, or fewer if {@link #LOAD_TIME} runs out: made. */
    private static int load(Caller caller) throws Exception {
        AtomicInteger issued = new AtomicInteger();
        AtomicInteger made = new AtomicInteger();
        long deadline = System.nanoTime() + LOAD_TIME.toNanos();
        ExecutorService threads = Executors.newFixedThreadPool(LOAD_THREADS);
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int i = 0; i < LOAD_THREADS; i++) {
                running.add(threads.submit(() -> {
                    while (System.nanoTime() - deadline < 0 && issued.getAndIncrement() < LOAD_CALLS) {
                        caller.call(); // a failure fails the test
                        made.incrementAndGet();
                    }
                    return null;
                }));
            }
            for (Future<?> f : running) {
                f.get(LOAD_TIME.toSeconds() + 20, TimeUnit.SECONDS);
            }
        } finally {
            threads.shutdownNow();
        }
        assertThat(made.get()).as("calls made in %s", LOAD_TIME).isPositive();
        return made.get();
    }

    // ---- spans ----

    /** Waits for {@code n} spans exported and gives them; more than {@code n} fails. */
    private List<SpanData> awaitSpans(int n) {
        InMemorySpanExporter exported = exporter();
        await("spans exported").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                .until(() -> exported.getFinishedSpanItems().size() >= n);
        List<SpanData> spans = exported.getFinishedSpanItems();
        assertThat(spans).as("spans exported").hasSize(n);
        return spans;
    }

    private static SpanData only(List<SpanData> spans, SpanKind kind, String name) {
        List<SpanData> found = spans.stream().filter(s -> s.getKind() == kind && s.getName().equals(name)).toList();
        assertThat(found).as("%s spans named %s", kind, name).hasSize(1);
        return found.get(0);
    }

    /** The W3C {@code traceparent} naming {@code span} as the parent. */
    private static String traceparent(SpanData span) {
        return "00-" + span.getTraceId() + "-" + span.getSpanId() + "-" + span.getSpanContext().getTraceFlags().asHex();
    }

    /** The spans as an indented tree, children under their parents in the order they started. */
    static String tree(List<SpanData> spans) {
        Map<String, List<SpanData>> children = new LinkedHashMap<>();
        List<SpanData> roots = new ArrayList<>();
        List<String> ids = spans.stream().map(SpanData::getSpanId).toList();
        for (SpanData s : spans.stream().sorted(Comparator.comparingLong(SpanData::getStartEpochNanos)).toList()) {
            if (ids.contains(s.getParentSpanId())) {
                children.computeIfAbsent(s.getParentSpanId(), k -> new ArrayList<>()).add(s);
            } else {
                roots.add(s);
            }
        }
        StringBuilder out = new StringBuilder();
        for (SpanData root : roots) {
            out.append("trace ").append(root.getTraceId()).append('\n');
            print(root, children, 1, out);
        }
        return out.toString();
    }

    private static void print(SpanData span, Map<String, List<SpanData>> children, int depth, StringBuilder out) {
        String indent = "  ".repeat(depth);
        out.append(indent).append(span.getKind()).append(' ').append(span.getName())
                .append("  span=").append(span.getSpanId());
        if (span.getParentSpanContext().isValid()) {
            out.append(" parent=").append(span.getParentSpanId())
                    .append(span.getParentSpanContext().isRemote() ? " (remote)" : " (local)");
        }
        out.append(String.format(Locale.ROOT, "  %.1f ms", (span.getEndEpochNanos() - span.getStartEpochNanos()) / 1e6))
                .append("  status=").append(span.getStatus().getStatusCode());
        if (!span.getStatus().getDescription().isEmpty()) {
            out.append(" \"").append(span.getStatus().getDescription()).append('"');
        }
        List<String> attributes = new ArrayList<>();
        span.getAttributes().forEach((AttributeKey<?> k, Object v) -> attributes.add(k.getKey() + "=" + v));
        out.append('\n').append(indent).append("    ").append(String.join(" ", attributes.stream().sorted().toList()))
                .append('\n');
        for (SpanData child : children.getOrDefault(span.getSpanId(), List.of())) {
            print(child, children, depth + 1, out);
        }
    }

    // ---- Prometheus text ----

    /** Scrapes until {@code ready} holds (in-flight gauges settle after the caller has its answer). */
    private String awaitScrape(Predicate<String> ready) {
        PrometheusMeterRegistry registry = bean(PrometheusMeterRegistry.class);
        return await("the scrape").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                .until(registry::scrape, ready);
    }

    /** The value of the sample {@code series} ({@code name{labels}}, labels as the scrape orders them). */
    static double value(String text, String series) {
        double v = valueOrNaN(text, series);
        assertThat(v).as("%s in the scrape", series).isNotNaN();
        return v;
    }

    private static double valueOrNaN(String text, String series) {
        for (String line : text.lines().toList()) {
            if (line.startsWith(series + " ")) {
                return Double.parseDouble(line.substring(series.length() + 1).trim());
            }
        }
        return Double.NaN;
    }

    /** Whether every in-flight gauge of the scrape reads 0 (and there are some). */
    static boolean nothingInFlight(String text) {
        List<String> gauges = text.lines().filter(l -> l.startsWith("microcdi_server_requests_active{")
                || l.startsWith("microcdi_client_requests_active{")).toList();
        return !gauges.isEmpty()
                && gauges.stream().allMatch(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)) == 0);
    }

    /** The scrape's MicroCDI series, buckets but the {@code +Inf} one left out (the test counts them). */
    static String relevant(String text) {
        StringBuilder out = new StringBuilder();
        for (String line : text.lines().toList()) {
            boolean ours = line.startsWith("microcdi_") || line.startsWith("# TYPE microcdi_");
            if (ours && (!line.contains("_bucket{") || line.contains("le=\"+Inf\""))) {
                out.append(line).append('\n');
            }
        }
        return out.toString();
    }
}
