package io.microcdi.telemetry.micrometer;

import io.microcdi.metadata.Metadata;
import io.microcdi.telemetry.Observation;
import io.microcdi.telemetry.Telemetry;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MockClock;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.simple.SimpleConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The hooks against a real {@link SimpleMeterRegistry} on a {@link MockClock}, so that every duration is exact. */
class MicrometerTelemetryTest {

    private final MockClock clock = new MockClock();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry(SimpleConfig.DEFAULT, clock);
    private final MicrometerTelemetry telemetry = new MicrometerTelemetry(registry, MicrometerTelemetryConfig.DEFAULT);

    @AfterEach
    void close() {
        telemetry.close();
        registry.close();
    }

    @Test
    void aCallServedIsTimedByProtocolServiceEndpointCodeAndOutcome() {
        Observation o = telemetry.serverCall("mucp", "greeter", "Greeter.Hello", Metadata.empty());
        clock.add(Duration.ofMillis(7));
        assertThat(active("microcdi.server.requests.active", "endpoint", "Greeter.Hello")).isEqualTo(1);
        o.end(0, null);

        Timer t = registry.get("microcdi.server.requests").tags("protocol", "mucp", "service", "greeter", "endpoint",
                "Greeter.Hello", "code", "200", "outcome", "SUCCESS").timer();
        assertThat(t.count()).isEqualTo(1);
        assertThat(t.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(7);
        assertThat(active("microcdi.server.requests.active", "endpoint", "Greeter.Hello")).isZero();
        assertThat(t.getId().getDescription()).isNotBlank();
    }

    /** A code's first call registers its timer as it ends: that registration is not the call's time. */
    @Test
    void registeringATimerIsNotTimed() {
        SimpleMeterRegistry slow = new SimpleMeterRegistry(SimpleConfig.DEFAULT, clock);
        slow.config().meterFilter(new MeterFilter() {
            @Override
            public Meter.Id map(Meter.Id id) {
                if (id.getType() == Meter.Type.TIMER) {
                    clock.add(Duration.ofSeconds(1)); // a registration that takes a second
                }
                return id;
            }
        });
        MicrometerTelemetry t = new MicrometerTelemetry(slow, MicrometerTelemetryConfig.DEFAULT);
        Observation o = t.serverCall("mucp", "greeter", "Greeter.Hello", Metadata.empty());
        clock.add(Duration.ofMillis(7));
        o.end(401, null);

        assertThat(slow.get("microcdi.server.requests").tag("code", "401").timer().totalTime(TimeUnit.MILLISECONDS))
                .isEqualTo(7);
        t.close();
        slow.close();
    }

    @Test
    void failuresAreTaggedWithTheirCodeAndOutcome() {
        telemetry.serverCall("grpc", "greeter", "Greeter.Hello", Metadata.empty()).end(404, null);
        telemetry.serverCall("grpc", "greeter", "Greeter.Hello", Metadata.empty()).end(408, null);
        telemetry.serverCall("grpc", "greeter", "Greeter.Hello", Metadata.empty())
                .end(500, new IllegalStateException("boom"));
        telemetry.serverCall("grpc", "greeter", "Greeter.Hello", Metadata.empty()).end(500, null);

        assertThat(timerCount("microcdi.server.requests", "code", "404", "outcome", "CLIENT_ERROR")).isEqualTo(1);
        assertThat(timerCount("microcdi.server.requests", "code", "408", "outcome", "CLIENT_ERROR")).isEqualTo(1);
        assertThat(timerCount("microcdi.server.requests", "code", "500", "outcome", "SERVER_ERROR")).isEqualTo(2);
        assertThat(registry.find("microcdi.server.requests").tag("code", "200").timer()).isNull();
    }

    @Test
    void codesMapToMicrometersOutcomes() {
        assertThat(MicrometerTelemetry.codeTag(0)).isEqualTo("200");
        assertThat(MicrometerTelemetry.outcome(0)).isEqualTo("SUCCESS");
        assertThat(MicrometerTelemetry.outcome(204)).isEqualTo("SUCCESS");
        assertThat(MicrometerTelemetry.outcome(400)).isEqualTo("CLIENT_ERROR");
        assertThat(MicrometerTelemetry.outcome(401)).isEqualTo("CLIENT_ERROR");
        assertThat(MicrometerTelemetry.outcome(429)).isEqualTo("CLIENT_ERROR");
        assertThat(MicrometerTelemetry.outcome(500)).isEqualTo("SERVER_ERROR");
        assertThat(MicrometerTelemetry.outcome(503)).isEqualTo("SERVER_ERROR");
        assertThat(MicrometerTelemetry.outcome(42)).isEqualTo("UNKNOWN");
        assertThat(MicrometerTelemetry.outcome(1000)).isEqualTo("UNKNOWN");
        assertThat(MicrometerTelemetry.outcome(-3)).isEqualTo("UNKNOWN");
        assertThat(MicrometerTelemetry.codeTag(1000)).isEqualTo("1000");
    }

    @Test
    void codesPastTheLimitShareOneSeries() {
        for (int code = 1000; code < 1000 + ByCode.MAX_CODES + 10; code++) {
            telemetry.serverCall("mucp", "greeter", "Greeter.Hello", Metadata.empty()).end(code, null);
        }
        List<Meter> timers = registry.find("microcdi.server.requests").meters().stream().toList();
        assertThat(timers).hasSize(ByCode.MAX_CODES + 1);
        assertThat(timerCount("microcdi.server.requests", "code", "other", "outcome", "UNKNOWN")).isEqualTo(10);
    }

    @Test
    void theSameEndpointInTwoServicesOrProtocolsIsKeptApart() {
        telemetry.serverCall("mucp", "greeter", "Greeter.Hello", Metadata.empty()).end(0, null);
        telemetry.serverCall("mucp", "other", "Greeter.Hello", Metadata.empty()).end(0, null);
        telemetry.serverCall("grpc", "greeter", "Greeter.Hello", Metadata.empty()).end(0, null);
        telemetry.serverCall("grpc", "greeter", "Greeter.Hello", Metadata.empty()).end(0, null);

        assertThat(timerCount("microcdi.server.requests", "protocol", "mucp", "service", "greeter")).isEqualTo(1);
        assertThat(timerCount("microcdi.server.requests", "protocol", "mucp", "service", "other")).isEqualTo(1);
        assertThat(timerCount("microcdi.server.requests", "protocol", "grpc", "service", "greeter")).isEqualTo(2);
        assertThat(registry.find("microcdi.server.requests.active").gauges()).hasSize(3);
    }

    @Test
    void anUnknownEndpointIsOneSeries() {
        telemetry.serverCall("mucp", "greeter", Telemetry.UNKNOWN, Metadata.empty()).end(404, null);
        telemetry.serverCall("mucp", null, null, Metadata.empty()).end(404, null);
        assertThat(timerCount("microcdi.server.requests", "endpoint", "unknown")).isEqualTo(2);
    }

    @Test
    void aClientCallIsTimedWithItsAttemptsAndRetriesCounted() {
        Observation call = telemetry.clientCall("greeter", "Greeter.Hello");
        assertThat(active("microcdi.client.requests.active", "endpoint", "Greeter.Hello")).isEqualTo(1);
        Observation first = telemetry.clientAttempt("mucp", "greeter", "Greeter.Hello", "127.0.0.1:1", 1,
                Metadata.empty());
        clock.add(Duration.ofMillis(3));
        first.end(503, null);
        telemetry.retried("greeter", "Greeter.Hello", 503);
        telemetry.clientAttempt("mucp", "greeter", "Greeter.Hello", "127.0.0.1:2", 2, Metadata.empty()).end(0, null);
        clock.add(Duration.ofMillis(2));
        call.end(0, null);

        Timer t = registry.get("microcdi.client.requests").tags("service", "greeter", "endpoint", "Greeter.Hello",
                "code", "200", "outcome", "SUCCESS").timer();
        assertThat(t.count()).isEqualTo(1);
        assertThat(t.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(5);
        assertThat(active("microcdi.client.requests.active", "endpoint", "Greeter.Hello")).isZero();
        Counter attempts = registry.get("microcdi.client.attempts").tags("service", "greeter", "endpoint",
                "Greeter.Hello").counter();
        assertThat(attempts.count()).isEqualTo(2);
        assertThat(attempts.getId().getTag("address")).as("node addresses only when asked").isNull();
        assertThat(registry.get("microcdi.client.retries").tags("service", "greeter", "endpoint", "Greeter.Hello",
                "code", "503").counter().count()).isEqualTo(1);
        assertThat(first).as("an attempt has nothing to time").isSameAs(Observation.NONE);
    }

    @Test
    void nodeTagsCountAttemptsPerNode() {
        MicrometerTelemetry perNode = new MicrometerTelemetry(registry, new MicrometerTelemetryConfig(true, true,
                true));
        perNode.clientAttempt("mucp", "greeter", "Greeter.Hello", "127.0.0.1:1", 1, Metadata.empty());
        perNode.clientAttempt("mucp", "greeter", "Greeter.Hello", "127.0.0.1:2", 2, Metadata.empty());
        perNode.clientAttempt("mucp", "greeter", "Greeter.Hello", "127.0.0.1:2", 1, Metadata.empty());
        assertThat(registry.get("microcdi.client.attempts").tag("address", "127.0.0.1:1").counter().count())
                .isEqualTo(1);
        assertThat(registry.get("microcdi.client.attempts").tag("address", "127.0.0.1:2").counter().count())
                .isEqualTo(2);
        perNode.close();
    }

    @Test
    void ejectionsAreCountedByService() {
        telemetry.ejected("greeter");
        telemetry.ejected("greeter");
        telemetry.ejected("billing");
        assertThat(registry.get("microcdi.selector.ejections").tag("service", "greeter").counter().count())
                .isEqualTo(2);
        assertThat(registry.get("microcdi.selector.ejections").tag("service", "billing").counter().count())
                .isEqualTo(1);
    }

    @Test
    void publishesAreTimedByBrokerTopicAndOutcome() {
        Observation ok = telemetry.publish("nats", "events", Metadata.empty());
        clock.add(Duration.ofMillis(4));
        ok.end(0, null);
        telemetry.publish("nats", "events", Metadata.empty()).end(503, null);
        telemetry.publish("nats", "events", Metadata.empty()).end(500, null);

        Timer t = registry.get("microcdi.broker.publish").tags("broker", "nats", "topic", "events", "outcome",
                "SUCCESS").timer();
        assertThat(t.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(4);
        assertThat(t.getId().getTag("code")).isNull();
        assertThat(timerCount("microcdi.broker.publish", "outcome", "SERVER_ERROR")).isEqualTo(2);
    }

    @Test
    void deliveriesAreTimedBySubscriberAndQueue() {
        Observation d = telemetry.deliver("http", "events", "", "Audit.onEvent", Metadata.empty());
        clock.add(Duration.ofMillis(9));
        d.end(0, null);
        telemetry.deliver("http", "events", "workers", "Audit.onEvent", Metadata.empty()).end(500, null);

        Timer t = registry.get("microcdi.broker.deliver").tags("broker", "http", "topic", "events", "queue", "",
                "subscriber", "Audit.onEvent", "code", "200", "outcome", "SUCCESS").timer();
        assertThat(t.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(9);
        assertThat(timerCount("microcdi.broker.deliver", "queue", "workers", "code", "500", "outcome", "SERVER_ERROR"))
                .isEqualTo(1);
    }

    @Test
    void observationsCarryNoTraceContext() {
        Metadata headers = Metadata.of("Micro-From-Service", "caller");
        Observation o = telemetry.serverCall("mucp", "greeter", "Greeter.Hello", headers);
        assertThat(o.propagate(headers)).isSameAs(headers);
        o.end(0, null);
    }

    @Test
    void theMetersOfAnEndpointAreRegisteredOnce() {
        for (int i = 0; i < 100; i++) {
            telemetry.serverCall("mucp", "greeter", "Greeter.Hello", Metadata.empty()).end(0, null);
            telemetry.clientCall("greeter", "Greeter.Hello").end(0, null);
        }
        assertThat(registry.getMeters()).hasSize(4); // two timers, two gauges
        assertThat(timerCount("microcdi.server.requests", "service", "greeter")).isEqualTo(100);
    }

    @Test
    void aGaugeSamplesItsOwnerAndHoldsItWeakly() {
        AtomicInteger kept = new AtomicInteger(3);
        telemetry.gauge("microcdi.selector.cache.nodes", "Nodes the selector's cache holds", Map.of("service", "a"),
                kept, AtomicInteger::get);
        telemetry.gauge("microcdi.selector.cache.nodes", "Nodes the selector's cache holds", Map.of("service", "b"),
                new AtomicInteger(5), AtomicInteger::get);

        Gauge a = registry.get("microcdi.selector.cache.nodes").tag("service", "a").gauge();
        Gauge b = registry.get("microcdi.selector.cache.nodes").tag("service", "b").gauge();
        assertThat(a.getId().getDescription()).isEqualTo("Nodes the selector's cache holds");
        kept.set(4);
        assertThat(a.value()).isEqualTo(4);
        // b's owner is referenced by nothing but the gauge: once collected, the gauge reads NaN
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            System.gc();
            return Double.isNaN(b.value());
        });
        assertThat(a.value()).isEqualTo(4);
    }

    @Test
    void closeRemovesEveryMeterItRegisteredAndLeavesTheOthers() {
        Counter mine = registry.counter("app.orders");
        telemetry.serverCall("mucp", "greeter", "Greeter.Hello", Metadata.empty()).end(0, null);
        telemetry.clientCall("greeter", "Greeter.Hello").end(404, null);
        telemetry.clientAttempt("mucp", "greeter", "Greeter.Hello", "127.0.0.1:1", 1, Metadata.empty());
        telemetry.retried("greeter", "Greeter.Hello", 500);
        telemetry.ejected("greeter");
        telemetry.publish("http", "events", Metadata.empty()).end(0, null);
        telemetry.deliver("http", "events", "", "Audit.onEvent", Metadata.empty()).end(0, null);
        AtomicInteger owner = new AtomicInteger();
        telemetry.gauge("microcdi.selector.cache.nodes", "Nodes", Map.of(), owner, AtomicInteger::get);
        assertThat(registry.getMeters()).hasSize(11);

        telemetry.close();
        assertThat(registry.getMeters()).containsExactly(mine);
        assertThat(registry.isClosed()).isFalse();
    }

    private double active(String name, String tag, String value) {
        return registry.get(name).tag(tag, value).gauge().value();
    }

    /** The calls counted by every timer of {@code name} with these tags. */
    private long timerCount(String name, String... tags) {
        return registry.find(name).tags(tags).timers().stream().mapToLong(Timer::count).sum();
    }
}
