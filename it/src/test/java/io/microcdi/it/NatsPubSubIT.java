package io.microcdi.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.microcdi.testing.nats.NatsServer;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Pub/sub across processes on the {@code nats} broker: a real three-node nats-server cluster with JetStream on
 * loopback ({@link NatsServer}), subscriber and publisher processes of {@code examples/pubsub} with
 * {@code MICRO_BROKER=nats} and {@code MICRO_REGISTRY=memory} (NATS needs no registry: every process finds the others
 * through the NATS servers alone).
 *
 * <ol>
 *   <li>JetStream: 10,000 orders to two queue groups of two member processes each; one member of group {@code a} is
 *       SIGKILLed mid-run, then (once the stream holds 3,000 orders) the JetStream meta leader, which is the node
 *       the publisher is connected to (it is given that node's URL alone and learns the others from the cluster).
 *       Every order whose publish succeeded reaches every group at least once. With the default
 *       {@code micro.broker.publish-timeout} (5 s), the publishes in flight when the node died fail, each with an
 *       error naming its order, when that node also led the stream: nats-server 2.9 takes longer than that to elect
 *       the stream's next leader.</li>
 *   <li>JetStream: the only member of a group is SIGKILLed mid-stream and stays down for 5 s while the orders go on
 *       being published; a member started again gets every order it had not acknowledged (the durable consumer).</li>
 *   <li>Core NATS (at most once, as Go Micro's): the same 10,000 orders with a member SIGKILLed; what each group lost
 *       is reported, not asserted. Asserted: no publish failed silently, the surviving members went on receiving.</li>
 * </ol>
 *
 * <p>Each subscriber writes every order id it accepts to its own record file before it acknowledges the delivery
 * ({@code -Dpubsub.record}), so the test knows exactly which member got which order, even for a member it kills.
 * The publisher's {@code --await-subscribers} looks the subscriptions up in the registry (where the HTTP broker
 * keeps them, and NATS does not), so it is not used: the test waits for each subscriber's
 * {@code subscribed [...] (broker nats)} log line before it starts the publisher.
 *
 * <p>A subscriber process that exits at start because the broker could not subscribe (a JetStream API call timing
 * out while several processes set up a new stream and its consumers at once) is started once more, as an orchestrator
 * would, and named in the last {@code NATS-PUBSUB-INFO} line; any other early exit fails the test.
 *
 * <p>{@code micro.broker.nats.jetstream.ack-wait} is 5 s (30 s by default): a delivery that a killed member took and
 * never acknowledged is delivered again, to a live member, 5 s after it was handed out.
 *
 * <p>Prints {@code NATS-PUBSUB <scenario> ...} lines with the counts.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NatsPubSubIT {

    private static final int MESSAGES = 10_000;
    /** Orders of the durable-consumer run, and how many its member takes before it is killed. */
    private static final int DURABLE_MESSAGES = 5_000;
    private static final int DURABLE_KILL_AFTER = 100;
    private static final Duration ACK_WAIT = Duration.ofSeconds(5);
    private static final Duration OUTAGE = Duration.ofSeconds(5);
    private static final Duration START = Duration.ofSeconds(60);
    private static final Duration EXIT = Duration.ofSeconds(60);
    /** A member is killed once it took this many orders of the run. */
    private static final int KILL_AFTER = 500;
    /** The NATS node is killed (after the member) once the stream holds this many orders of the run. */
    private static final int NODE_KILL_STORED = 3_000;
    private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    private static final Pattern PUBLISHED = Pattern.compile("published=(\\d+) failed=(\\d+) elapsed_ms=(\\d+) "
            + "rate=(\\d+)/s");
    private static final Pattern FAILED = Pattern.compile("^publish failed: order (\\d+): ");
    /** The publisher's publishes in flight ({@code --window}, 64 by default). */
    private static final int WINDOW = 64;
    /** A subscriber process that exits at start because the broker could not subscribe. */
    private static final Pattern SUBSCRIBE_FAILED = Pattern.compile("start failed: 503 [^\\n]*subscribe to [^\\n]*");
    /** The subscriber processes that had to be started again, for the report. */
    private static final List<String> START_FAILURES = new CopyOnWriteArrayList<>();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .proxy(HttpClient.Builder.NO_PROXY).connectTimeout(Duration.ofSeconds(2)).build();

    @RegisterExtension
    final Processes processes = Processes.perTest();

    private static NatsServer nats;
    private static Path dir;
    private static long classStarted;

    @BeforeAll
    static void startNats() throws IOException {
        NatsServer.assumeInstalled();
        classStarted = System.nanoTime();
        dir = Files.createDirectories(Path.of(System.getProperty("basedir", "."), "target", "nats-pubsub-" + RUN));
        nats = NatsServer.cluster(3);
        report("NATS cluster %s ready %d ms after the class started; meta leader %s", nats.urlList(),
                millisSince(classStarted), nats.metaLeader().name());
    }

    @AfterAll
    static void stopNats() {
        if (nats != null) {
            nats.close();
        }
        report("class wall time %d ms (processes and nats-server stopped); subscriber processes that could not "
                + "subscribe at start and were started again: %s", millisSince(classStarted),
                START_FAILURES.isEmpty() ? "none" : START_FAILURES);
    }

    // ---- 1. JetStream, a member and the meta leader SIGKILLed ----

    @Test
    @Order(1)
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void jetStreamEveryGroupGetsEveryOrderThroughAMemberAndANatsNodeKilled() {
        String topic = "nats-js-" + RUN;
        Map<String, Member> members = startGroups(topic, true, "js");
        Member a1 = members.get("a1");
        Member b1 = members.get("b1");
        Member b2 = members.get("b2");

        // the publisher starts from the meta leader alone (it learns the other nodes from the cluster, as a NATS
        // client does), so the node that dies is the one it publishes through
        NatsServer.Node victim = nats.metaLeader();
        long t0 = System.nanoTime();
        GreeterProcess pub = processes.start(natsEnv(GreeterProcess.server("nats-pub"), true)
                .env("MICRO_BROKER_NATS_SERVERS", victim.url())
                .jar(GreeterProcess.pubsubJar())
                .property("pubsub.topic", topic)
                .args("publish", Integer.toString(MESSAGES), "--from", "1"));
        await("a1 receiving").atMost(START).pollInterval(Duration.ofMillis(5))
                .until(() -> a1.ids(1, MESSAGES).size() >= KILL_AFTER || !pub.process().isAlive());
        boolean publishingAtMemberKill = pub.process().isAlive();
        a1.process.sigkill();
        long memberKilled = System.nanoTime();
        int a1AtKill = a1.ids(1, MESSAGES).size();
        report("a1 SIGKILLed %d ms after the publisher started, after %d orders (publisher %s)",
                millisSince(t0), a1AtKill, publishingAtMemberKill ? "still publishing" : "done");

        // the node dies a little later, once the stream holds NODE_KILL_STORED orders: mid-publish
        await("the stream past " + NODE_KILL_STORED + " orders").atMost(START).pollInterval(Duration.ofMillis(20))
                .until(() -> messagesOf(topic) >= NODE_KILL_STORED || !pub.process().isAlive());
        StreamView before = stream(topic);
        boolean stillMetaLeader = isMetaLeader(victim);
        boolean publishingAtNodeKill = pub.process().isAlive();
        victim.kill();
        long nodeKilled = System.nanoTime();
        int groupBAtNodeKill = b1.ids(1, MESSAGES).size() + b2.ids(1, MESSAGES).size();
        report("%s (the publisher's node, %s) SIGKILLed %d ms after the publisher started, group b had %d, "
                        + "publisher %s; before: %s", victim.name(),
                stillMetaLeader ? "the meta leader" : "no longer the meta leader", millisSince(t0), groupBAtNodeKill,
                publishingAtNodeKill ? "still publishing" : "done", before);
        String streamLeader = "kept by " + (before == null ? "?" : before.leader());
        if (before != null && before.leader().equals(victim.name())) {
            try { // the stream takes no message until the others elect a new leader for it
                await("a new leader of " + before.name()).atMost(Duration.ofSeconds(30))
                        .pollInterval(Duration.ofMillis(50)).until(() -> {
                            StreamView v = stream(topic);
                            return v != null && !v.leader().isEmpty() && !v.leader().equals("?")
                                    && !v.leader().equals(victim.name());
                        });
                streamLeader = "re-elected " + millisSince(nodeKilled) + " ms after the kill";
            } catch (ConditionTimeoutException e) {
                streamLeader = "not re-elected within 30 s";
            }
            report("stream leader %s: %s", streamLeader, leaders(topic));
        }

        int exit = pub.awaitExit(EXIT);
        Matcher m = published(pub);
        long failed = Long.parseLong(m.group(2));
        List<String> failures = failureLines(pub);
        Set<Long> failedIds = failedOrders(failures);
        List<String> connection = pub.stderr().lines().filter(l -> l.contains("nats: ")).toList();
        report("publisher exited %d %d ms after it started: %s; its connection: %s", exit, millisSince(t0),
                m.group(), connection);
        failures.stream().limit(3).forEach(f -> report("e.g. %s", f));

        // every order stored reaches both groups; what the killed member took and never acknowledged comes again
        // after the ack wait (counted as duplicates)
        List<Member> groupA = List.of(a1, members.get("a2"));
        List<Member> groupB = List.of(b1, b2);
        awaitGroups(groupA, groupB, MESSAGES, failedIds, memberKilled);
        Group a = Group.of(1, MESSAGES, groupA);
        Group b = Group.of(1, MESSAGES, groupB);
        long deadLetters = messagesOf("dead." + topic);
        report("after the kills: %s; dead letters %d", leaders(topic), deadLetters);
        System.out.printf("NATS-PUBSUB jetstream messages=%d groupA_unique=%d groupA_dups=%d groupB_unique=%d "
                        + "groupB_dups=%d publish_failed=%d (failed yet delivered: group a %d, group b %d; a1=%d, "
                        + "killed after %d; a2=%d; b1=%d; b2=%d; node %s (%s) killed with %d orders stored and "
                        + "group b at %d; stream leader %s; publish rate %s/s; dead letters %d; %d ms)%n",
                MESSAGES, a.unique(), a.dups(), b.unique(), b.dups(), failed, a.receivedOf(failedIds),
                b.receivedOf(failedIds), a.counts().get(0), a1AtKill, a.counts().get(1), b.counts().get(0),
                b.counts().get(1), victim.name(), stillMetaLeader ? "meta leader and the publisher's node"
                        : "the publisher's node", before == null ? -1 : before.messages(), groupBAtNodeKill,
                streamLeader, m.group(4), deadLetters, millisSince(t0));

        assertThat(publishingAtMemberKill).as("the publisher still publishing when a1 was killed").isTrue();
        assertThat(publishingAtNodeKill).as("the publisher still publishing when %s was killed", victim.name())
                .isTrue();
        // no publish failed silently: each failure is counted, printed with its order, and sets the exit code
        assertThat(failedIds).as("one 'publish failed: order N' line per failed publish: %s", failures)
                .hasSize((int) failed);
        assertThat(exit).as("publisher exit code\n%s", pub.diagnostics()).isEqualTo(failed == 0 ? 0 : 3);
        // the publisher recovers: only publishes in flight while the node's death is being repaired may fail (the
        // publisher keeps WINDOW in flight; a stream leader's election may outlast one publish timeout, not two)
        assertThat(failed).as("failed publishes: %s", failures).isLessThanOrEqualTo(2 * WINDOW);
        // every order whose publish succeeded reached both groups
        assertThat(a.missingBut(failedIds)).as("published orders that never reached group a").isEmpty();
        assertThat(b.missingBut(failedIds)).as("published orders that never reached group b").isEmpty();
        assertThat(deadLetters).as("dead letters").isZero();
    }

    // ---- 2. JetStream, the only member of a group down for 5 s ----

    @Test
    @Order(2)
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void jetStreamDurableConsumerKeepsTheOrdersOfAGroupWhileItsOnlyMemberIsDown() {
        healCluster();
        String topic = "nats-durable-" + RUN;
        Member c1 = new Member("c1", "solo", record("durable-c1"));
        c1.start(processes, subscriber(topic, true, c1));
        c1.awaitSubscribed(topic, processes);

        long t0 = System.nanoTime();
        GreeterProcess pub = publisher(topic, true, 1, DURABLE_MESSAGES);
        await("c1 receiving").atMost(START).pollInterval(Duration.ofMillis(5))
                .until(() -> c1.ids(1, DURABLE_MESSAGES).size() >= DURABLE_KILL_AFTER
                        || !pub.process().isAlive());
        boolean publishingAtKill = pub.process().isAlive();
        c1.process.sigkill();
        long killed = System.nanoTime();
        long storedAtKill = messagesOf(topic);
        c1.process.awaitExit(EXIT);
        int c1AtKill = c1.ids(1, DURABLE_MESSAGES).size();

        int exit = pub.awaitExit(EXIT);
        long publisherDone = System.nanoTime();
        Matcher m = published(pub);
        long failed = Long.parseLong(m.group(2));
        // the group stays without a member for OUTAGE from the kill (longer when the publisher took longer)
        Duration left = Duration.ofNanos(Math.max(0, OUTAGE.toNanos() - (System.nanoTime() - killed)));
        await("the outage").pollDelay(left).atMost(left.plusSeconds(5)).until(() -> true);
        long down = millisSince(killed);
        String consumer = leaders(topic);

        Member c2 = new Member("c2", "solo", record("durable-c2"));
        long restarted = System.nanoTime();
        c2.start(processes, subscriber(topic, true, c2));
        c2.awaitSubscribed(topic, processes);
        try {
            await("group solo complete").atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(50))
                    .until(() -> Group.of(1, DURABLE_MESSAGES, c1, c2).missing().isEmpty());
        } catch (ConditionTimeoutException e) {
            // asserted below, with the counts
        }
        long c2Complete = millisSince(restarted);
        Group g = Group.of(1, DURABLE_MESSAGES, c1, c2);
        Set<Long> c1Got = new HashSet<>(c1.ids(1, DURABLE_MESSAGES));
        long kept = c2.ids(1, DURABLE_MESSAGES).stream().distinct().filter(id -> !c1Got.contains(id)).count();
        long deadLetters = messagesOf("dead." + topic);
        System.out.printf("NATS-PUBSUB durable messages=%d published_while_down=%d unique=%d dups=%d "
                        + "kept_for_the_restarted_member=%d publish_failed=%d (stored when c1 was SIGKILLed: %d; "
                        + "c1=%d; group without a member for %d ms, the publisher finished %d ms after the kill; "
                        + "c2=%d, all in %d ms after its start; dead letters %d; %s)%n",
                DURABLE_MESSAGES, DURABLE_MESSAGES - storedAtKill, g.unique(), g.dups(), kept, failed, storedAtKill,
                c1AtKill, down, (publisherDone - killed) / 1_000_000, g.counts().get(1), c2Complete, deadLetters,
                consumer);

        assertThat(publishingAtKill).as("the publisher still publishing when c1 was killed").isTrue();
        assertThat(storedAtKill).as("orders stored when c1 was killed").isBetween(0L, DURABLE_MESSAGES - 1L);
        assertThat(exit).as("publisher exit code\n%s", pub.diagnostics()).isZero();
        assertThat(failed).isZero();
        assertThat(down).isGreaterThanOrEqualTo(OUTAGE.toMillis());
        assertThat(g.missing().size()).as("orders group solo never got: %s", g.firstMissing()).isZero();
        assertThat(kept).as("orders only the restarted member got").isGreaterThanOrEqualTo(
                DURABLE_MESSAGES - storedAtKill);
        assertThat(deadLetters).as("dead letters").isZero();
    }

    // ---- 3. Core NATS, a member SIGKILLed ----

    @Test
    @Order(3)
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void coreNatsIsAtMostOnceAndSaysSoWhenAMemberIsKilled() {
        healCluster();
        String topic = "nats-core-" + RUN;
        Map<String, Member> members = startGroups(topic, false, "core");
        Member a1 = members.get("a1");
        List<Member> survivors = List.of(members.get("a2"), members.get("b1"), members.get("b2"));

        long t0 = System.nanoTime();
        GreeterProcess pub = publisher(topic, false, 1, MESSAGES);
        await("a1 receiving").atMost(START).pollInterval(Duration.ofMillis(5))
                .until(() -> a1.ids(1, MESSAGES).size() >= KILL_AFTER || !pub.process().isAlive());
        boolean publishingAtKill = pub.process().isAlive();
        a1.process.sigkill();
        int a1AtKill = a1.ids(1, MESSAGES).size();
        Map<String, Integer> atKill = new LinkedHashMap<>();
        survivors.forEach(s -> atKill.put(s.name, s.ids(1, MESSAGES).size()));

        int exit = pub.awaitExit(EXIT);
        Matcher m = published(pub);
        long published = Long.parseLong(m.group(1));
        long failed = Long.parseLong(m.group(2));
        List<String> failures = failureLines(pub);
        // at most once: nothing comes again, so wait until the survivors got nothing new for 2 s
        awaitQuiet(survivors, MESSAGES);
        Group a = Group.of(1, MESSAGES, a1, members.get("a2"));
        Group b = Group.of(1, MESSAGES, members.get("b1"), members.get("b2"));
        Map<String, Integer> afterKill = new LinkedHashMap<>();
        survivors.forEach(s -> afterKill.put(s.name, s.ids(1, MESSAGES).size() - atKill.get(s.name)));
        System.out.printf("NATS-PUBSUB core messages=%d groupA_unique=%d groupA_dups=%d groupA_lost=%d "
                        + "groupB_unique=%d groupB_dups=%d groupB_lost=%d publish_failed=%d lost=%d (a1=%d, killed "
                        + "after %d; a2=%d; b1=%d; b2=%d; received after the kill %s; publish rate %s/s; %d ms)%n",
                MESSAGES, a.unique(), a.dups(), a.missing().size(), b.unique(), b.dups(), b.missing().size(), failed,
                a.missing().size() + b.missing().size(), a.counts().get(0), a1AtKill, a.counts().get(1),
                b.counts().get(0), b.counts().get(1), afterKill, m.group(4), millisSince(t0));

        assertThat(publishingAtKill).as("the publisher still publishing when a1 was killed").isTrue();
        // no publish failed silently: every one completed, or failed with an error the publisher saw and counted
        assertThat(published + failed).as("publishes answered").isEqualTo(MESSAGES);
        assertThat(failures).as("one 'publish failed' line per failed publish").hasSize((int) failed);
        assertThat(exit).as("publisher exit code\n%s", pub.diagnostics()).isEqualTo(failed == 0 ? 0 : 3);
        // the survivors went on receiving after the kill
        assertThat(afterKill).as("orders received after a1's SIGKILL").allSatisfy((name, n) ->
                assertThat(n).as(name).isPositive());
    }

    // ---- processes ----

    /** Two members each of groups {@code a} and {@code b}, started at once; returns once all four subscribed. */
    private Map<String, Member> startGroups(String topic, boolean jetStream, String scenario) {
        Map<String, Member> members = new LinkedHashMap<>();
        for (String[] m : new String[][]{{"a1", "a"}, {"a2", "a"}, {"b1", "b"}, {"b2", "b"}}) {
            Member member = new Member(m[0], m[1], record(scenario + "-" + m[0]));
            member.start(processes, subscriber(topic, jetStream, member));
            members.put(m[0], member);
        }
        long t0 = System.nanoTime();
        members.values().forEach(member -> member.awaitSubscribed(topic, processes));
        report("%s: four subscribers of %s subscribed %d ms after their start", scenario, topic, millisSince(t0));
        return members;
    }

    private GreeterProcess.Spec subscriber(String topic, boolean jetStream, Member member) {
        return natsEnv(GreeterProcess.server("nats-sub-" + member.name), jetStream)
                .jar(GreeterProcess.pubsubJar())
                .property("pubsub.topic", topic)
                .property("pubsub.group", member.group)
                .property("pubsub.record", member.record.toString());
    }

    private GreeterProcess publisher(String topic, boolean jetStream, long from, long count) {
        // no --await-subscribers: it counts the subscriptions in the registry, where NATS keeps none
        return processes.start(natsEnv(GreeterProcess.server("nats-pub"), jetStream)
                .jar(GreeterProcess.pubsubJar())
                .property("pubsub.topic", topic)
                .args("publish", Long.toString(count), "--from", Long.toString(from)));
    }

    private static GreeterProcess.Spec natsEnv(GreeterProcess.Spec spec, boolean jetStream) {
        return spec.env("MICRO_REGISTRY", "memory")
                .env("MICRO_BROKER", "nats")
                .env("MICRO_BROKER_NATS_SERVERS", nats.urlList())
                .env("MICRO_BROKER_NATS_JETSTREAM", Boolean.toString(jetStream))
                .env("MICRO_BROKER_NATS_JETSTREAM_REPLICAS", "3")
                .env("MICRO_BROKER_NATS_JETSTREAM_ACK_WAIT", ACK_WAIT.toSeconds() + "s");
    }

    /** Whether {@code node} is the meta leader now (not during an election). */
    private static boolean isMetaLeader(NatsServer.Node node) {
        try {
            return nats.metaLeader() == node;
        } catch (IllegalStateException electing) {
            return false;
        }
    }

    /** Restarts the nodes an earlier test killed, and waits for the cluster to agree on a meta leader. */
    private static void healCluster() {
        for (NatsServer.Node n : nats.nodes()) {
            if (!n.isAlive()) {
                n.restart();
            }
        }
        nats.awaitReady(Duration.ofSeconds(30));
    }

    private static Path record(String name) {
        return dir.resolve(name + ".ids");
    }

    private static Matcher published(GreeterProcess p) {
        Matcher m = PUBLISHED.matcher(p.stdout());
        assertThat(m.find()).as("publisher's summary line\n%s", p.diagnostics()).isTrue();
        return m;
    }

    private static List<String> failureLines(GreeterProcess p) {
        return p.stderr().lines().filter(l -> l.startsWith("publish failed: ")).toList();
    }

    /** The order ids of {@code publish failed: order <id>: <error>} lines. */
    private static Set<Long> failedOrders(List<String> failures) {
        Set<Long> ids = new TreeSet<>();
        for (String line : failures) {
            Matcher m = FAILED.matcher(line);
            if (m.find()) {
                ids.add(Long.parseLong(m.group(1)));
            }
        }
        return ids;
    }

    /**
     * Waits until both groups have every order of [1, count] but those whose publish failed (one of those may have
     * been stored all the same), nothing new came for a second, and the ack wait has passed since the member was
     * killed (so that what it took and never acknowledged was delivered again, and counted as duplicates).
     */
    private static void awaitGroups(List<Member> a, List<Member> b, long count, Set<Long> failed, long killed) {
        long[] last = {-1, System.nanoTime()};
        try {
            await("every published order in both groups").atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(100)).until(() -> {
                        Group ga = Group.of(1, count, a);
                        Group gb = Group.of(1, count, b);
                        long total = ga.total() + gb.total();
                        if (total != last[0]) {
                            last[0] = total;
                            last[1] = System.nanoTime();
                        }
                        return ga.missingBut(failed).isEmpty() && gb.missingBut(failed).isEmpty()
                                && System.nanoTime() - last[1] > TimeUnit.SECONDS.toNanos(1)
                                && System.nanoTime() - killed > ACK_WAIT.plusSeconds(1).toNanos();
                    });
        } catch (ConditionTimeoutException e) {
            // asserted by the caller, with the counts
        }
    }

    /** Waits until the members got no order of [1, count] for 2 s. */
    private static void awaitQuiet(List<Member> members, long count) {
        long[] last = {-1, System.nanoTime()};
        await("survivors quiet").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
            long total = members.stream().mapToLong(m -> m.ids(1, count).size()).sum();
            if (total != last[0]) {
                last[0] = total;
                last[1] = System.nanoTime();
            }
            return System.nanoTime() - last[1] > TimeUnit.SECONDS.toNanos(2);
        });
    }

    /**
     * What a running node's {@code GET /jsz} says of the stream that holds {@code subject}, or {@code null} when no
     * node answers or none holds it.
     */
    private static StreamView stream(String subject) {
        for (NatsServer.Node n : nats.nodes()) {
            if (!n.isAlive()) {
                continue;
            }
            try {
                HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(n.monitorUrl()
                                + "/jsz?accounts=true&streams=true&consumers=true&config=true"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() != 200) {
                    continue;
                }
                for (JsonNode account : JSON.readTree(r.body()).path("account_details")) {
                    for (JsonNode stream : account.path("stream_detail")) {
                        boolean holds = false;
                        for (JsonNode sub : stream.path("config").path("subjects")) {
                            holds |= sub.asText().equals(subject);
                        }
                        if (!holds) {
                            continue;
                        }
                        Map<String, String> consumers = new LinkedHashMap<>();
                        for (JsonNode c : stream.path("consumer_detail")) {
                            consumers.put(c.path("name").asText(), c.path("cluster").path("leader").asText("?"));
                        }
                        return new StreamView(stream.path("name").asText(),
                                stream.path("cluster").path("leader").asText("?"), consumers,
                                stream.path("state").path("messages").asLong(-1));
                    }
                }
                return null; // this node knows no such stream
            } catch (IOException e) {
                // ask the next node
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
        return null;
    }

    /** The stream's messages, 0 when there is no such stream. */
    private static long messagesOf(String subject) {
        StreamView v = stream(subject);
        return v == null ? 0 : v.messages();
    }

    /** The leaders of the stream of {@code subject} and of its consumers, for the report. */
    private static String leaders(String subject) {
        StreamView v = stream(subject);
        return v == null ? "(no stream of " + subject + " seen)" : v.toString();
    }

    /** A stream as {@code /jsz} shows it: its leader, its consumers' leaders, the messages it holds. */
    private record StreamView(String name, String leader, Map<String, String> consumerLeaders, long messages) {
        @Override
        public String toString() {
            return "stream " + name + " leader " + leader + ", consumer leaders " + consumerLeaders + ", "
                    + messages + " messages";
        }
    }

    private static void report(String format, Object... args) {
        System.out.printf("NATS-PUBSUB-INFO " + format + "%n", args);
    }

    private static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }

    /** A subscriber process of {@code examples/pubsub}: a member of a queue group, and its record file. */
    private static final class Member {
        final String name;
        final String group;
        final Path record;
        GreeterProcess process;
        private GreeterProcess.Spec spec;

        Member(String name, String group, Path record) {
            this.name = name;
            this.group = group;
            this.record = record;
        }

        void start(Processes processes, GreeterProcess.Spec how) {
            spec = how;
            process = processes.start(how);
        }

        /**
         * Waits for {@code subscribed [... <- topic (queue group)] (broker nats)} in its log. A process whose start
         * failed because the broker could not subscribe ({@link #SUBSCRIBE_FAILED}: a JetStream API call that timed
         * out while a new stream or consumer was being set up) is started once more, as an orchestrator would, and
         * counted in {@link #START_FAILURES}; any other early exit fails the test.
         */
        void awaitSubscribed(String topic, Processes processes) {
            Pattern subscribed = Pattern.compile("subscribed \\[[^\\]]*<- " + Pattern.quote(topic) + " \\(queue "
                    + Pattern.quote(group) + "\\)\\] \\(broker nats\\)");
            boolean[] restarted = {false};
            await(name + " subscribed to " + topic).atMost(START).pollInterval(Duration.ofMillis(50)).until(() -> {
                if (subscribed.matcher(process.stderr()).find()) {
                    return true;
                }
                if (!process.process().isAlive()) {
                    Matcher failed = SUBSCRIBE_FAILED.matcher(process.stderr());
                    if (restarted[0] || !failed.find()) {
                        throw new AssertionError(name + " exited before it subscribed\n" + process.diagnostics());
                    }
                    restarted[0] = true;
                    START_FAILURES.add(name + " (" + process.name() + "): " + failed.group());
                    report("%s could not subscribe and exited: %s; started again", process.name(), failed.group());
                    process = processes.start(spec);
                }
                return false;
            });
        }

        /** The ids of its record file within [from, to], in order, duplicates kept; complete lines only. */
        List<Long> ids(long from, long to) {
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
                    long id = Long.parseLong(line);
                    if (id >= from && id <= to) {
                        ids.add(id);
                    }
                }
            }
            return ids;
        }
    }

    /** What the members of one group received of [from, to]. */
    private record Group(long from, long to, List<Integer> counts, Set<Long> received) {

        static Group of(long from, long to, List<Member> members) {
            return of(from, to, members.toArray(Member[]::new));
        }

        static Group of(long from, long to, Member... members) {
            List<Integer> counts = new ArrayList<>();
            Set<Long> received = new HashSet<>();
            for (Member m : members) {
                List<Long> ids = m.ids(from, to);
                counts.add(ids.size());
                received.addAll(ids);
            }
            return new Group(from, to, counts, received);
        }

        long total() {
            return counts.stream().mapToLong(Integer::longValue).sum();
        }

        int unique() {
            return received.size();
        }

        long dups() {
            return total() - unique();
        }

        /** How many of {@code ids} it received. */
        long receivedOf(Set<Long> ids) {
            return ids.stream().filter(received::contains).count();
        }

        /** The ids it never received, {@code except} those left out. */
        List<Long> missingBut(Set<Long> except) {
            return missing().stream().filter(id -> !except.contains(id)).toList();
        }

        /** The first 20 missing ids, for a failure message. */
        List<Long> firstMissing() {
            List<Long> all = missing();
            return all.subList(0, Math.min(20, all.size()));
        }

        List<Long> missing() {
            List<Long> missing = new ArrayList<>();
            for (long id = from; id <= to; id++) {
                if (!received.contains(id)) {
                    missing.add(id);
                }
            }
            return missing;
        }
    }
}
