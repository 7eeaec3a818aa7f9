package io.microcdi.it;

import io.microcdi.registry.Node;
import io.microcdi.registry.Registry;
import io.microcdi.registry.RegistryException;
import io.microcdi.registry.Service;
import io.microcdi.registry.etcd.EtcdRegistry;
import io.microcdi.registry.etcd.EtcdRegistryConfig;
import io.microcdi.registry.mdns.MdnsRegistry;
import io.microcdi.registry.mdns.MdnsRegistryConfig;
import io.microcdi.testing.etcd.EtcdCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Client-side resilience on the etcd registry: a real three-member etcd cluster on loopback ({@link EtcdCluster}),
 * three greeter processes registered in it ({@code MICRO_REGISTRY=etcd}), and the load tool as a fourth process,
 * {@value LoadProcess#CONCURRENCY} threads calling through the framework's client with the same registry settings.
 * One greeter is SIGKILLed under load and, two seconds later, the etcd leader: not one call may fail, and the dead
 * greeter's key must leave etcd when its lease runs out.
 *
 * <p>Every process of a run uses its own key prefix ({@code MICRO_REGISTRY_ETCD_PREFIX=/microcdi-it/<run>/}), so no
 * other test's nodes are seen, and the cluster is this class's own. This JVM reads the same prefix through an
 * {@link EtcdRegistry} to see nodes come and go.
 *
 * <p>On etcd's lease clock: a lease does not survive a leader change with its remaining time. The new leader
 * ({@code lessor.Promote}) gives every lease its full TTL again plus the election timeout (1 s by default) unless
 * etcd runs with {@code --experimental-enable-lease-checkpoint} (etcd issue 9888). So a node killed two seconds before
 * the leader outlives its TTL counted from its own death; its bound is counted from the new leader. The plain bound
 * (TTL counted from the kill) is checked separately, with a stable leader ({@link #sigkilledGreeterLeavesEtcdWithinItsTtl}).
 *
 * <p>Prints {@code RESILIENCE etcd-... calls=.. failures=.. rps=.. p50_ms=.. p99_ms=..}, the kill-to-gone times and
 * the registration-to-visible times on etcd and on mDNS.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EtcdResilienceIT {

    private static final Duration TTL = Duration.ofSeconds(5);
    private static final Duration INTERVAL = Duration.ofSeconds(1);
    private static final Duration START = Duration.ofSeconds(60);
    private static final Duration STEADY = Duration.ofSeconds(10);
    /** Seconds since the load tool started (its 1 s warm-up included): 3 s of measured load before the kill. */
    private static final int KILL_AT = 4;
    /** The etcd leader dies two seconds after the greeter. */
    private static final int LEADER_KILL_AT = KILL_AT + 2;
    /**
     * Beyond the TTL, what a SIGKILLed node's key may take to leave: up to one heartbeat interval is already inside the
     * TTL; etcd's lessor looks for expired leases every 500 ms and revokes them through raft; this JVM polls every
     * 50 ms.
     */
    private static final Duration GONE_MARGIN = Duration.ofMillis(1500);
    /** etcd's default election timeout, which a new leader adds to every lease ({@code lessor.Promote}). */
    private static final Duration ETCD_ELECTION_TIMEOUT = Duration.ofSeconds(1);
    private static final Duration EXIT = Duration.ofSeconds(20);
    /** Beyond its duration, what a load run may take: its JVM and framework start, its registry lookup. */
    private static final Duration LOAD_SLACK = Duration.ofSeconds(60);
    private static final String[] SLOTS = {"a", "b", "c"};

    private static final String RUN = UUID.randomUUID().toString();
    private static final String PREFIX = "/microcdi-it/" + RUN + "/";

    @RegisterExtension
    static final Processes SERVERS = Processes.perClass();

    @RegisterExtension
    final Processes processes = Processes.perTest();

    private static final GreeterProcess[] NODES = new GreeterProcess[SLOTS.length];
    private static EtcdCluster etcd;
    private static EtcdRegistry registry;
    private static long classStarted;

    @BeforeAll
    static void startEtcdAndThreeGreeters() {
        EtcdCluster.assumeInstalled();
        classStarted = System.nanoTime();
        etcd = EtcdCluster.start(3);
        report("etcd %s up %d ms after the class started; leader %s; prefix %s", etcd.endpointList(),
                millisSince(classStarted), etcd.leader().name(), PREFIX);
        registry = new EtcdRegistry(EtcdRegistryConfig.of(etcd.endpointList()).withPrefix(PREFIX));
        for (int slot = 0; slot < SLOTS.length; slot++) {
            NODES[slot] = SERVERS.start(server(SLOTS[slot]));
        }
        List<Visible> visible = awaitVisible(List.of(NODES), EtcdResilienceIT::etcdAddresses);
        visible.forEach(v -> report("registration-to-visible etcd (three JVMs starting at once): %s", v));
        report("three greeters listed in etcd %d ms after the class started: %s", millisSince(classStarted),
                Arrays.toString(NODES));
    }

    @AfterAll
    static void stop() {
        try {
            if (registry != null) {
                registry.close();
            }
        } finally {
            try {
                SERVERS.closeAll(); // before etcd: a greeter deregisters on its way out
            } finally {
                if (etcd != null) {
                    etcd.close();
                }
                report("class wall time %d ms (processes and etcd stopped)", millisSince(classStarted));
            }
        }
    }

    /**
     * SIGKILL one greeter 3 s into the measured load, then the etcd leader 2 s later: calls to the dead greeter are
     * retried elsewhere, the registry lookups and watches of the load tool ride out the election, and the dead
     * greeter's key leaves etcd when its lease (re-armed by the new leader) runs out.
     */
    @Test
    @Order(1)
    void killGreeterThenEtcdLeaderUnderLoad() {
        LoadProcess load = LoadProcess.start(processes, etcdEnv(LoadProcess.greeter("load-etcd", STEADY)));
        for (GreeterProcess p : NODES) {
            awaitReached(p, load);
        }
        LoadProcess.Progress atKill = load.awaitSecond(KILL_AT, START);

        GreeterProcess victim = NODES[0];
        victim.sigkill();
        long killed = System.nanoTime();
        victim.awaitExit(EXIT);
        LoadProcess.Progress atLeaderKill = load.awaitSecond(LEADER_KILL_AT, START);
        EtcdCluster.Member oldLeader = etcd.leader();
        oldLeader.kill();
        long leaderKilled = System.nanoTime();

        long[] gone = {-1};
        long[] elected = {-1};
        String[] newLeader = {null};
        List<String> lookupFailures = new ArrayList<>();
        Duration deadline = STEADY.plus(LOAD_SLACK);
        await("load to end and " + victim + " to leave etcd").atMost(deadline).pollInterval(Duration.ofMillis(50))
                .until(() -> {
                    long now = System.nanoTime(); // the earliest the new leader can be said seen: the stricter
                    if (elected[0] < 0) {
                        try {
                            EtcdCluster.Member l = etcd.leader();
                            if (l != oldLeader) {
                                elected[0] = now;
                                newLeader[0] = l.name();
                            }
                        } catch (IllegalStateException electing) {
                            // no leader yet
                        }
                    }
                    if (gone[0] < 0) {
                        try {
                            if (!etcdAddresses().contains(victim.address())) {
                                gone[0] = System.nanoTime(); // when the answer is in: the later, the stricter
                            }
                        } catch (RegistryException e) {
                            if (lookupFailures.size() < 5) {
                                lookupFailures.add(e.getMessage());
                            }
                        }
                    }
                    return gone[0] >= 0 && !load.isAlive();
                });
        LoadProcess.Result r = load.awaitResult(EXIT);
        summary("etcd-kill-greeter-then-leader", r);

        long killToGone = (gone[0] - killed) / 1_000_000;
        long electedAfterKill = (elected[0] - killed) / 1_000_000;
        // the lease expires TTL after the last keep-alive (before the kill), or, re-armed by the new leader, TTL plus
        // the election timeout after the new leader took over (which this JVM saw at `elected`, a bit later)
        long bound = Math.max(TTL.toMillis(), electedAfterKill + TTL.plus(ETCD_ELECTION_TIMEOUT).toMillis())
                + GONE_MARGIN.toMillis();
        report("kill-to-gone etcd (greeter SIGKILL, leader SIGKILL %d ms later): %s's key left etcd %d ms after its "
                        + "SIGKILL (ttl %d ms, interval %d ms); leader %s SIGKILLed at load t=%ds, new leader %s "
                        + "seen %d ms after the greeter's SIGKILL (%d ms after the leader's); bound %d ms; "
                        + "lookup failures in this JVM: %s",
                (leaderKilled - killed) / 1_000_000, victim, killToGone, TTL.toMillis(), INTERVAL.toMillis(),
                oldLeader.name(), atLeaderKill.second(), newLeader[0], electedAfterKill,
                (elected[0] - leaderKilled) / 1_000_000, bound, lookupFailures.isEmpty() ? "none" : lookupFailures);
        report("load: SIGKILL %s at t=%ds (%d calls, %d failures so far), etcd leader at t=%ds; failures by second: %s",
                victim, atKill.second(), atKill.calls(), atKill.failures(), atLeaderKill.second(),
                load.failuresBySecond());

        assertThat(r.calls()).isPositive();
        assertThat(r.failures())
                .as("failed calls; SIGKILL of %s at load t=%ds, of the etcd leader %s at t=%ds; by second: %s\n%s",
                        victim, atKill.second(), oldLeader.name(), atLeaderKill.second(), load.failuresBySecond(),
                        load.failureReport())
                .isZero();
        assertThat(elected[0]).as("a new etcd leader was seen").isPositive();
        assertThat(killToGone)
                .as("ms from the greeter's SIGKILL to its key leaving etcd: ttl %s after its last keep-alive, or after "
                        + "the new leader (seen +%d ms) re-armed the lease with ttl + election timeout %s; margin %s",
                        TTL, electedAfterKill, ETCD_ELECTION_TIMEOUT, GONE_MARGIN)
                .isLessThanOrEqualTo(bound);
    }

    /**
     * With a stable leader (two members left of three), a SIGKILLed greeter's key leaves etcd within its TTL, counted
     * from the kill, plus a small margin.
     */
    @Test
    @Order(2)
    void sigkilledGreeterLeavesEtcdWithinItsTtl() {
        etcd.awaitLeader(Duration.ofSeconds(15));
        GreeterProcess victim = NODES[1];
        assertThat(etcdAddresses()).as("listed before the kill").contains(victim.address());
        victim.sigkill();
        long killed = System.nanoTime();
        victim.awaitExit(EXIT);
        await(victim + " to leave etcd").atMost(TTL.plus(GONE_MARGIN).plusSeconds(10))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> !etcdAddresses().contains(victim.address()));
        long gone = millisSince(killed);
        report("kill-to-gone etcd (stable leader %s): %s's key left etcd %d ms after its SIGKILL (ttl %d ms, "
                + "interval %d ms)", etcd.leader().name(), victim, gone, TTL.toMillis(), INTERVAL.toMillis());

        assertThat(gone).as("ms from SIGKILL to the key leaving etcd; ttl %s + margin %s", TTL, GONE_MARGIN)
                .isLessThanOrEqualTo(TTL.plus(GONE_MARGIN).toMillis());
        assertThat(etcdAddresses()).as("the last greeter stays").contains(NODES[2].address());
    }

    /**
     * Registration-to-visible, one new greeter JVM at a time: from its "serving" log line (written after its
     * registration returned) to its node in this JVM's registry; first on etcd, then on mDNS (loopback). A print
     * only: the figures compare the two, nothing is asserted about them.
     */
    @Test
    @Order(3)
    void registrationToVisible() {
        GreeterProcess onEtcd = processes.start(server("etcd-fresh"));
        Visible e = awaitVisible(List.of(onEtcd), EtcdResilienceIT::etcdAddresses).get(0);
        report("registration-to-visible etcd (one JVM starting): %s", e);

        String label = "it.run=" + RUN;
        try (MdnsRegistry mdns = new MdnsRegistry(MdnsRegistryConfig.defaults())) {
            // a new MdnsRegistry's first lookups wait for its warm-up (its first answers): over before the greeter
            long warm = System.nanoTime();
            addresses(mdns, label);
            report("mdns registry in this JVM warmed up in %d ms", millisSince(warm));
            GreeterProcess onMdns = processes.start(GreeterProcess.server("mdns-fresh")
                    .property("micro.register.ttl", TTL.toMillis() + "ms")
                    .property("micro.register.interval", INTERVAL.toMillis() + "ms")
                    .property("micro.server.metadata", label));
            Visible m = awaitVisible(List.of(onMdns), () -> addresses(mdns, label)).get(0);
            report("registration-to-visible mdns (one JVM starting): %s", m);
            assertThat(m.visibleMillis()).isNotNegative();
        }
        assertThat(e.visibleMillis()).isNotNegative();
    }

    // ---- registration to visible ----

    /**
     * One node's times, in ms since its JVM was started: its "serving" line seen in its log, its node seen in this
     * JVM's registry. {@code servingToVisible} is negative when the node was listed before the line was seen (the
     * server registers, then logs).
     */
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

    /**
     * Polls the processes' logs and {@code listed} every 5 ms until each process serves and its address is listed.
     * Addresses are noted when first listed (when the lookup returned), before their process's log names them.
     */
    private static List<Visible> awaitVisible(List<GreeterProcess> starting, Supplier<Set<String>> listed) {
        Map<GreeterProcess, Long> serving = new HashMap<>();
        Map<String, Long> firstListed = new HashMap<>();
        await("nodes serving and listed: " + starting).atMost(START).pollInterval(Duration.ofMillis(5))
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
                    try {
                        Set<String> addresses = listed.get();
                        long at = System.nanoTime(); // when the answer is in: a lookup may take a while
                        for (String address : addresses) {
                            firstListed.putIfAbsent(address, at);
                        }
                    } catch (RegistryException e) {
                        return false; // not reachable now: the next poll
                    }
                    return starting.stream().allMatch(p -> serving.containsKey(p)
                            && firstListed.containsKey(p.address()));
                });
        return starting.stream()
                .map(p -> new Visible(p.toString(), (serving.get(p) - p.startedNanos()) / 1_000_000,
                        (firstListed.get(p.address()) - p.startedNanos()) / 1_000_000))
                .toList();
    }

    // ---- nodes ----

    private static GreeterProcess.Spec server(String name) {
        return etcdEnv(GreeterProcess.server(name)
                .property("micro.register.ttl", TTL.toMillis() + "ms")
                .property("micro.register.interval", INTERVAL.toMillis() + "ms"));
    }

    /** The registry settings every process of this class gets: etcd, this cluster, this run's prefix. */
    private static GreeterProcess.Spec etcdEnv(GreeterProcess.Spec spec) {
        return spec.env("MICRO_REGISTRY", "etcd")
                .env("MICRO_REGISTRY_ETCD_ENDPOINTS", etcd.endpointList())
                .env("MICRO_REGISTRY_ETCD_PREFIX", PREFIX);
    }

    /** The addresses of the greeter nodes under this run's prefix. */
    private static Set<String> etcdAddresses() {
        return addresses(registry, null);
    }

    /** The addresses of {@code r}'s greeter nodes; with {@code label} ({@code k=v}), only those carrying it. */
    private static Set<String> addresses(Registry r, String label) {
        String key = label == null ? null : label.substring(0, label.indexOf('='));
        String value = label == null ? null : label.substring(label.indexOf('=') + 1);
        Map<String, Node> nodes = new TreeMap<>();
        for (Service s : r.getService("greeter")) {
            for (Node n : s.nodes()) {
                if (key == null || value.equals(n.metadata().get(key))) {
                    nodes.put(n.address(), n);
                }
            }
        }
        return nodes.keySet();
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
                                + "s) without a connection to " + node + "; etcd lists "
                                + etcdAddresses().stream().collect(Collectors.joining(", ")) + "\n"
                                + load.process().diagnostics());
                    }
                    return false;
                });
    }

    // ---- reporting ----

    private static void summary(String scenario, LoadProcess.Result r) {
        System.out.println("RESILIENCE " + scenario + " " + r.line());
    }

    private static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }

    private static void report(String format, Object... args) {
        System.out.println("[EtcdResilienceIT] " + String.format(format, args));
    }
}
