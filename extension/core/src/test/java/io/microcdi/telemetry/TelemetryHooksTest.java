package io.microcdi.telemetry;

import io.microcdi.annotation.Subscribe;
import io.microcdi.broker.delivery.DeliveryConfig;
import io.microcdi.broker.memory.MemoryBroker;
import io.microcdi.client.Request;
import io.microcdi.client.Response;
import io.microcdi.client.rpc.RpcClient;
import io.microcdi.client.rpc.RpcClientConfig;
import io.microcdi.codec.Codecs;
import io.microcdi.codec.json.JsonCodec;
import io.microcdi.context.CallContexts;
import io.microcdi.errors.MicroException;
import io.microcdi.internal.broker.BrokerSubscriptions;
import io.microcdi.internal.broker.SubscriberModel;
import io.microcdi.internal.broker.TopicPublisher;
import io.microcdi.internal.config.DefaultMicroConfig;
import io.microcdi.internal.model.ServiceModel;
import io.microcdi.metadata.Metadata;
import io.microcdi.registry.Node;
import io.microcdi.registry.Service;
import io.microcdi.registry.memory.MemoryRegistry;
import io.microcdi.selector.cache.CachingSelector;
import io.microcdi.selector.cache.Ejection;
import io.microcdi.server.rpc.RpcServer;
import io.microcdi.server.rpc.RpcServerConfig;
import io.microcdi.transport.memory.MemoryTransport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.ToDoubleFunction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Where the framework calls its {@link Telemetry}: each unary call served (after routing; a request routed nowhere as
 * {@link Telemetry#UNKNOWN}), each client call and attempt, a retry, an ejection, a publish and a delivery, with
 * the codes they ended with; what {@link Observation#propagate} returns is what travels (the attempt's headers, the
 * handler's and subscriber's metadata). A real server, client, selector and broker in memory, and a telemetry that
 * writes down what it is told.
 */
class TelemetryHooksTest {

    public record Hello(String name) {
    }

    public record Reply(String greeting) {
    }

    /** The handler: says which span header it saw, and fails on demand. */
    public static class Greeter {
        public Reply hello(Hello h) {
            if (h.name().equals("boom")) {
                throw new MicroException("greeter", 409, "boom", MicroException.statusText(409));
            }
            return new Reply(CallContexts.current().metadata().getOrDefault("X-Span", "-"));
        }
    }

    /** A subscriber: keeps the span header each message's context carried. */
    public static class Audit {
        final Queue<String> seen = new ConcurrentLinkedQueue<>();

        @Subscribe(topic = "orders", queue = "audit")
        public void onOrder(Hello order) {
            seen.add(CallContexts.current().metadata().getOrDefault("X-Span", "-"));
        }
    }

    /** Writes down every hook it is called with; each observation propagates its own name in {@code X-Span}. */
    static final class Recording implements Telemetry {
        final Queue<String> events = new ConcurrentLinkedQueue<>();
        final List<String> gauges = new ArrayList<>();

        Observation observation(String name) {
            events.add("start " + name);
            return new Observation() {
                @Override
                public Metadata propagate(Metadata headers) {
                    return headers.with("X-Span", name);
                }

                @Override
                public void end(int code, Throwable error) {
                    events.add("end " + name + " " + code);
                }
            };
        }

        @Override
        public Observation serverCall(String protocol, String service, String endpoint, Metadata headers) {
            return observation("server " + protocol + " " + service + " " + endpoint + " (from "
                    + headers.getOrDefault("X-Span", "-") + ")");
        }

        @Override
        public Observation clientCall(String service, String endpoint) {
            return observation("call " + service + " " + endpoint);
        }

        @Override
        public Observation clientAttempt(String protocol, String service, String endpoint, String address,
                                         int attempt, Metadata headers) {
            return observation("attempt " + attempt + " " + protocol + " " + endpoint + " " + address);
        }

        @Override
        public void retried(String service, String endpoint, int code) {
            events.add("retried " + endpoint + " " + code);
        }

        @Override
        public void ejected(String service) {
            events.add("ejected " + service);
        }

        @Override
        public Observation publish(String broker, String topic, Metadata headers) {
            return observation("publish " + broker + " " + topic);
        }

        @Override
        public Observation deliver(String broker, String topic, String queue, String subscriber, Metadata headers) {
            return observation("deliver " + broker + " " + topic + " " + queue + " " + subscriber + " (from "
                    + headers.getOrDefault("X-Span", "-") + ")");
        }

        @Override
        public <T> void gauge(String name, String description, Map<String, String> tags, T owner,
                              ToDoubleFunction<T> value) {
            gauges.add(name + " " + tags + " = " + value.applyAsDouble(owner));
        }
    }

    private final Recording telemetry = new Recording();
    private final MemoryRegistry registry = new MemoryRegistry();
    private final MemoryTransport transport = new MemoryTransport();
    private final Codecs codecs = Codecs.of(List.of(new JsonCodec()));
    private RpcServer server;
    private CachingSelector selector;
    private RpcClient client;

    @BeforeEach
    void start() {
        server = new RpcServer(RpcServerConfig.from(DefaultMicroConfig.of(Map.of("micro.server.address", "memory:0"))),
                registry, transport, codecs);
        server.observe(telemetry);
        server.handle(ServiceModel.define(Greeter.class, new Greeter(), "greeter", "1.0.0"));
        server.start();
        selector = CachingSelector.of("roundrobin", registry, Duration.ofMinutes(1),
                new Ejection(1, Duration.ofMinutes(1), Duration.ofMinutes(1)));
        selector.observe(telemetry);
        client = new RpcClient(RpcClientConfig.from(DefaultMicroConfig.of(Map.of("micro.client.retries", "2"))),
                selector, transport);
        client.observe(telemetry);
    }

    @AfterEach
    void stop() {
        client.close();
        selector.close();
        server.stop();
        registry.close();
        transport.close();
    }

    private Response call(String endpoint, String body) {
        return client.call(new Request("greeter", endpoint, "application/json",
                body.getBytes(StandardCharsets.UTF_8), Metadata.empty()), client.defaultOptions()).join();
    }

    @Test
    void aCallIsObservedOnBothSidesAndTheAttemptsHeadersReachTheHandler() {
        Response r = call("Greeter.Hello", "{\"name\":\"John\"}");

        String attempt = "attempt 1 mucp Greeter.Hello " + server.address();
        // the attempt's propagate() gave the headers sent: the server saw them, and the handler saw the server's
        assertThat(new String(r.body(), StandardCharsets.UTF_8)).contains("server mucp greeter Greeter.Hello (from "
                + attempt + ")");
        // each started in this order and ended once (the server's ends after its answer was handed over, so the
        // caller may already have its answer by then)
        await().untilAsserted(() -> assertThat(telemetry.events).hasSize(6).containsSubsequence(
                "start call greeter Greeter.Hello",
                "start " + attempt,
                "start server mucp greeter Greeter.Hello (from " + attempt + ")").containsSubsequence(
                "end " + attempt + " 0",
                "end call greeter Greeter.Hello 0").contains(
                "end server mucp greeter Greeter.Hello (from " + attempt + ") 0"));
    }

    @Test
    void errorsEndWithTheirCodesAndARequestRoutedNowhereIsUnknown() {
        assertThatThrownBy(() -> call("Greeter.Hello", "{\"name\":\"boom\"}")).hasCauseInstanceOf(MicroException.class);
        assertThatThrownBy(() -> call("Greeter.Nope", "{}")).hasCauseInstanceOf(MicroException.class);

        await().untilAsserted(() -> assertThat(telemetry.events)
                .anyMatch(e -> e.startsWith("end server mucp greeter Greeter.Hello") && e.endsWith(" 409"))
                .anyMatch(e -> e.startsWith("end server mucp unknown unknown") && e.endsWith(" 404"))
                .contains("end call greeter Greeter.Hello 409", "end call greeter Greeter.Nope 404"));
    }

    @Test
    void anAttemptOnADeadNodeIsRetriedOnTheNextAndTheDeadNodeEjected() {
        // a second node of greeter that nobody serves: listed first, so round robin meets it
        registry.register(new Service("greeter", "1.0.0", Map.of(), List.of(),
                List.of(new Node("greeter-dead", "memory:999999", Map.of()))), Duration.ofMinutes(1));
        for (int i = 0; i < 4; i++) {
            call("Greeter.Hello", "{\"name\":\"John\"}");
        }

        await().untilAsserted(() -> assertThat(telemetry.events)
                .contains("end attempt 1 mucp Greeter.Hello memory:999999 500", "retried Greeter.Hello 500",
                        "ejected greeter")
                .anyMatch(e -> e.startsWith("end attempt 2 mucp Greeter.Hello") && e.endsWith(" 0"))
                .noneMatch(e -> e.startsWith("end call") && !e.endsWith(" 0")));
        assertThat(telemetry.gauges).contains("microcdi.selector.cache.services {selector=roundrobin} = 0.0",
                "microcdi.selector.cache.nodes {selector=roundrobin} = 0.0");
    }

    @Test
    void aPublishAndItsDeliveryAreObservedAndTheProducersContextReachesTheSubscriber() {
        MemoryBroker broker = new MemoryBroker(DeliveryConfig.defaults());
        broker.connect();
        Audit audit = new Audit();
        BrokerSubscriptions subs = BrokerSubscriptions.subscribe(broker, SubscriberModel.define(Audit.class, audit,
                codecs, DefaultMicroConfig.of(Map.of()), "shop"), telemetry);
        try {
            TopicPublisher<Hello> orders = new TopicPublisher<>("orders", Hello.class, broker, new JsonCodec(),
                    Duration.ofSeconds(5), telemetry);
            orders.publish(new Hello("book"));

            String deliver = "deliver memory orders audit Audit.onOrder (from publish memory orders)";
            await().untilAsserted(() -> assertThat(telemetry.events).contains("start publish memory orders",
                    "end publish memory orders 0", "start " + deliver, "end " + deliver + " 0"));
            assertThat(audit.seen).containsExactly(deliver);
        } finally {
            subs.unsubscribe();
            broker.disconnect();
        }
    }

    @Test
    void withoutTelemetryNothingIsCalledAndTelemetryNoneSaysItIsOff() {
        assertThat(Telemetry.NONE.enabled()).isFalse();
        assertThat(Telemetries.of(List.of())).isSameAs(Telemetry.NONE);
        assertThat(Telemetries.of(List.of(Telemetry.NONE, telemetry))).isSameAs(telemetry);
        Observed.wire(server, Telemetry.NONE); // not handed over: the server keeps reporting to the recorder
        call("Greeter.Hello", "{\"name\":\"John\"}");
        await().untilAsserted(() -> assertThat(telemetry.events).hasSize(6));
    }

    @Test
    void twoTelemetriesAreBothToldAndBothPropagate() {
        Recording other = new Recording();
        Telemetry both = Telemetries.of(List.of(telemetry, other));
        Observation o = both.serverCall("mucp", "greeter", "Greeter.Hello", Metadata.empty());
        Metadata md = o.propagate(Metadata.empty());
        o.end(0, null);

        assertThat(md.get("X-Span")).isEqualTo("server mucp greeter Greeter.Hello (from -)"); // the last one's
        assertThat(telemetry.events).containsExactly("start server mucp greeter Greeter.Hello (from -)",
                "end server mucp greeter Greeter.Hello (from -) 0");
        assertThat(other.events).containsExactlyElementsOf(telemetry.events);
    }
}
