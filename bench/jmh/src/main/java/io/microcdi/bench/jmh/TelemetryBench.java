package io.microcdi.bench.jmh;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.microcdi.client.CallOptions;
import io.microcdi.client.Request;
import io.microcdi.client.Response;
import io.microcdi.client.rpc.RpcClient;
import io.microcdi.client.rpc.RpcClientConfig;
import io.microcdi.codec.Codecs;
import io.microcdi.codec.json.JsonCodec;
import io.microcdi.config.MicroConfig;
import io.microcdi.examples.greeter.Greeter;
import io.microcdi.internal.config.DefaultMicroConfig;
import io.microcdi.internal.model.ServiceModel;
import io.microcdi.metadata.Metadata;
import io.microcdi.registry.memory.MemoryRegistry;
import io.microcdi.selector.cache.CachingSelector;
import io.microcdi.server.rpc.RpcServer;
import io.microcdi.server.rpc.RpcServerConfig;
import io.microcdi.telemetry.Observation;
import io.microcdi.telemetry.Telemetries;
import io.microcdi.telemetry.Telemetry;
import io.microcdi.telemetry.TelemetryProvider;
import io.microcdi.telemetry.micrometer.MicrometerTelemetryProvider;
import io.microcdi.telemetry.otel.OtelTelemetryProvider;
import io.microcdi.transport.memory.MemoryTransport;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * What telemetry costs a call, with nothing ({@code off}), Micrometer (a Prometheus registry, percentile histograms
 * on: the default), OpenTelemetry (the SDK, every span sampled, a batch processor in front of an exporter that drops
 * what it is given), and both, built by their providers as the CDI producer builds them.
 *
 * <ul>
 *   <li>{@code clientCall}: {@code Client.call} of the real {@link RpcClient} to a listener answering on the caller's
 *       thread ({@link WrapperBench.Inline}): the client's hooks (a call timer, an attempt span, the
 *       {@code traceparent} it writes) and nothing else that varies.</li>
 *   <li>{@code serverHooks}: what the server adds per call, the same steps as {@code ServerCall}: start the
 *       observation from the inbound headers (a {@code traceparent} among them), propagate it into the handler's
 *       metadata, make it current around the handler, end it. {@code off} is what the server runs without telemetry:
 *       nothing.</li>
 *   <li>{@code callServer}: the whole call to the real {@link RpcServer} in memory, both sides observed (two thread
 *       wake-ups per call: the noisy figure, for reference).</li>
 * </ul>
 *
 * The cost per call with telemetry on is {@code clientCall(on) - clientCall(off) + serverHooks(on)};
 * {@code serverSpanFloor} is what the OpenTelemetry SDK alone charges for a server span, the part no instrumentation
 * of it avoids.
 *
 * <pre>{@code
 * java -jar bench/jmh/target/benchmarks.jar TelemetryBench -prof gc
 * }</pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Threads(1)
public class TelemetryBench {

    private static final String JSON = "application/json";
    private static final byte[] HELLO_JSON = "{\"name\":\"John\"}".getBytes(StandardCharsets.UTF_8);
    /** What a server receives from a traced caller: the routing headers and a W3C {@code traceparent}. */
    private static final Metadata INBOUND = Metadata.of("Content-Type", JSON, "Micro-Service", "greeter",
            "Micro-Endpoint", "Greeter.Hello", "Micro-Id", "42",
            "traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
    private static final Metadata HANDLER_METADATA = Metadata.of("traceparent",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");

    @State(Scope.Benchmark)
    public static class Setting {
        @Param({"off", "micrometer", "otel", "both"})
        public String telemetry;

        MemoryRegistry registry;
        MemoryTransport transport;
        RpcServer server;
        WrapperBench.Inline inline;
        RpcClient client;
        Request toServer;
        Request toInline;
        CallOptions options;
        Telemetry hooks;
        PrometheusMeterRegistry meters;
        SdkTracerProvider tracer;
        /** The SDK's own tracer and propagator, for the floor any OpenTelemetry instrumentation pays. */
        Tracer sdkTracer;
        TextMapPropagator propagator;
        final LongAdder exported = new LongAdder();

        @Setup(Level.Trial)
        public void setUp() {
            hooks = telemetry();
            registry = new MemoryRegistry();
            transport = new MemoryTransport();
            server = new RpcServer(RpcServerConfig.from(DefaultMicroConfig.of(Map.of("micro.server.address",
                    "memory:0"))), registry, transport, Codecs.of(List.of(new JsonCodec())));
            server.observe(hooks);
            server.handle(ServiceModel.define(Greeter.class, new Greeter(), "greeter", "1.0.0"));
            server.start();
            inline = new WrapperBench.Inline(registry);
            CachingSelector selector = CachingSelector.of("random", registry);
            selector.observe(hooks);
            client = new RpcClient(RpcClientConfig.from(DefaultMicroConfig.of(Map.of())), selector, transport);
            client.observe(hooks);
            toServer = new Request("greeter", "Greeter.Hello", JSON, HELLO_JSON, Metadata.empty());
            toInline = new Request(WrapperBench.INLINE, "Greeter.Hello", JSON, HELLO_JSON, Metadata.empty());
            options = client.defaultOptions();
            String reply = new String(client.call(toServer, options).join().body(), StandardCharsets.UTF_8);
            if (!reply.equals("{\"greeting\":\"Hello John\"}")) {
                throw new IllegalStateException("the greeter answered " + reply);
            }
            client.call(toInline, options).join();
            // the server ends its observation after handing the answer over: it may come a moment after the reply
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (meters != null && !meters.scrape().contains("microcdi_server_requests_seconds_count")) {
                if (System.nanoTime() - until > 0) {
                    throw new IllegalStateException("Micrometer is on but recorded no server call");
                }
                Thread.onSpinWait();
            }
            if (tracer != null) {
                tracer.forceFlush().join(5, TimeUnit.SECONDS);
                if (exported.sum() == 0) {
                    throw new IllegalStateException("OpenTelemetry is on but exported no span");
                }
            }
        }

        /** The telemetry of this trial, made by the providers from a Prometheus registry and an SDK as beans. */
        private Telemetry telemetry() {
            boolean micrometer = telemetry.equals("micrometer") || telemetry.equals("both");
            boolean otel = telemetry.equals("otel") || telemetry.equals("both");
            MicroConfig config = DefaultMicroConfig.of(Map.of());
            List<Telemetry> on = new ArrayList<>();
            if (micrometer) {
                meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
                on.add(new MicrometerTelemetryProvider().create(config, beans(MeterRegistry.class, meters))
                        .orElseThrow());
            }
            if (otel) {
                tracer = SdkTracerProvider.builder()
                        .addSpanProcessor(BatchSpanProcessor.builder(new Dropping(exported)).build()).build();
                OpenTelemetry sdk = OpenTelemetrySdk.builder().setTracerProvider(tracer)
                        .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance())).build();
                on.add(new OtelTelemetryProvider().create(config, beans(OpenTelemetry.class, sdk)).orElseThrow());
                sdkTracer = sdk.getTracer("floor");
                propagator = sdk.getPropagators().getTextMapPropagator();
            }
            Telemetry t = Telemetries.of(on);
            if ((t == Telemetry.NONE) != telemetry.equals("off")) {
                throw new IllegalStateException("telemetry " + telemetry + " made " + t);
            }
            return t;
        }

        private static <B> TelemetryProvider.Beans beans(Class<B> type, B bean) {
            return new TelemetryProvider.Beans() {
                @Override
                public <T> Optional<T> get(Class<T> wanted) {
                    return wanted == type ? Optional.of(wanted.cast(bean)) : Optional.empty();
                }
            };
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            client.close();
            server.stop();
            inline.close();
            registry.close();
            transport.close();
            hooks.close();
            if (tracer != null) {
                tracer.shutdown().join(5, TimeUnit.SECONDS);
            }
            if (meters != null) {
                meters.close();
            }
        }
    }

    /** An exporter that counts and drops: what a span costs up to the exporter, not the exporter's own work. */
    static final class Dropping implements SpanExporter {
        private final LongAdder exported;

        Dropping(LongAdder exported) {
            this.exported = exported;
        }

        @Override
        public CompletableResultCode export(Collection<SpanData> spans) {
            exported.add(spans.size());
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode flush() {
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode shutdown() {
            return CompletableResultCode.ofSuccess();
        }
    }

    /** The client's side: a call answered on the caller's thread. */
    @Benchmark
    public Response clientCall(Setting s) {
        return s.client.call(s.toInline, s.options).join();
    }

    /** The server's side: the hooks {@code ServerCall} runs around a handler (nothing when off). */
    @Benchmark
    public void serverHooks(Setting s, Blackhole bh) {
        Telemetry t = s.hooks;
        if (!t.enabled()) {
            return;
        }
        Observation o = t.serverCall("mucp", "greeter", "Greeter.Hello", INBOUND);
        Metadata md = o.propagate(HANDLER_METADATA);
        try (Observation.Scope ignored = o.makeCurrent()) {
            bh.consume(md);
        }
        o.end(0, null);
    }

    /**
     * The floor under {@code serverHooks} with OpenTelemetry: what any OpenTelemetry server instrumentation pays,
     * straight on the SDK (extract the {@code traceparent}, a SERVER span with three attributes made current and
     * ended), nothing of MicroCDI's. Nothing when OpenTelemetry is off.
     */
    @Benchmark
    public void serverSpanFloor(Setting s, Blackhole bh) {
        if (s.sdkTracer == null) {
            return;
        }
        Context parent = s.propagator.extract(Context.root(), INBOUND, HEADERS);
        Span span = s.sdkTracer.spanBuilder("greeter.Greeter/Hello").setSpanKind(SpanKind.SERVER).setParent(parent)
                .setAllAttributes(RPC).startSpan();
        try (io.opentelemetry.context.Scope ignored = span.makeCurrent()) {
            bh.consume(span);
        }
        span.end();
    }

    private static final Attributes RPC = Attributes.of(AttributeKey.stringKey("rpc.system"), "go_micro",
            AttributeKey.stringKey("rpc.service"), "greeter.Greeter", AttributeKey.stringKey("rpc.method"), "Hello");

    /** Reads the floor's {@code traceparent} from Go Micro's headers, as the telemetry module's carrier does. */
    private static final TextMapGetter<Metadata> HEADERS = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Metadata carrier) {
            return carrier.asMap().keySet();
        }

        @Override
        public String get(Metadata carrier, String key) {
            return carrier == null ? null : carrier.get(key);
        }
    };

    /** The whole call in memory, both sides observed. */
    @Benchmark
    public Response callServer(Setting s) {
        return s.client.call(s.toServer, s.options).join();
    }
}
