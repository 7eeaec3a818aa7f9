package io.microcdi.broker.kafka;

import io.microcdi.broker.Broker;
import io.microcdi.broker.BrokerMessage;
import io.microcdi.broker.Event;
import io.microcdi.broker.SubscribeOptions;
import io.microcdi.broker.delivery.DeliveryConfig;
import io.microcdi.config.MicroConfig;
import io.microcdi.metadata.Metadata;
import io.microcdi.testing.kafka.KafkaServer;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * How many messages a Kafka subscription handles at a time: one per partition it owns, each partition in offset
 * order (its lane), the partitions side by side on the subscriber workers, so a subscription's concurrency is its
 * partition count, capped by {@code micro.broker.handler-threads} where the workers are a pool; for a queue group
 * member and a broadcast subscriber, on the module's real Kafka broker.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class KafkaConcurrencyTest {

    private static final Duration SEEN = Duration.ofSeconds(30);
    private static final int PARTITIONS = 4;
    /** Sixteen keys, four on each partition (as Kafka's default partitioner places them). */
    private static final List<String> KEYS = keys();

    static KafkaServer kafka;

    private final List<Broker> brokers = new ArrayList<>();

    @BeforeAll
    static void startKafka() {
        KafkaServer.assumeAvailable();
        kafka = KafkaServer.shared();
    }

    @AfterEach
    void disconnect() {
        brokers.forEach(Broker::disconnect);
    }

    /** The partition of {@code key}, as the producer's default partitioner computes it. */
    static int partitionOf(String key) {
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % PARTITIONS;
    }

    private static List<String> keys() {
        Map<Integer, List<String>> byPartition = new HashMap<>();
        for (int i = 0; byPartition.values().stream().mapToInt(List::size).sum() < 4 * PARTITIONS; i++) {
            String key = "key-" + i;
            List<String> some = byPartition.computeIfAbsent(partitionOf(key), p -> new ArrayList<>());
            if (some.size() < 4) {
                some.add(key);
            }
        }
        return byPartition.values().stream().flatMap(List::stream).toList();
    }

    private Broker broker(String... more) {
        Map<String, String> values = new HashMap<>(KafkaBrokerContractTest.fastGroups(kafka));
        values.put(KafkaBrokerConfig.TOPIC_PARTITIONS, String.valueOf(PARTITIONS));
        for (int i = 0; i < more.length; i += 2) {
            values.put(more[i], more[i + 1]);
        }
        Broker b = new KafkaBroker(KafkaBrokerConfig.from(MicroConfig.of(values)));
        b.connect();
        brokers.add(b);
        return b;
    }

    /** Handlers running now and at most, in all and per partition; each waits at the gate until it opens. */
    static final class Lanes implements Broker.Handler {
        final AtomicInteger now = new AtomicInteger();
        final AtomicInteger max = new AtomicInteger();
        final AtomicIntegerArray nowOf = new AtomicIntegerArray(PARTITIONS);
        final AtomicIntegerArray maxOf = new AtomicIntegerArray(PARTITIONS);
        final CountDownLatch gate = new CountDownLatch(1);
        final Map<String, List<Integer>> seqsOf = new ConcurrentHashMap<>();
        final List<String> threads = new CopyOnWriteArrayList<>();

        @Override
        public void handle(Event event) throws Exception {
            String key = event.message().header().get(KafkaBroker.KEY_HEADER);
            int p = partitionOf(key);
            max.accumulateAndGet(now.incrementAndGet(), Math::max);
            int inPartition = nowOf.incrementAndGet(p);
            maxOf.accumulateAndGet(p, inPartition, Math::max);
            threads.add(Thread.currentThread().getName());
            try {
                assertThat(gate.await(60, TimeUnit.SECONDS)).as("the gate opened").isTrue();
                String body = new String(event.message().body(), StandardCharsets.UTF_8);
                seqsOf.computeIfAbsent(key, k -> new CopyOnWriteArrayList<>())
                        .add(Integer.parseInt(body.substring(body.indexOf(':') + 1)));
            } finally {
                nowOf.decrementAndGet(p);
                now.decrementAndGet();
            }
        }

        int handled() {
            return seqsOf.values().stream().mapToInt(List::size).sum();
        }

        int maxInOnePartition() {
            int m = 0;
            for (int p = 0; p < PARTITIONS; p++) {
                m = Math.max(m, maxOf.get(p));
            }
            return m;
        }
    }

    /** Publishes {@code n} messages {@code key:seq} round the keys, and waits until Kafka stored them. */
    private static void publish(Broker publisher, String topic, int n) {
        List<CompletableFuture<Void>> sent = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String key = KEYS.get(i % KEYS.size());
            sent.add(publisher.publish(topic, new BrokerMessage(Metadata.of("Content-Type", "text/plain",
                    KafkaBroker.KEY_HEADER, key), (key + ":" + i).getBytes(StandardCharsets.UTF_8))));
        }
        CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).join();
    }

    private static String topic() {
        return "lanes-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @ParameterizedTest(name = "queue \"{0}\"")
    @ValueSource(strings = {"lanes", ""})
    void thePartitionsRunSideBySideEachOneMessageAtATimeInOrder(String queue) {
        Set<Integer> partitions = new HashSet<>();
        KEYS.forEach(k -> partitions.add(partitionOf(k)));
        assertThat(partitions).hasSize(PARTITIONS);
        String topic = topic();
        Lanes lanes = new Lanes();
        broker().subscribe(topic, lanes, queue.isEmpty() ? SubscribeOptions.broadcast()
                : SubscribeOptions.queue(queue));
        int n = 320;
        publish(broker(), topic, n);

        // each partition's first message is in its handler, held at the gate: four at once, one per partition
        await().atMost(SEEN).until(() -> lanes.now.get() == PARTITIONS);
        assertThat(lanes.maxInOnePartition()).isEqualTo(1);
        lanes.gate.countDown();

        await().atMost(SEEN).until(() -> lanes.handled() >= n);
        assertThat(lanes.handled()).isEqualTo(n);
        assertThat(lanes.max.get()).isEqualTo(PARTITIONS);
        assertThat(lanes.maxInOnePartition()).as("never two messages of one partition at once").isEqualTo(1);
        assertThat(lanes.seqsOf).hasSize(KEYS.size()).allSatisfy((key, seqs) ->
                assertThat(seqs).as(key).isSorted().doesNotHaveDuplicates().hasSize(n / KEYS.size()));
    }

    @Test
    void aPoolOfTwoWorkersRunsTwoPartitionsAtATime() {
        String topic = topic();
        Lanes lanes = new Lanes();
        Broker b = broker(DeliveryConfig.VIRTUAL_THREADS, "false", DeliveryConfig.HANDLER_THREADS, "2");
        b.subscribe(topic, lanes, SubscribeOptions.queue("two-workers"));
        int n = 64;
        publish(b, topic, n);

        await().atMost(SEEN).until(() -> lanes.now.get() == 2);
        lanes.gate.countDown();

        await().atMost(SEEN).until(() -> lanes.handled() >= n);
        assertThat(lanes.max.get()).isEqualTo(2);
        assertThat(lanes.maxInOnePartition()).isEqualTo(1);
        assertThat(new HashSet<>(lanes.threads)).hasSize(2).allSatisfy(t -> assertThat(t)
                .startsWith("microcdi-kafka-subscribers-"));
        assertThat(lanes.seqsOf).allSatisfy((key, seqs) -> assertThat(seqs).as(key).isSorted());
    }
}
