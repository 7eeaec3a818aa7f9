package io.microcdi.broker.kafka;

import io.microcdi.broker.Broker;
import io.microcdi.broker.BrokerMessage;
import io.microcdi.broker.SubscribeOptions;
import io.microcdi.config.MicroConfig;
import io.microcdi.errors.MicroException;
import io.microcdi.metadata.Metadata;
import io.microcdi.testing.kafka.KafkaServer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
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
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What the Kafka broker promises beyond the contract, on the module's real Kafka broker: a poison message goes to
 * the dead-letter topic and the rest flow, an offset is committed only after its subscriber returned, a member joining
 * a group takes partitions over without losing, repeating or reordering a key's messages, a retry keeps the key's
 * order, a slow subscriber is not dropped from its group, the wire is Go Micro's, and a publish while Kafka is down
 * fails within the publish timeout.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class KafkaFaultTest {

    private static final Duration SEEN = Duration.ofSeconds(30);

    static KafkaServer kafka;

    private final List<AutoCloseable> closing = new ArrayList<>();

    @BeforeAll
    static void startKafka() {
        KafkaServer.assumeAvailable();
        kafka = KafkaServer.shared();
    }

    @AfterEach
    void closeAll() throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
    }

    private Broker broker(String... more) {
        return brokerOn(kafka, more);
    }

    private Broker brokerOn(KafkaServer on, String... more) {
        Map<String, String> values = new HashMap<>(KafkaBrokerContractTest.fastGroups(on));
        for (int i = 0; i < more.length; i += 2) {
            values.put(more[i], more[i + 1]);
        }
        Broker b = new KafkaBroker(KafkaBrokerConfig.from(MicroConfig.of(values)));
        b.connect();
        closing.add(b::disconnect);
        return b;
    }

    private static String topic() {
        return "kf-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static BrokerMessage keyed(String key, String body) {
        return new BrokerMessage(Metadata.of("Content-Type", "text/plain", KafkaBroker.KEY_HEADER, key),
                body.getBytes(StandardCharsets.UTF_8));
    }

    private static String text(BrokerMessage m) {
        return new String(m.body(), StandardCharsets.UTF_8);
    }

    /** Publishes {@code k<i % keys>:<i>} for i in [from, to), keyed, and waits for each. */
    private static void publishKeyed(Broker publisher, String topic, int from, int to, int keys) {
        List<CompletableFuture<Void>> all = new ArrayList<>();
        for (int i = from; i < to; i++) {
            all.add(publisher.publish(topic, keyed("k" + i % keys, "k" + i % keys + ":" + i)));
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
    }

    /** For each key, the numbers handled in the order they were handled. */
    private static Map<String, List<Integer>> byKey(List<String> handled) {
        Map<String, List<Integer>> out = new HashMap<>();
        for (String h : handled) {
            String[] kv = h.split(":");
            out.computeIfAbsent(kv[0], k -> new ArrayList<>()).add(Integer.parseInt(kv[1]));
        }
        return out;
    }

    private static void assertInOrder(Map<String, List<Integer>> byKey) {
        byKey.forEach((key, ids) -> {
            for (int i = 1; i < ids.size(); i++) {
                assertThat(ids.get(i)).as("key %s: %s", key, ids).isGreaterThan(ids.get(i - 1));
            }
        });
    }

    private KafkaProducer<byte[], byte[]> rawProducer() {
        KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrapServers()), new ByteArraySerializer(), new ByteArraySerializer());
        closing.add(p);
        return p;
    }

    private KafkaConsumer<byte[], byte[]> rawConsumer(String topic) {
        KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrapServers(), ConsumerConfig.GROUP_ID_CONFIG, "raw-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        c.subscribe(List.of(topic));
        closing.add(c);
        return c;
    }

    private static List<ConsumerRecord<byte[], byte[]>> pollUntil(KafkaConsumer<byte[], byte[]> c, int n) {
        List<ConsumerRecord<byte[], byte[]>> got = new ArrayList<>();
        await().atMost(SEEN).until(() -> {
            c.poll(Duration.ofMillis(100)).forEach(got::add);
            return got.size() >= n;
        });
        return got;
    }

    @Test
    void aPoisonMessageGoesToTheDeadLetterTopicAndTheRestFlowInOrder() {
        String topic = topic();
        List<String> handled = new CopyOnWriteArrayList<>();
        AtomicInteger poisonAttempts = new AtomicInteger();
        broker().subscribe(topic, e -> {
            String body = text(e.message());
            if (body.endsWith(":13")) {
                poisonAttempts.incrementAndGet();
                throw new IllegalArgumentException("cannot ship order 13");
            }
            handled.add(body);
        }, SubscribeOptions.queue("shipping"));
        Broker publisher = broker();
        // the same key as the poison one, and a record that is no broker message at all
        publishKeyed(publisher, topic, 0, 30, 1);
        rawProducer().send(new ProducerRecord<>(topic, "k0".getBytes(StandardCharsets.UTF_8),
                "not json".getBytes(StandardCharsets.UTF_8)));
        publishKeyed(publisher, topic, 30, 40, 1);

        await().atMost(SEEN).until(() -> handled.size() == 39);
        assertThat(poisonAttempts.get()).as("micro.broker.retries=2: three attempts").isEqualTo(3);
        assertInOrder(byKey(handled));
        List<ConsumerRecord<byte[], byte[]>> dead = pollUntil(rawConsumer("dead." + topic), 2);
        assertThat(dead).hasSize(2);
        assertThat(new String(dead.get(0).value(), StandardCharsets.UTF_8)).contains("\"Micro-Error\":\"cannot ship "
                + "order 13\"");
        assertThat(new String(dead.get(0).key(), StandardCharsets.UTF_8)).isEqualTo("k0");
        assertThat(new String(dead.get(1).value(), StandardCharsets.UTF_8)).isEqualTo("not json");
        assertThat(new String(dead.get(1).headers().lastHeader("Micro-Error").value(), StandardCharsets.UTF_8))
                .startsWith("not a Go Micro broker message");
    }

    @Test
    void anOffsetIsCommittedOnlyAfterItsSubscriberReturned() throws Exception {
        String topic = topic();
        CountDownLatch stuck = new CountDownLatch(1);
        CountDownLatch never = new CountDownLatch(1);
        List<String> first = new CopyOnWriteArrayList<>();
        Broker member = broker(KafkaBrokerConfig.TOPIC_PARTITIONS, "1", KafkaBrokerConfig.DRAIN_TIMEOUT, "1s");
        member.subscribe(topic, e -> {
            String body = text(e.message());
            if (body.endsWith(":5")) {
                stuck.countDown();
                never.await(); // held until the member is gone: never returns while it owns the partition
            }
            first.add(body);
        }, SubscribeOptions.queue("g"));
        Broker publisher = broker();
        publishKeyed(publisher, topic, 0, 10, 1);
        assertThat(stuck.await(SEEN.toSeconds(), TimeUnit.SECONDS)).isTrue();

        member.disconnect(); // waits 1 s for message 5, commits 0..4, leaves
        never.countDown();
        List<String> second = new CopyOnWriteArrayList<>();
        broker().subscribe(topic, e -> second.add(text(e.message())), SubscribeOptions.queue("g"));

        await().atMost(SEEN).until(() -> second.size() >= 5);
        assertThat(first).as("handled before the member left").startsWith("k0:0", "k0:1", "k0:2", "k0:3", "k0:4");
        assertThat(second).as("from the first message not handled, nothing committed before it again")
                .containsExactly("k0:5", "k0:6", "k0:7", "k0:8", "k0:9");
    }

    @Test
    void aMemberJoiningMidStreamTakesPartitionsOverWithoutLossRepeatOrReorder() {
        String topic = topic();
        List<String> handled = new CopyOnWriteArrayList<>(); // one list in handling order, both members
        Map<String, AtomicInteger> perMember = new ConcurrentHashMap<>();
        Broker.Handler slow = e -> {
            handled.add(text(e.message()));
            Thread.sleep(1); // the stream is still being handled when the second member joins
        };
        broker().subscribe(topic, e -> {
            perMember.computeIfAbsent("one", k -> new AtomicInteger()).incrementAndGet();
            slow.handle(e);
        }, SubscribeOptions.queue("g"));
        Broker publisher = broker();
        int n = 2_000;
        publishKeyed(publisher, topic, 0, n / 2, 16);
        await().atMost(SEEN).until(() -> handled.size() >= 200);

        broker().subscribe(topic, e -> {
            perMember.computeIfAbsent("two", k -> new AtomicInteger()).incrementAndGet();
            slow.handle(e);
        }, SubscribeOptions.queue("g"));
        publishKeyed(publisher, topic, n / 2, n, 16);

        await().atMost(SEEN).until(() -> handled.size() >= n);
        assertThat(Set.copyOf(handled)).as("every message").hasSize(n);
        assertThat(handled).as("none twice: the leaving owner committed what it handled before the new one started")
                .hasSize(n);
        assertInOrder(byKey(handled));
        assertThat(perMember.get("two")).as("the new member took partitions").isNotNull();
    }

    @Test
    void aRetryKeepsTheOrderOfItsKey() {
        String topic = topic();
        List<String> handled = new CopyOnWriteArrayList<>();
        Set<String> failedOnce = ConcurrentHashMap.newKeySet();
        broker().subscribe(topic, e -> {
            String body = text(e.message());
            if (Integer.parseInt(body.split(":")[1]) % 7 == 0 && failedOnce.add(body)) {
                throw new IllegalStateException("first attempt of " + body);
            }
            handled.add(body);
        }, SubscribeOptions.queue("g"));
        publishKeyed(broker(), topic, 0, 700, 10);

        await().atMost(SEEN).until(() -> handled.size() >= 700);
        assertThat(handled).hasSize(700);
        assertThat(failedOnce).hasSize(100);
        assertInOrder(byKey(handled));
    }

    @Test
    void aSubscriberSlowerThanTheMaxPollIntervalKeepsItsPartitions() {
        String topic = topic();
        List<String> handled = new CopyOnWriteArrayList<>();
        broker(KafkaBrokerConfig.MAX_POLL_INTERVAL, "1500ms", KafkaBrokerConfig.DRAIN_TIMEOUT, "1s",
                KafkaBrokerConfig.MAX_POLL_RECORDS, "2", KafkaBrokerConfig.TOPIC_PARTITIONS, "1")
                .subscribe(topic, e -> {
                    String body = text(e.message());
                    if (body.endsWith(":0") || body.endsWith(":1")) {
                        Thread.sleep(2_000); // longer than max.poll.interval.ms: the poll thread must go on
                    }
                    handled.add(body);
                }, SubscribeOptions.queue("g"));
        publishKeyed(broker(), topic, 0, 20, 1);

        await().atMost(SEEN).until(() -> handled.size() >= 20);
        assertThat(handled).as("each once, in order: the member was never dropped from its group").hasSize(20);
        assertInOrder(byKey(handled));
    }

    @Test
    void theRecordIsGoMicrosBrokerMessageJsonAndGoMicrosRecordsAreRead() {
        String topic = topic();
        List<BrokerMessage> got = new CopyOnWriteArrayList<>();
        broker().subscribe(topic, e -> got.add(e.message()), SubscribeOptions.broadcast());
        KafkaConsumer<byte[], byte[]> raw = rawConsumer(topic);

        broker().publish(topic, new BrokerMessage(Metadata.of("Content-Type", "application/json", "Micro-Key", "c1"),
                "{\"id\":1}".getBytes(StandardCharsets.UTF_8))).join();
        // what Go Micro's broker/kafka sends: the JSON envelope as the value, no key, no headers
        rawProducer().send(new ProducerRecord<>(topic, ("{\"Header\":{\"Content-Type\":\"application/json\"},"
                + "\"Body\":\"eyJpZCI6Mn0=\"}").getBytes(StandardCharsets.UTF_8)));

        ConsumerRecord<byte[], byte[]> first = pollUntil(raw, 2).stream().filter(r -> r.key() != null).findFirst()
                .orElseThrow();
        assertThat(new String(first.value(), StandardCharsets.UTF_8)).isEqualTo("{\"Header\":{\"Content-Type\":"
                + "\"application/json\",\"Micro-Key\":\"c1\"},\"Body\":\"eyJpZCI6MX0=\"}");
        assertThat(new String(first.key(), StandardCharsets.UTF_8)).isEqualTo("c1");
        assertThat(new String(first.headers().lastHeader("Content-Type").value(), StandardCharsets.UTF_8))
                .isEqualTo("application/json");
        await().atMost(SEEN).until(() -> got.size() == 2);
        assertThat(text(got.get(1))).isEqualTo("{\"id\":2}");
        assertThat(got.get(1).header().get("Content-Type")).isEqualTo("application/json");
    }

    @Test
    void withTheHeadersWireTheValueIsTheBodyAndTheHeadersAreKafkaHeaders() {
        String topic = topic();
        List<BrokerMessage> got = new CopyOnWriteArrayList<>();
        broker(KafkaBrokerConfig.WIRE, "headers").subscribe(topic, e -> got.add(e.message()),
                SubscribeOptions.queue("h"));
        KafkaConsumer<byte[], byte[]> raw = rawConsumer(topic);

        broker(KafkaBrokerConfig.WIRE, "headers").publish(topic, new BrokerMessage(Metadata.of("Content-Type",
                "text/plain", "X-Trace", "é"), "plain".getBytes(StandardCharsets.UTF_8))).join();

        ConsumerRecord<byte[], byte[]> r = pollUntil(raw, 1).get(0);
        assertThat(new String(r.value(), StandardCharsets.UTF_8)).isEqualTo("plain");
        assertThat(new String(r.headers().lastHeader("X-Trace").value(), StandardCharsets.UTF_8)).isEqualTo("é");
        await().atMost(SEEN).until(() -> got.size() == 1);
        assertThat(got.get(0).header().get("x-trace")).isEqualTo("é");
    }

    @Test
    void aPublishWhileKafkaIsDownFailsWithinThePublishTimeoutAndWorksOnceItIsBack() throws Exception {
        KafkaServer own = KafkaServer.start();
        closing.add(own);
        Broker b = brokerOn(own, "micro.broker.publish-timeout", "2s");
        String topic = topic();
        b.publish(topic, keyed("k", "before")).join();
        assertThat(b.connected()).isTrue();

        own.kill();
        CompletableFuture<Void> lost = b.publish(topic, keyed("k", "while down"));

        assertThat(lost).failsWithin(Duration.ofSeconds(10)).withThrowableOfType(ExecutionException.class)
                .havingCause().isInstanceOfSatisfying(MicroException.class, e -> {
                    assertThat(e.code()).isIn(408, 503);
                    assertThat(e.detail()).contains(topic);
                });
        await().atMost(Duration.ofSeconds(15)).until(() -> !b.connected());

        own.restart();
        await().atMost(SEEN).untilAsserted(() ->
                assertThat(b.publish(topic, keyed("k", "after"))).succeedsWithin(Duration.ofSeconds(5)));
        await().atMost(Duration.ofSeconds(15)).until(b::connected);
    }
}
