package io.microcdi.broker.kafka;

import io.microcdi.broker.Broker;
import io.microcdi.broker.BrokerMessage;
import io.microcdi.broker.kafka.cdi.Handled;
import io.microcdi.broker.kafka.cdi.Order;
import io.microcdi.broker.kafka.cdi.ShippingA;
import io.microcdi.broker.kafka.cdi.ShippingB;
import io.microcdi.broker.kafka.cdi.Shop;
import io.microcdi.cdi.MicroLifecycle;
import io.microcdi.cdi.MicroProducers;
import io.microcdi.config.MicroConfig;
import io.microcdi.metadata.Metadata;
import io.microcdi.testing.FreePorts;
import io.microcdi.testing.kafka.KafkaServer;
import jakarta.enterprise.inject.se.SeContainer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.eclipse.microprofile.config.spi.ConfigProviderResolver;
import org.jboss.weld.environment.se.Weld;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The {@code kafka} broker chosen by {@code micro.broker=kafka} in a Weld SE container, on the module's real Kafka
 * broker: {@code @Subscribe} beans of one queue group share a topic, a {@code @Topic} publisher's metadata arrive as
 * headers and {@code Micro-Key} is the record key (one key, one member, in order), and closing the container leaves
 * the group empty with everything handled committed, and no thread of the plugin running.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class KafkaBrokerCdiTest {

    private static final Duration SEEN = Duration.ofSeconds(30);

    static KafkaServer kafka;

    private final Set<String> keys = new HashSet<>();
    private final List<AutoCloseable> closing = new ArrayList<>();
    private String topic;
    private String group;
    private String clientId;
    private SeContainer container;

    @BeforeAll
    static void startKafka() {
        KafkaServer.assumeAvailable();
        kafka = KafkaServer.shared();
    }

    @BeforeEach
    void names() {
        String id = UUID.randomUUID().toString().substring(0, 8);
        topic = "cdi-orders-" + id;
        group = "cdi-shipping-" + id;
        clientId = "cdi-" + id;
    }

    @AfterEach
    void close() throws Exception {
        if (container != null && container.isRunning()) {
            container.close();
        }
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
        keys.forEach(System::clearProperty);
    }

    /** The settings of a container on the shared Kafka, with a topic, group and client id of this test's own. */
    private Map<String, String> kafkaConfig(String... more) {
        Map<String, String> c = new HashMap<>(KafkaBrokerContractTest.fastGroups(kafka));
        c.put("micro.registry", "memory");
        c.put("micro.broker", "kafka");
        c.put(KafkaBrokerConfig.CLIENT_ID, clientId);
        c.put("test.kafka.topic", topic);
        c.put("test.kafka.group", group);
        for (int i = 0; i < more.length; i += 2) {
            c.put(more[i], more[i + 1]);
        }
        return c;
    }

    private SeContainer boot(Map<String, String> config, Class<?>... beans) {
        config.forEach((k, v) -> {
            keys.add(k);
            System.setProperty(k, v);
        });
        // SmallRye caches the Config per class loader: drop it so this boot reads the properties above
        ConfigProviderResolver resolver = ConfigProviderResolver.instance();
        resolver.releaseConfig(resolver.getConfig());
        return new Weld().disableDiscovery()
                .property(Weld.SHUTDOWN_HOOK_SYSTEM_PROPERTY, false)
                .addBeanClasses(MicroProducers.class, MicroLifecycle.class)
                .addBeanClasses(beans)
                .initialize();
    }

    private <T> T bean(Class<T> type) {
        return container.select(type).get();
    }

    private Admin admin() {
        Admin a = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
        closing.add(a);
        return a;
    }

    @Test
    void aQueueGroupOfBeansSharesTheTopicWithKeysInOrderAndMetadataAsHeaders() throws Exception {
        container = boot(kafkaConfig(), Shop.class, ShippingA.class, ShippingB.class);
        Broker broker = bean(Shop.class).broker();
        assertThat(broker.name()).isEqualTo("kafka");
        assertThat(broker.address()).isEqualTo(kafka.bootstrapServers());

        int keyCount = 16;
        int n = 400;
        for (int i = 0; i < n; i++) {
            String customer = "c" + i % keyCount;
            bean(Shop.class).orders().publish(new Order(customer, i),
                    Metadata.of(KafkaBroker.KEY_HEADER, customer, "X-Tenant", "acme"));
        }

        Handled a = bean(ShippingA.class).handled();
        Handled b = bean(ShippingB.class).handled();
        await().atMost(SEEN).until(() -> a.size() + b.size() >= n);
        List<Order> all = new ArrayList<>(a.orders());
        all.addAll(b.orders());
        assertThat(all).hasSize(n).doesNotHaveDuplicates();
        // four partitions, two members: each was given some, and sixteen keys land on all four
        assertThat(a.size()).isPositive();
        assertThat(b.size()).isPositive();
        Set<String> keysOfA = new HashSet<>();
        a.orders().forEach(o -> keysOfA.add(o.customer()));
        b.orders().forEach(o -> assertThat(keysOfA).as("a key is one partition, handled by one member")
                .doesNotContain(o.customer()));
        for (Handled member : List.of(a, b)) {
            Map<String, Integer> last = new HashMap<>();
            for (Order o : member.orders()) {
                Integer before = last.put(o.customer(), o.seq());
                assertThat(before == null || before < o.seq()).as("%s after %s", o, before).isTrue();
            }
            assertThat(member.deliveries()).allSatisfy(d -> {
                assertThat(d.metadata().get("X-Tenant")).isEqualTo("acme");
                assertThat(d.metadata().get(KafkaBroker.KEY_HEADER)).isEqualTo(d.order().customer());
                assertThat(d.metadata().get("Micro-Topic")).isEqualTo(topic);
                assertThat(d.metadata().get("Content-Type")).isEqualTo("application/json");
                // on the workers (named, or virtual), never on the poll thread nor the publisher's
                assertThat(d.thread()).isNotEqualTo(Thread.currentThread().getName())
                        .doesNotStartWith("microcdi-kafka-" + topic);
            });
        }

        // on Kafka itself: Micro-Key is the record key, and the headers are Kafka headers
        List<ConsumerRecord<byte[], byte[]>> records = readAll(n);
        assertThat(records).allSatisfy(r -> {
            String key = new String(r.key(), StandardCharsets.UTF_8);
            assertThat(new String(r.headers().lastHeader(KafkaBroker.KEY_HEADER).value(), StandardCharsets.UTF_8))
                    .isEqualTo(key);
            assertThat(new String(r.headers().lastHeader("X-Tenant").value(), StandardCharsets.UTF_8))
                    .isEqualTo("acme");
        });
        Map<String, Set<Integer>> partitionsOfKey = new HashMap<>();
        records.forEach(r -> partitionsOfKey.computeIfAbsent(new String(r.key(), StandardCharsets.UTF_8),
                k -> new HashSet<>()).add(r.partition()));
        assertThat(partitionsOfKey).hasSize(keyCount).allSatisfy((key, partitions) ->
                assertThat(partitions).as(key).hasSize(1));
    }

    /** Every record of the topic, from the start, read by a plain consumer that joins no group. */
    private List<ConsumerRecord<byte[], byte[]>> readAll(int expected) {
        KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        closing.add(c);
        List<TopicPartition> partitions = c.partitionsFor(topic).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
        c.assign(partitions);
        c.seekToBeginning(partitions);
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        await().atMost(SEEN).until(() -> {
            c.poll(Duration.ofMillis(200)).forEach(out::add);
            return out.size() >= expected;
        });
        return out;
    }

    @Test
    void closingTheContainerLeavesTheGroupCommittedAndNoThreadBehind() throws Exception {
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        container = boot(kafkaConfig(), Shop.class, ShippingA.class, ShippingB.class);
        Admin admin = admin();
        assertThat(admin.describeConsumerGroups(List.of(group)).all().get().get(group).members()).hasSize(2);
        int n = 50;
        for (int i = 0; i < n; i++) {
            bean(Shop.class).orders().publish(new Order("c" + i % 8, i), Metadata.of(KafkaBroker.KEY_HEADER,
                    "c" + i % 8));
        }
        Handled a = bean(ShippingA.class).handled();
        Handled b = bean(ShippingB.class).handled();
        await().atMost(SEEN).until(() -> a.size() + b.size() >= n);
        assertThat(pluginThreads(before)).as("what the check below looks for").isNotEmpty();

        container.close();

        // the members left the group (not merely went silent until the session timed out)...
        assertThat(admin.describeConsumerGroups(List.of(group)).all().get().get(group).members()).isEmpty();
        // ...after committing every message they handled
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get();
        assertThat(committed.values().stream().mapToLong(OffsetAndMetadata::offset).sum()).isEqualTo(n);
        // and nothing of the plugin runs: no poll thread, worker, timer or Kafka client thread of this container
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(pluginThreads(before)).isEmpty());

        // published while no member runs: the next container's group starts right there, and gets only those
        KafkaBroker publisher = new KafkaBroker(KafkaBrokerConfig.from(MicroConfig.of(
                KafkaBrokerContractTest.fastGroups(kafka))));
        publisher.connect();
        closing.add(publisher::disconnect);
        for (int i = n; i < n + 5; i++) {
            publisher.publish(topic, new BrokerMessage(Metadata.of("Content-Type", "application/json",
                    KafkaBroker.KEY_HEADER, "c" + i % 8), ("{\"customer\":\"c" + i % 8 + "\",\"seq\":" + i + "}")
                    .getBytes(StandardCharsets.UTF_8))).join();
        }
        container = boot(kafkaConfig(), ShippingA.class, ShippingB.class);
        Handled a2 = bean(ShippingA.class).handled();
        Handled b2 = bean(ShippingB.class).handled();
        await().atMost(SEEN).until(() -> a2.size() + b2.size() >= 5);
        List<Integer> seqs = new ArrayList<>();
        a2.orders().forEach(o -> seqs.add(o.seq()));
        b2.orders().forEach(o -> seqs.add(o.seq()));
        assertThat(seqs).containsExactlyInAnyOrder(n, n + 1, n + 2, n + 3, n + 4);
    }

    /** Threads alive now and not in {@code before} that belong to the plugin or to this test's Kafka clients. */
    private List<String> pluginThreads(Set<Thread> before) {
        List<String> names = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            String name = t.getName();
            if (t.isAlive() && !before.contains(t) && (name.startsWith("microcdi-kafka") || name.contains(clientId)
                    || name.contains(group))) {
                names.add(name);
            }
        }
        return names;
    }

    @Test
    void aBadKafkaSettingStopsTheStartNamingTheKey() {
        assertThatThrownBy(() -> container = boot(kafkaConfig(KafkaBrokerConfig.ACKS, "2"), ShippingA.class))
                .hasStackTraceContaining(KafkaBrokerConfig.ACKS + "=2 (expected: ");
    }

    @Test
    void noBrokerAnsweringStopsTheStartNamingTheServers() {
        String nobody = "127.0.0.1:" + FreePorts.distinct(1)[0];
        assertThatThrownBy(() -> container = boot(kafkaConfig(KafkaBrokerConfig.BOOTSTRAP_SERVERS, nobody,
                "micro.broker.publish-timeout", "1s"), ShippingA.class))
                .hasStackTraceContaining("kafka " + nobody + ": cannot connect: no broker answered within 1000 ms");
    }
}
