package io.microcdi.it;

import io.microcdi.config.MicroConfig;
import io.microcdi.registry.Node;
import io.microcdi.registry.Service;
import io.microcdi.registry.gossip.GossipRegistry;
import io.microcdi.registry.gossip.GossipRegistryConfig;
import io.microcdi.testing.FreePorts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Service discovery with no registry server under load and faults: five greeter processes form one gossip cluster
 * through one seed ({@code MICRO_REGISTRY=gossip}, the first greeter on a fixed port, the others naming it in
 * {@code micro.registry.gossip.seeds}); the load tool, a sixth member, calls them with
 * {@value LoadProcess#CONCURRENCY} threads while one greeter is SIGKILLed and, two seconds later, another is stopped
 * gracefully (SIGTERM). Not one call may fail; the time from the SIGKILL until every surviving member (the greeters
 * left, the load tool, and a member in this JVM) has dropped the dead one is measured and bounded by the failure
 * detector's timings.
 *
 * <p>Each process logs {@code gossip: member HOST:PORT started} and, when a member goes,
 * {@code gossip: member HOST:PORT removed} (or {@code is leaving}): this class reads those lines from the logs,
 * polling every 10 ms, to see when each member dropped the dead one. The member in this JVM
 * ({@link GossipRegistry}) sees nodes come and go, for the registration-to-visible times.
 *
 * <p>Prints {@code RESILIENCE gossip-... calls=.. failures=.. rps=.. p50_ms=.. p99_ms=..}, the kill-to-dropped time
 * of each member and the registration-to-visible times.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GossipResilienceIT {

    private static final Duration TTL = Duration.ofSeconds(5);
    private static final Duration INTERVAL = Duration.ofSeconds(1);
    /**
     * The failure detector's timings of every member: probes every 500 ms, so that a dead member of this seven-member
     * cluster is removed in about 6 s (the defaults, 1 s, take about 12 s).
     */
    private static final Map<String, String> TIMINGS = Map.of(
            GossipRegistryConfig.GOSSIP_INTERVAL, "100ms",
            GossipRegistryConfig.PING_INTERVAL, "500ms",
            GossipRegistryConfig.PING_TIMEOUT, "250ms",
            GossipRegistryConfig.SUSPICION_MULTIPLIER, "3",
            GossipRegistryConfig.SYNC_INTERVAL, "5s");
    /** Five greeters, the load tool and this JVM's member. */
    private static final int MEMBERS = 7;
    /**
     * Beyond the failure detector's estimate, what the removal may take on a busy 2-core machine: the suspicion's
     * gossip, a member that probes the dead one a period late, the logs being polled.
     */
    private static final Duration DROP_MARGIN = Duration.ofSeconds(4);
    /** A graceful stop is gossiped: far sooner than a death is detected. */
    private static final Duration LEAVE_BOUND = Duration.ofSeconds(3);
    private static final Duration START = Duration.ofSeconds(90);
    /** Long enough for the dead greeter's removal (about 6 s) to happen under load. */
    private static final Duration STEADY = Duration.ofSeconds(16);
    /** Seconds since the load tool started (its 1 s warm-up included): 3 s of measured load before the kill. */
    private static final int KILL_AT = 4;
    private static final int STOP_AT = KILL_AT + 2;
    private static final Duration EXIT = Duration.ofSeconds(20);
    private static final Duration LOAD_SLACK = Duration.ofSeconds(60);
    private static final String[] SLOTS = {"seed", "b", "c", "d", "e"};
    private static final Pattern STARTED = Pattern.compile("gossip: member (\\S+) started");

    @RegisterExtension
    static final Processes SERVERS = Processes.perClass();

    @RegisterExtension
    final Processes processes = Processes.perTest();

    private static final GreeterProcess[] NODES = new GreeterProcess[SLOTS.length];
    private static int seedPort;
    private static GossipRegistry registry;
    private static long classStarted;

    @BeforeAll
    static void startFiveGreetersInOneCluster() {
        classStarted = System.nanoTime();
        seedPort = FreePorts.one();
        NODES[0] = SERVERS.start(server(SLOTS[0]).property(GossipRegistryConfig.PORT, Integer.toString(seedPort)));
        for (int slot = 1; slot < SLOTS.length; slot++) {
            NODES[slot] = SERVERS.start(server(SLOTS[slot]));
        }
        Map<String, String> keys = new HashMap<>(TIMINGS);
        keys.put(GossipRegistryConfig.SEEDS, "127.0.0.1:" + seedPort);
        registry = new GossipRegistry(GossipRegistryConfig.from(MicroConfig.of(keys)));
        List<Visible> visible = awaitVisible(List.of(NODES));
        visible.forEach(v -> report("registration-to-visible gossip (five JVMs starting at once): %s", v));
        report("five greeters in one cluster %d ms after the class started: %s; this JVM's member %s knows %s",
                millisSince(classStarted), Arrays.toString(NODES), registry.memberAddress(),
                registry.otherMembers());
    }

    @AfterAll
    static void stop() {
        try {
            if (registry != null) {
                registry.close();
            }
        } finally {
            SERVERS.closeAll();
            report("class wall time %d ms (processes stopped)", millisSince(classStarted));
        }
    }

    /**
     * SIGKILL one greeter 3 s into the measured load, SIGTERM another 2 s later: calls to either are retried
     * elsewhere, and every member drops the dead one within the failure detector's time, the stopped one at once.
     */
    @Test
    @Order(1)
    void killOneGreeterAndStopAnotherUnderLoad() {
        LoadProcess load = LoadProcess.start(processes, gossip(LoadProcess.greeter("load-gossip", STEADY)));
        for (GreeterProcess p : NODES) {
            awaitReached(p, load);
        }
        GreeterProcess victim = NODES[1];
        GreeterProcess stopped = NODES[2];
        String victimMember = memberAddress(victim);
        String stoppedMember = memberAddress(stopped);
        Map<String, GreeterProcess> survivors = new LinkedHashMap<>();
        for (GreeterProcess p : List.of(NODES[0], NODES[3], NODES[4], load.process())) {
            survivors.put(p.name(), p);
        }
        LoadProcess.Progress atKill = load.awaitSecond(KILL_AT, START);

        victim.sigkill();
        long killed = System.nanoTime();
        victim.awaitExit(EXIT);
        LoadProcess.Progress atStop = load.awaitSecond(STOP_AT, START);
        stopped.sigterm();
        long stopSent = System.nanoTime();

        Pattern victimGone = Pattern.compile("gossip: member " + Pattern.quote(victimMember) + " removed");
        Pattern stoppedGone = Pattern.compile("gossip: member " + Pattern.quote(stoppedMember)
                + " (is leaving|removed)");
        Map<String, Long> dropped = new LinkedHashMap<>();
        Map<String, Long> left = new LinkedHashMap<>();
        String here = "this JVM (" + registry.memberAddress() + ")";
        Duration deadline = STEADY.plus(LOAD_SLACK);
        await("every member to drop " + victim + " and " + stopped + ", and the load to end").atMost(deadline)
                .pollInterval(Duration.ofMillis(10))
                .until(() -> {
                    long now = System.nanoTime();
                    for (GreeterProcess p : survivors.values()) {
                        String log = p.stderr();
                        if (!dropped.containsKey(p.name()) && victimGone.matcher(log).find()) {
                            dropped.put(p.name(), now);
                        }
                        if (!left.containsKey(p.name()) && stoppedGone.matcher(log).find()) {
                            left.put(p.name(), now);
                        }
                    }
                    Set<String> others = registry.otherMembers();
                    if (!dropped.containsKey(here) && !others.contains(victimMember)) {
                        dropped.put(here, now);
                    }
                    if (!left.containsKey(here) && !addresses().contains(stopped.address())) {
                        left.put(here, now);
                    }
                    return dropped.size() == survivors.size() + 1 && left.size() == survivors.size() + 1
                            && !load.isAlive();
                });
        LoadProcess.Result r = load.awaitResult(EXIT);
        System.out.println("RESILIENCE gossip-kill-one-stop-another " + r.line());
        stopped.awaitExit(EXIT);

        Map<String, Long> killToDropped = new LinkedHashMap<>();
        dropped.forEach((who, at) -> killToDropped.put(who, (at - killed) / 1_000_000));
        Map<String, Long> stopToLeft = new LinkedHashMap<>();
        left.forEach((who, at) -> stopToLeft.put(who, (at - stopSent) / 1_000_000));
        long slowest = killToDropped.values().stream().mapToLong(Long::longValue).max().orElseThrow();
        long slowestLeave = stopToLeft.values().stream().mapToLong(Long::longValue).max().orElseThrow();
        Duration estimate = registry.config().removalTime(MEMBERS);
        Duration bound = estimate.plus(DROP_MARGIN);
        report("kill-to-dropped gossip: every member dropped %s (member %s) within %d ms of its SIGKILL (estimate "
                        + "%d ms, bound %d ms): %s", victim, victimMember, slowest, estimate.toMillis(),
                bound.toMillis(), killToDropped);
        report("stop-to-dropped gossip: every member dropped %s (member %s) within %d ms of its SIGTERM: %s", stopped,
                stoppedMember, slowestLeave, stopToLeft);
        report("load: SIGKILL %s at t=%ds (%d calls, %d failures so far), SIGTERM %s at t=%ds; failures by second: "
                        + "%s", victim, atKill.second(), atKill.calls(), atKill.failures(), stopped, atStop.second(),
                load.failuresBySecond());

        assertThat(r.calls()).isPositive();
        assertThat(r.failures())
                .as("failed calls; SIGKILL of %s at load t=%ds, SIGTERM of %s at t=%ds; by second: %s\n%s", victim,
                        atKill.second(), stopped, atStop.second(), load.failuresBySecond(), load.failureReport())
                .isZero();
        assertThat(Duration.ofMillis(slowest))
                .as("from the SIGKILL until every member dropped the dead one: %s", killToDropped)
                .isLessThanOrEqualTo(bound);
        assertThat(Duration.ofMillis(slowestLeave))
                .as("from the SIGTERM until every member dropped the stopped one: %s", stopToLeft)
                .isLessThanOrEqualTo(LEAVE_BOUND);
        assertThat(addresses()).as("the three greeters left")
                .containsExactlyInAnyOrder(NODES[0].address(), NODES[3].address(), NODES[4].address());
    }

    /**
     * Registration-to-visible, one new greeter JVM joining the running cluster through the seed: from its "serving"
     * log line (written after its registration returned) to its node in this JVM's member.
     */
    @Test
    @Order(2)
    void registrationToVisible() {
        GreeterProcess fresh = processes.start(server("fresh"));
        Visible v = awaitVisible(List.of(fresh)).get(0);
        report("registration-to-visible gossip (one JVM joining): %s", v);
        assertThat(v.visibleMillis()).isNotNegative();
    }

    // ---- registration to visible ----

    /** One node's times, in ms since its JVM was started: its "serving" line in its log, its node in this JVM. */
    record Visible(String node, long servingMillis, long visibleMillis) {

        long servingToVisible() {
            return visibleMillis - servingMillis;
        }

        @Override
        public String toString() {
            return String.format("%s serving->visible %d ms (JVM start->serving %d ms, ->visible %d ms)", node,
                    servingToVisible(), servingMillis, visibleMillis);
        }
    }

    /** Polls the processes' logs and this JVM's view every 5 ms until each process serves and its node is seen. */
    private static List<Visible> awaitVisible(List<GreeterProcess> starting) {
        Map<GreeterProcess, Long> serving = new HashMap<>();
        Map<String, Long> firstListed = new HashMap<>();
        await("nodes serving and seen by this JVM's member: " + starting).atMost(START)
                .pollInterval(Duration.ofMillis(5))
                .until(() -> {
                    long now = System.nanoTime();
                    for (GreeterProcess p : starting) {
                        if (!serving.containsKey(p) && p.serving() != null) {
                            serving.put(p, now);
                        }
                        if (!p.process().isAlive()) {
                            throw new AssertionError(p + " died\n" + p.diagnostics());
                        }
                    }
                    for (String address : addresses()) {
                        firstListed.putIfAbsent(address, now);
                    }
                    return starting.stream().allMatch(p -> serving.containsKey(p)
                            && firstListed.containsKey(p.address()));
                });
        return starting.stream()
                .map(p -> new Visible(p.toString(), (serving.get(p) - p.startedNanos()) / 1_000_000,
                        (firstListed.get(p.address()) - p.startedNanos()) / 1_000_000))
                .toList();
    }

    // ---- nodes and members ----

    private static GreeterProcess.Spec server(String name) {
        return gossip(GreeterProcess.server(name)
                .property("micro.register.ttl", TTL.toMillis() + "ms")
                .property("micro.register.interval", INTERVAL.toMillis() + "ms"));
    }

    /** The registry settings every process of this class gets: gossip, joining the seed, the short timings. */
    private static GreeterProcess.Spec gossip(GreeterProcess.Spec spec) {
        spec.property("micro.registry", "gossip")
                .property(GossipRegistryConfig.SEEDS, "127.0.0.1:" + seedPort);
        TIMINGS.forEach(spec::property);
        return spec;
    }

    /** The member address a process logged when its registry started. */
    private static String memberAddress(GreeterProcess p) {
        Matcher m = STARTED.matcher(p.stderr());
        if (!m.find()) {
            throw new AssertionError(p + " logged no gossip member address\n" + p.diagnostics());
        }
        return m.group(1);
    }

    /** The addresses of the greeter nodes this JVM's member sees. */
    private static Set<String> addresses() {
        Set<String> out = new TreeSet<>();
        for (Service s : registry.getService("greeter")) {
            for (Node n : s.nodes()) {
                out.add(n.address());
            }
        }
        return out;
    }

    /**
     * Waits until the load tool has a connection to {@code node}: then the node is in its registry cache.
     *
     * @throws AssertionError when the load ends first
     */
    private static void awaitReached(GreeterProcess node, LoadProcess load) {
        int port = Integer.parseInt(node.address().substring(node.address().lastIndexOf(':') + 1));
        await(load.process().name() + " connected to " + node).atMost(START).pollInterval(Duration.ofMillis(10))
                .until(() -> {
                    if (ResilienceIT.established(port) > 0) {
                        return true;
                    }
                    if (!load.isAlive()) {
                        throw new AssertionError(load.process().name() + " ended (at t=" + load.progress().second()
                                + "s) without a connection to " + node + "; this JVM sees " + addresses() + "\n"
                                + load.process().diagnostics());
                    }
                    return false;
                });
    }

    // ---- reporting ----

    private static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }

    private static void report(String format, Object... args) {
        System.out.println("[GossipResilienceIT] " + String.format(format, args));
    }
}
