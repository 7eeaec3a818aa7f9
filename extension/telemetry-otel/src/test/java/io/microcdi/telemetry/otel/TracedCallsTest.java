package io.microcdi.telemetry.otel;

import io.microcdi.annotation.Subscribe;
import io.microcdi.broker.delivery.DeliveryConfig;
import io.microcdi.broker.memory.MemoryBroker;
import io.microcdi.client.Request;
import io.microcdi.client.rpc.RpcClient;
import io.microcdi.client.rpc.RpcClientConfig;
import io.microcdi.codec.Codecs;
import io.microcdi.codec.json.JsonCodec;
import io.microcdi.config.MicroConfig;
import io.microcdi.context.CallContexts;
import io.microcdi.internal.broker.BrokerSubscriptions;
import io.microcdi.internal.broker.SubscriberModel;
import io.microcdi.internal.broker.TopicPublisher;
import io.microcdi.internal.model.ServiceModel;
import io.microcdi.metadata.Metadata;
import io.microcdi.registry.memory.MemoryRegistry;
import io.microcdi.selector.cache.CachingSelector;
import io.microcdi.selector.cache.Ejection;
import io.microcdi.server.rpc.RpcServer;
import io.microcdi.server.rpc.RpcServerConfig;
import io.microcdi.telemetry.Telemetries;
import io.microcdi.telemetry.Telemetry;
import io.microcdi.telemetry.TelemetryProvider;
import io.microcdi.transport.memory.MemoryTransport;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The spans of real calls: MicroCDI's server, client, selector and broker (in memory) report to the telemetry that
 * {@link Telemetries#load} finds here, on the OpenTelemetry SDK. A Go service's call to {@code shop} continues its
 * trace; the handler calls {@code billing} and publishes an order, and the subscriber's span and the span the
 * handler code sees as current all land in that one trace, each under its parent.
 */
class TracedCallsTest {

    private static final String GO_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String GO_SPAN = "00f067aa0ba902b7";

    public record Order(String item) {
    }

    public record Receipt(String id) {
    }

    /** Charges an order: the span current in the handler is the server span of the call. */
    public static class Billing {
        static final Queue<String> current = new ConcurrentLinkedQueue<>();

        public Receipt charge(Order order) {
            current.add(Span.current().getSpanContext().getSpanId());
            return new Receipt("r-" + order.item());
        }
    }

    /** Takes an order: calls billing, then publishes it. */
    public static class Shop {
        static RpcClient client;
        static TopicPublisher<Order> orders;

        public Receipt order(Order order) {
            byte[] body = ("{\"item\":\"" + order.item() + "\"}").getBytes(StandardCharsets.UTF_8);
            // the handler's metadata, as a wrapper or a @MicroClient passes it on
            client.call(new Request("billing", "Billing.Charge", "application/json", body,
                    CallContexts.current().metadata()), client.defaultOptions()).join();
            orders.publish(order);
            return new Receipt("ok");
        }
    }

    /** Ships what was ordered. */
    public static class Shipping {
        static final Queue<String> traceparents = new ConcurrentLinkedQueue<>();

        @Subscribe(topic = "orders", queue = "shipping")
        public void onOrder(Order order) {
            traceparents.add(CallContexts.current().metadata().getOrDefault("traceparent", "-"));
        }
    }

    private final InMemorySpanExporter exported = InMemorySpanExporter.create();
    private final OpenTelemetrySdk otel = OpenTelemetrySdk.builder()
            .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exported))
                    .build())
            .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
            .build();
    private final MemoryRegistry registry = new MemoryRegistry();
    private final MemoryTransport transport = new MemoryTransport();
    private final Codecs codecs = Codecs.of(List.of(new JsonCodec()));
    private final MemoryBroker broker = new MemoryBroker(DeliveryConfig.defaults());
    private Telemetry telemetry;
    private RpcServer server;
    private CachingSelector selector;
    private RpcClient client;
    private BrokerSubscriptions subscriptions;

    @BeforeEach
    void start() {
        telemetry = Telemetries.load(getClass().getClassLoader(), MicroConfig.of(Map.of()), new OneBean(otel));
        server = new RpcServer(RpcServerConfig.from(MicroConfig.of(Map.of("micro.server.address", "memory:0"))),
                registry, transport, codecs);
        server.observe(telemetry);
        server.handle(ServiceModel.define(Shop.class, new Shop(), "shop", "1.0.0"));
        server.handle(ServiceModel.define(Billing.class, new Billing(), "billing", "1.0.0"));
        server.start();
        selector = CachingSelector.of("random", registry, Duration.ofMinutes(1),
                new Ejection(3, Duration.ofMinutes(1), Duration.ofMinutes(1)));
        client = new RpcClient(RpcClientConfig.from(MicroConfig.of(Map.of())), selector, transport);
        client.observe(telemetry);
        broker.connect();
        subscriptions = BrokerSubscriptions.subscribe(broker, SubscriberModel.define(Shipping.class, new Shipping(),
                codecs, MicroConfig.of(Map.of()), "shipping"), telemetry);
        Shop.client = client;
        Shop.orders = new TopicPublisher<>("orders", Order.class, broker, new JsonCodec(), Duration.ofSeconds(5),
                telemetry);
    }

    @AfterEach
    void stop() {
        subscriptions.unsubscribe();
        broker.disconnect();
        client.close();
        selector.close();
        server.stop();
        registry.close();
        transport.close();
        otel.close();
    }

    @Test
    void aGoCallersTraceRunsThroughTheHandlerItsCallAndItsMessage() {
        Metadata fromGo = Metadata.of("Traceparent", "00-" + GO_TRACE + "-" + GO_SPAN + "-01");
        client.call(new Request("shop", "Shop.Order", "application/json",
                "{\"item\":\"book\"}".getBytes(StandardCharsets.UTF_8), fromGo), client.defaultOptions()).join();

        // server spans end after their answer is handed over, deliveries after the subscriber returns
        await().untilAsserted(() -> assertThat(exported.getFinishedSpanItems()).hasSize(6));
        SpanData toShop = span(SpanKind.CLIENT, "shop.Shop/Order");
        SpanData shop = span(SpanKind.SERVER, "shop.Shop/Order");
        SpanData toBilling = span(SpanKind.CLIENT, "billing.Billing/Charge");
        SpanData billing = span(SpanKind.SERVER, "billing.Billing/Charge");
        SpanData publish = span(SpanKind.PRODUCER, "publish orders");
        SpanData delivery = span(SpanKind.CONSUMER, "process orders");

        assertThat(exported.getFinishedSpanItems()).allSatisfy(s -> assertThat(s.getTraceId()).isEqualTo(GO_TRACE));
        assertThat(toShop.getParentSpanId()).isEqualTo(GO_SPAN);
        assertThat(shop.getParentSpanId()).isEqualTo(toShop.getSpanId());
        assertThat(toBilling.getParentSpanId()).isEqualTo(shop.getSpanId());
        assertThat(billing.getParentSpanId()).isEqualTo(toBilling.getSpanId());
        assertThat(publish.getParentSpanId()).isEqualTo(shop.getSpanId());
        assertThat(delivery.getParentSpanId()).isEqualTo(publish.getSpanId());

        assertThat(Billing.current).containsExactly(billing.getSpanId());
        assertThat(Shipping.traceparents).containsExactly("00-" + GO_TRACE + "-" + delivery.getSpanId() + "-01");
        assertThat(delivery.getAttributes().asMap()).containsValues("memory", "orders", "shipping");
    }

    private SpanData span(SpanKind kind, String name) {
        return exported.getFinishedSpanItems().stream().filter(s -> s.getKind() == kind && s.getName().equals(name))
                .findFirst().orElseThrow(() -> new AssertionError("no " + kind + " span " + name + " in "
                        + exported.getFinishedSpanItems()));
    }

    /** A container holding one OpenTelemetry bean. */
    private record OneBean(OpenTelemetry otel) implements TelemetryProvider.Beans {
        @Override
        public <T> Optional<T> get(Class<T> type) {
            return type == OpenTelemetry.class ? Optional.of(type.cast(otel)) : Optional.empty();
        }
    }
}
