package io.microcdi.it;

import io.microcdi.broker.BrokerMessage;
import io.microcdi.broker.delivery.BrokerJson;
import io.microcdi.testing.kafka.KafkaServer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Pub/sub across processes on the {@code kafka} broker: a real Kafka broker on loopback ({@link KafkaServer}),
 * subscriber and publisher processes of {@code examples/pubsub} with {@code MICRO_BROKER=kafka} and
 * {@code MICRO_REGISTRY=memory} (Kafka needs no registry).
 *
 * <p>10,000 orders, keyed {@code k<id % 100>} ({@code --keys 100}), to queue groups {@code a} and {@code b} of two
 * member processes each. Mid-run, member {@code a1} is SIGKILLed (its partitions move to {@code a2} once its session
 * of 6 s expires, from the last offset {@code a1} committed), and group {@code b} is restarted: both members stopped
 * (SIGTERM: each finishes its record in hand, commits and leaves) and two new ones started while the orders go on
 * being published. Order {@value #POISON} fails in every subscriber ({@code pubsub.poison}): after its retries it
 * goes to {@code dead.<topic>}, once per group, and the orders after it flow.
 *
 * <p>Each subscriber process writes the ids it accepted to a record file of its own before the delivery is committed,
 * so the test counts per group what was lost (asserted: nothing) and what came twice (reported: what {@code a1}
 * handled after its last commit), and checks per process that the orders of each key came in increasing order.
 *
 * <p>Prints a {@code KAFKA-PUBSUB} line with the figures.
 */
class KafkaPubSubIT {

    private static final int MESSAGES = 10_000;
    private static final int KEYS = 100;
    private static final long POISON = 4_242;
    private static final int KILL_AFTER = 1_500;
    private static final int RESTART_AFTER = 4_000;
    private static final Duration START = Duration.ofSeconds(60);
    private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    private static final Pattern PUBLISHED = Pattern.compile("published=(\\d+) failed=(\\d+) elapsed_ms=(\\d+) "
            + "rate=(\\d+)/s");

    @RegisterExtension
    final Processes processes = Processes.perTest();

    private static KafkaServer kafka;
    private static Path dir;

    @BeforeAll
    static void startKafka() throws IOException {
        KafkaServer.assumeAvailable();
        dir = Files.createDirectories(Path.of(System.getProperty("basedir", "."), "target", "kafka-pubsub-" + RUN));
        kafka = KafkaServer.start();
    }

    @AfterAll
    static void stopKafka() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void everyGroupGetsEveryOrderInKeyOrderThroughAKillAndAGroupRestart() {
        String topic = "kafka-orders-" + RUN;
        Member a1 = start(topic, "a1", "a");
        Member a2 = start(topic, "a2", "a");
        Member b1 = start(topic, "b1", "b");
        Member b2 = start(topic, "b2", "b");
        for (Member m : List.of(a1, a2, b1, b2)) {
            m.awaitSubscribed();
        }

        long t0 = System.nanoTime();
        GreeterProcess pub = processes.start(env(GreeterProcess.server("kafka-pub"))
                .jar(GreeterProcess.pubsubJar())
                .property("pubsub.topic", topic)
                .args("publish", Integer.toString(MESSAGES), "--keys", Integer.toString(KEYS)));

        await("a1 receiving").atMost(START).pollInterval(Duration.ofMillis(5))
                .until(() -> a1.ids().size() >= KILL_AFTER || !pub.process().isAlive());
        boolean publishingAtKill = pub.process().isAlive();
        a1.process.sigkill();
        int a1AtKill = a1.ids().size();

        await("group b receiving").atMost(START).pollInterval(Duration.ofMillis(5))
                .until(() -> b1.ids().size() + b2.ids().size() >= RESTART_AFTER || !pub.process().isAlive());
        boolean publishingAtRestart = pub.process().isAlive();
        b1.process.sigterm();
        b2.process.sigterm();
        b1.process.awaitExit(START);
        b2.process.awaitExit(START);
        int groupBAtRestart = b1.ids().size() + b2.ids().size();
        Member b3 = start(topic, "b3", "b");
        Member b4 = start(topic, "b4", "b");
        b3.awaitSubscribed();
        b4.awaitSubscribed();

        int exit = pub.awaitExit(START);
        Matcher m = PUBLISHED.matcher(pub.stdout());
        assertThat(m.find()).as("publisher's summary\n%s", pub.diagnostics()).isTrue();
        List<Member> groupA = List.of(a1, a2);
        List<Member> groupB = List.of(b1, b2, b3, b4);
        try {
            await("every order in both groups").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                    .until(() -> missing(groupA).isEmpty() && missing(groupB).isEmpty());
        } catch (ConditionTimeoutException e) {
            // asserted below, with the figures
        }
        List<String> dead = deadLetters("dead." + topic, 2);
        long total = (System.nanoTime() - t0) / 1_000_000;

        Figures a = Figures.of(groupA);
        Figures b = Figures.of(groupB);
        System.out.printf("KAFKA-PUBSUB messages=%d keys=%d groupA_unique=%d groupA_dups=%d groupA_missing=%d "
                        + "groupB_unique=%d groupB_dups=%d groupB_missing=%d key_order_violations=%d "
                        + "publish_failed=%s dead_letters=%s (a1 SIGKILLed after %d orders; group b restarted after "
                        + "%d; a1=%d a2=%d; b1=%d b2=%d b3=%d b4=%d; publish rate %s/s; %d ms)%n",
                MESSAGES, KEYS, a.unique(), a.dups(), missing(groupA).size(), b.unique(), b.dups(),
                missing(groupB).size(), a.orderViolations() + b.orderViolations(), m.group(2), dead, a1AtKill,
                groupBAtRestart, a1.ids().size(), a2.ids().size(), b1.ids().size(), b2.ids().size(),
                b3.ids().size(), b4.ids().size(), m.group(4), total);

        assertThat(publishingAtKill).as("still publishing when a1 was killed").isTrue();
        assertThat(publishingAtRestart).as("still publishing when group b was restarted").isTrue();
        assertThat(exit).as("publisher exit code\n%s", pub.diagnostics()).isZero();
        assertThat(missing(groupA)).as("orders that never reached group a").isEmpty();
        assertThat(missing(groupB)).as("orders that never reached group b").isEmpty();
        assertThat(a.orderViolations() + b.orderViolations()).as("a key's orders out of order in a process").isZero();
        assertThat(a.received()).as("the poison order is never accepted").doesNotContain(POISON);
        assertThat(b.received()).as("the poison order is never accepted").doesNotContain(POISON);
        assertThat(dead).as("dead letters: the poison order, once per group").hasSize(2)
                .allSatisfy(d -> assertThat(d).contains("\"id\":" + POISON).contains("cannot be shipped"));
        assertThat(b.dups()).as("a graceful restart commits what it handled: nothing twice").isZero();
    }

    private Member start(String topic, String name, String group) {
        Member m = new Member(name, group, topic, dir.resolve(name + ".ids"));
        m.process = processes.start(env(GreeterProcess.server("kafka-sub-" + name))
                .jar(GreeterProcess.pubsubJar())
                .property("pubsub.topic", topic)
                .property("pubsub.group", group)
                .property("pubsub.poison", Long.toString(POISON))
                .property("pubsub.record", m.record.toString()));
        return m;
    }

    private static GreeterProcess.Spec env(GreeterProcess.Spec spec) {
        return spec.env("MICRO_REGISTRY", "memory")
                .env("MICRO_BROKER", "kafka")
                .env("MICRO_BROKER_KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers())
                .env("MICRO_BROKER_KAFKA_SESSION_TIMEOUT", "6s")
                .env("MICRO_BROKER_KAFKA_HEARTBEAT_INTERVAL", "500ms")
                .env("MICRO_BROKER_KAFKA_TOPIC_PARTITIONS", "6");
    }

    /** The orders of [1, MESSAGES] but the poison one that no member of {@code group} accepted. */
    private static List<Long> missing(List<Member> group) {
        Set<Long> got = new HashSet<>();
        group.forEach(m -> got.addAll(m.ids()));
        List<Long> missing = new ArrayList<>();
        for (long id = 1; id <= MESSAGES; id++) {
            if (id != POISON && !got.contains(id)) {
                missing.add(id);
            }
        }
        return missing;
    }

    /** The dead letters' JSON (header and decoded body), read from the start of {@code topic}. */
    private static List<String> deadLetters(String topic, int expected) {
        List<String> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "it-dead-" + RUN,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            c.subscribe(List.of(topic));
            try {
                await("dead letters").atMost(Duration.ofSeconds(20)).until(() -> {
                    for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                        BrokerMessage msg = BrokerJson.decode(r.value(), null).message();
                        out.add(msg.header() + " " + new String(msg.body(), StandardCharsets.UTF_8));
                    }
                    return out.size() >= expected;
                });
                // and no more than those
                await().pollDelay(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> {
                    for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                        out.add(new String(r.value(), StandardCharsets.UTF_8));
                    }
                    return true;
                });
            } catch (ConditionTimeoutException e) {
                // asserted by the caller
            }
        }
        return out;
    }

    /** One subscriber process, its record file and its group. */
    private final class Member {
        final String name;
        final String group;
        final String topic;
        final Path record;
        GreeterProcess process;

        Member(String name, String group, String topic, Path record) {
            this.name = name;
            this.group = group;
            this.topic = topic;
            this.record = record;
        }

        void awaitSubscribed() {
            Pattern subscribed = Pattern.compile("subscribed \\[[^\\]]*<- " + Pattern.quote(topic) + " \\(queue "
                    + Pattern.quote(group) + "\\)\\] \\(broker kafka\\)");
            await(name + " subscribed").atMost(START).pollInterval(Duration.ofMillis(50)).until(() -> {
                if (!process.process().isAlive()) {
                    throw new AssertionError(name + " exited before it subscribed\n" + process.diagnostics());
                }
                return subscribed.matcher(process.stderr()).find();
            });
        }

        /** The ids in its record file, in the order accepted, duplicates kept; complete lines only. */
        List<Long> ids() {
            List<Long> ids = new ArrayList<>();
            String text;
            try {
                if (!Files.exists(record)) {
                    return ids;
                }
                text = Files.readString(record, StandardCharsets.US_ASCII);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            int start = 0;
            for (int nl; (nl = text.indexOf('\n', start)) >= 0; start = nl + 1) {
                String line = text.substring(start, nl).trim();
                if (!line.isEmpty()) {
                    ids.add(Long.parseLong(line));
                }
            }
            return ids;
        }
    }

    /** What one group's members accepted. */
    private record Figures(Set<Long> received, long total, long orderViolations) {

        static Figures of(List<Member> members) {
            Set<Long> received = new HashSet<>();
            long total = 0;
            long violations = 0;
            for (Member m : members) {
                List<Long> ids = m.ids();
                total += ids.size();
                received.addAll(ids);
                // one process: the orders of each key in increasing order
                Map<Long, Long> last = new HashMap<>();
                for (long id : ids) {
                    Long before = last.put(id % KEYS, id);
                    if (before != null && before >= id) {
                        violations++;
                    }
                }
            }
            return new Figures(received, total, violations);
        }

        int unique() {
            return received.size();
        }

        long dups() {
            return total - received.size();
        }
    }
}
