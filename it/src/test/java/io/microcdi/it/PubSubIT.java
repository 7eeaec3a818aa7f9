package io.microcdi.it;

import io.microcdi.registry.Registry;
import io.microcdi.registry.mdns.MdnsRegistry;
import io.microcdi.registry.mdns.MdnsRegistryConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Pub/sub across processes with the default HTTP broker over mDNS on loopback: two subscribers of topic
 * {@code orders-<run>} in queue group {@code a}, one in group {@code b}, and a publisher process
 * ({@code examples/pubsub}). Each subscriber writes every order id it accepts to its own record file before it
 * acknowledges the delivery, so the test knows exactly which member got which order, even for a member it kills.
 *
 * <p>Prints {@code PUBSUB <scenario> ...} lines with the counts and the publisher's rate.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PubSubIT {

    private static final int MESSAGES = 10_000;
    private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    private static final String TOPIC = "orders-" + RUN;
    private static final Pattern PUBLISHED = Pattern.compile("published=(\\d+) failed=(\\d+) elapsed_ms=(\\d+) "
            + "rate=(\\d+)/s");

    @RegisterExtension
    static final Processes SUBSCRIBERS = Processes.perClass();

    @RegisterExtension
    final Processes publishers = Processes.perTest();

    private static final Map<String, GreeterProcess> MEMBERS = new HashMap<>();
    private static final Map<String, Path> RECORDS = new HashMap<>();
    private static Registry registry;
    private static Path dir;

    @BeforeAll
    static void startSubscribers() throws IOException {
        dir = Files.createDirectories(Path.of(System.getProperty("basedir", "."), "target", "pubsub-" + RUN));
        for (String[] member : new String[][]{{"a1", "a"}, {"a2", "a"}, {"b1", "b"}}) {
            Path record = dir.resolve(member[0] + ".ids");
            RECORDS.put(member[0], record);
            MEMBERS.put(member[0], SUBSCRIBERS.start(GreeterProcess.server("sub-" + member[0])
                    .jar(GreeterProcess.pubsubJar())
                    .property("pubsub.topic", TOPIC)
                    .property("pubsub.group", member[1])
                    .property("pubsub.record", record.toString())
                    .property("micro.register.ttl", "5s")
                    .property("micro.register.interval", "1s")));
        }
        registry = new MdnsRegistry(MdnsRegistryConfig.defaults());
        await("three subscriptions of " + TOPIC + " listed").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> subscriptions() == 3);
    }

    private static int subscriptions() {
        return registry.getService("topic:" + TOPIC).stream().mapToInt(s -> s.nodes().size()).sum();
    }

    @AfterAll
    static void stop() {
        if (registry != null) {
            registry.close();
        }
        SUBSCRIBERS.closeAll();
    }

    private GreeterProcess publish(long from, long count) {
        return publishers.start(GreeterProcess.server("pub")
                .jar(GreeterProcess.pubsubJar())
                .property("pubsub.topic", TOPIC)
                .args("publish", Long.toString(count), "--from", Long.toString(from), "--await-subscribers", "3"));
    }

    private static Matcher published(GreeterProcess p) {
        Matcher m = PUBLISHED.matcher(p.stdout());
        assertThat(m.find()).as("publisher's summary line\n%s", p.diagnostics()).isTrue();
        return m;
    }

    /** The ids in a member's record file within [from, to]. */
    private static List<Long> ids(String member, long from, long to) {
        try {
            List<Long> ids = new ArrayList<>();
            if (!Files.exists(RECORDS.get(member))) {
                return ids;
            }
            for (String line : Files.readAllLines(RECORDS.get(member))) {
                if (!line.isBlank()) {
                    long id = Long.parseLong(line.trim());
                    if (id >= from && id <= to) {
                        ids.add(id);
                    }
                }
            }
            return ids;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    @Order(1)
    void queueMembersShareEachMessageOnceAndTheOtherGroupGetsThemAll() {
        GreeterProcess pub = publish(1, MESSAGES);
        assertThat(pub.awaitExit(Duration.ofSeconds(120))).as("publisher exit\n%s", pub.diagnostics()).isZero();
        Matcher m = published(pub);

        List<Long> a1 = ids("a1", 1, MESSAGES);
        List<Long> a2 = ids("a2", 1, MESSAGES);
        List<Long> b1 = ids("b1", 1, MESSAGES);
        System.out.printf("PUBSUB share published=%s failed=%s rate=%s/s a1=%d a2=%d b1=%d%n", m.group(1), m.group(2),
                m.group(4), a1.size(), a2.size(), b1.size());

        assertThat(m.group(2)).isEqualTo("0");
        assertThat(a1).doesNotHaveDuplicates().doesNotContainAnyElementsOf(a2);
        assertThat(a2).doesNotHaveDuplicates();
        assertThat(a1.size() + a2.size()).isEqualTo(MESSAGES);
        assertThat(a1).isNotEmpty();
        assertThat(a2).isNotEmpty();
        assertThat(b1).doesNotHaveDuplicates().hasSize(MESSAGES);
    }

    @Test
    @Order(2)
    void killingAQueueMemberWhilePublishingLosesNothing() {
        long from = MESSAGES + 1;
        long to = 2L * MESSAGES;
        GreeterProcess pub = publish(from, MESSAGES);
        // kill a1 once it has taken part of this run's orders
        await("a1 receiving").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(5))
                .until(() -> ids("a1", from, to).size() >= 500 || !pub.process().isAlive());
        GreeterProcess a1 = MEMBERS.get("a1");
        assertThat(pub.process().isAlive()).as("the publisher still publishing when a1 is killed\n%s",
                pub.diagnostics()).isTrue();
        a1.sigkill();
        int beforeKill = ids("a1", from, to).size();
        assertThat(pub.awaitExit(Duration.ofSeconds(120))).as("publisher exit\n%s", pub.diagnostics()).isZero();
        Matcher m = published(pub);

        List<Long> a1ids = ids("a1", from, to);
        List<Long> a2ids = ids("a2", from, to);
        List<Long> b1ids = ids("b1", from, to);
        java.util.Set<Long> groupA = new java.util.HashSet<>(a1ids);
        groupA.addAll(a2ids);
        long duplicates = a1ids.size() + a2ids.size() - groupA.size();
        System.out.printf("PUBSUB kill published=%s failed=%s rate=%s/s a1=%d (killed after %d) a2=%d groupA=%d "
                        + "duplicates=%d b1=%d%n", m.group(1), m.group(2), m.group(4), a1ids.size(), beforeKill,
                a2ids.size(), groupA.size(), duplicates, b1ids.size());

        assertThat(m.group(2)).isEqualTo("0");
        assertThat(groupA).as("every order reached group a").hasSize(MESSAGES);
        assertThat(new java.util.HashSet<>(b1ids)).as("every order reached group b").hasSize(MESSAGES);
    }
}
