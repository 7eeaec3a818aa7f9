package io.microcdi.broker.kafka;

import io.microcdi.broker.BrokerMessage;
import io.microcdi.broker.SubscribeOptions;
import io.microcdi.broker.Subscription;
import io.microcdi.config.MicroConfig;
import io.microcdi.metadata.Metadata;
import io.microcdi.telemetry.micrometer.MicrometerTelemetry;
import io.microcdi.telemetry.micrometer.MicrometerTelemetryConfig;
import io.microcdi.testing.kafka.KafkaServer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The {@value KafkaBroker#LAG} gauge on the module's real Kafka broker, in a real Micrometer registry: it counts the
 * messages a blocked subscriber has not handled, whether fetched already or still in Kafka, falls back to zero once
 * they are, and reads {@code NaN} once the subscription is gone.
 */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class KafkaLagTest {

    private static final int MESSAGES = 50;
    private static final Duration SEEN = Duration.ofSeconds(20);

    static KafkaServer kafka;

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final MicrometerTelemetry telemetry = new MicrometerTelemetry(registry, MicrometerTelemetryConfig.DEFAULT);
    private final CountDownLatch release = new CountDownLatch(1);
    private KafkaBroker broker;

    @BeforeAll
    static void startKafka() {
        KafkaServer.assumeAvailable();
        kafka = KafkaServer.shared();
    }

    @AfterEach
    void close() {
        release.countDown();
        if (broker != null) {
            broker.disconnect();
        }
        telemetry.close();
    }

    private void connect(String... more) {
        Map<String, String> values = new HashMap<>(KafkaBrokerContractTest.fastGroups(kafka));
        for (int i = 0; i < more.length; i += 2) {
            values.put(more[i], more[i + 1]);
        }
        broker = new KafkaBroker(KafkaBrokerConfig.from(MicroConfig.of(values)));
        broker.observe(telemetry);
        broker.connect();
    }

    private Subscription blocked(String topic, AtomicInteger handled) {
        return broker.subscribe(topic, e -> {
            release.await();
            handled.incrementAndGet();
        }, SubscribeOptions.queue("lagging"));
    }

    /** One key: one partition, so that its lag is all of them. */
    private void publish(String topic) {
        List<CompletableFuture<Void>> sent = new ArrayList<>();
        for (int i = 0; i < MESSAGES; i++) {
            sent.add(broker.publish(topic, new BrokerMessage(Metadata.of(KafkaBroker.KEY_HEADER, "one"),
                    ("m" + i).getBytes(StandardCharsets.UTF_8))));
        }
        CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).join();
    }

    @Test
    void theLagCountsWhatABlockedQueueHasNotHandledAndFallsBackToZero() {
        connect();
        String topic = "lag-" + UUID.randomUUID().toString().substring(0, 8);
        AtomicInteger handled = new AtomicInteger();
        Subscription s = blocked(topic, handled);
        Subscription broadcast = broker.subscribe(topic, e -> { }, SubscribeOptions.broadcast());
        Gauge lag = registry.get(KafkaBroker.LAG).tags("broker", "kafka", "topic", topic, "queue", "lagging").gauge();
        Gauge broadcastLag = registry.get(KafkaBroker.LAG).tags("topic", topic, "queue", "").gauge();

        // all fetched (Kafka's own lag is 0): the first in the handler's hands, the other 49 queued behind it
        publish(topic);

        await().atMost(SEEN).until(lag::value, v -> v == MESSAGES);
        await().atMost(SEEN).until(broadcastLag::value, v -> v == 0);
        assertThat(handled).hasValue(0);

        release.countDown();
        await().atMost(SEEN).until(lag::value, v -> v == 0);
        assertThat(handled).hasValue(MESSAGES);

        s.unsubscribe();
        broadcast.unsubscribe();
        assertThat(lag.value()).isNaN();
        assertThat(broadcastLag.value()).isNaN();
    }

    @Test
    void theLagCountsWhatKafkaStillHoldsBehindAPausedPartition() {
        // ten records a poll, and a partition paused once ten wait: most of the fifty stay in Kafka
        connect(KafkaBrokerConfig.MAX_POLL_RECORDS, "10", KafkaBrokerConfig.AUTO_OFFSET_RESET, "earliest");
        String topic = "lag-" + UUID.randomUUID().toString().substring(0, 8);
        publish(topic);
        AtomicInteger handled = new AtomicInteger();
        blocked(topic, handled);
        Gauge lag = registry.get(KafkaBroker.LAG).tags("topic", topic, "queue", "lagging").gauge();

        await().atMost(SEEN).until(lag::value, v -> v == MESSAGES);
        release.countDown();
        await().atMost(SEEN).until(lag::value, v -> v == 0);
        assertThat(handled).hasValue(MESSAGES);
    }
}
