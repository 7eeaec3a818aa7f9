package io.microcdi.it;

import io.microcdi.registry.Node;
import io.microcdi.registry.Registry;
import io.microcdi.registry.Service;
import io.microcdi.registry.mdns.MdnsRegistry;
import io.microcdi.registry.mdns.MdnsRegistryConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link ResilienceIT}'s kill with gRPC as the protocol: three greeter processes serving only gRPC
 * ({@code micro.server=grpc}, nodes {@code protocol=grpc}) on mDNS (loopback), and the load tool calling them through
 * the framework's client, which reaches such nodes only over gRPC (one channel per node). One node is SIGKILLed 3 s
 * into the measured load; not one call may fail: the calls it had in flight and those sent before its node left the
 * load tool's cache are retried on the others.
 *
 * <p>Prints {@code GRPC-RESILIENCE killUnderLoad calls=.. failures=.. rps=.. p50_ms=.. p99_ms=..}.
 */
class GrpcResilienceIT {

    private static final Duration TTL = Duration.ofSeconds(5);
    private static final Duration INTERVAL = Duration.ofSeconds(1);
    private static final Duration START = Duration.ofSeconds(60);
    private static final Duration STEADY = Duration.ofSeconds(10);
    private static final Duration EXIT = Duration.ofSeconds(20);
    private static final Duration LOAD_SLACK = Duration.ofSeconds(60);
    /** Seconds since the load tool started (its 1 s warm-up included): 3 s of measured load before the kill. */
    private static final int KILL_AT = 4;
    private static final String[] SLOTS = {"a", "b", "c"};

    private static final String RUN = UUID.randomUUID().toString();

    @RegisterExtension
    static final Processes SERVERS = Processes.perClass();

    @RegisterExtension
    final Processes loads = Processes.perTest();

    private static final GreeterProcess[] NODES = new GreeterProcess[SLOTS.length];
    private static Registry registry;

    @BeforeAll
    static void startThreeGrpcGreeters() {
        for (int slot = 0; slot < SLOTS.length; slot++) {
            NODES[slot] = SERVERS.start(GreeterProcess.server("grpc-" + SLOTS[slot])
                    .property("micro.server", "grpc")
                    .property("micro.register.ttl", TTL.toMillis() + "ms")
                    .property("micro.register.interval", INTERVAL.toMillis() + "ms")
                    .property("micro.server.metadata", "it.run=" + RUN + ",it.name=" + SLOTS[slot]));
        }
        registry = new MdnsRegistry(MdnsRegistryConfig.defaults());
        for (GreeterProcess p : NODES) {
            p.awaitServing(START);
        }
        for (GreeterProcess p : NODES) {
            await(p.name() + " listed").atMost(START).pollInterval(Duration.ofMillis(10))
                    .until(() -> {
                        if (!p.process().isAlive()) {
                            throw new AssertionError(p + " died\n" + p.diagnostics());
                        }
                        return ourNodes().containsKey(p.address());
                    });
        }
        report("three gRPC greeters listed: %s", Arrays.toString(NODES));
    }

    @AfterAll
    static void stop() {
        try {
            if (registry != null) {
                registry.close();
            }
        } finally {
            SERVERS.closeAll();
        }
    }

    @Test
    void killUnderLoadOverGrpc() {
        for (Node n : ourNodes().values()) {
            assertThat(n.metadata()).as("node %s", n.address()).containsEntry("protocol", "grpc")
                    .containsEntry("server", "grpc");
        }
        LoadProcess.Cpu cpu = LoadProcess.cpu(List.of(NODES[1], NODES[2]));
        LoadProcess load = LoadProcess.start(loads, LoadProcess.greeter("load-grpc-kill", STEADY)
                .property("micro.client.greeter.labels", "it.run=" + RUN));
        for (GreeterProcess p : NODES) {
            awaitReached(p, load);
        }
        LoadProcess.Progress atKill = load.awaitSecond(KILL_AT, START);

        GreeterProcess victim = NODES[0];
        victim.sigkill();
        long killed = System.nanoTime();
        victim.awaitExit(EXIT);
        long[] unlisted = {-1};
        await("load-grpc-kill to end").atMost(STEADY.plus(LOAD_SLACK)).pollInterval(Duration.ofMillis(50))
                .until(() -> {
                    if (unlisted[0] < 0 && !ourNodes().containsKey(victim.address())) {
                        unlisted[0] = (System.nanoTime() - killed) / 1_000_000;
                    }
                    cpu.sample(load);
                    return !load.isAlive();
                });
        LoadProcess.Result r = load.awaitResult(EXIT);
        System.out.println("GRPC-RESILIENCE killUnderLoad " + r.line() + "; " + cpu.perCall(r.calls()));
        report("killUnderLoad: SIGKILL %s at load t=%ds (%d calls, %d failures so far); unlisted here %s; "
                        + "failures by second: %s", victim, atKill.second(), atKill.calls(), atKill.failures(),
                unlisted[0] < 0 ? "not before the load ended" : "after " + unlisted[0] + " ms (ttl "
                        + TTL.toMillis() + " ms)", load.failuresBySecond());

        assertThat(r.calls()).isPositive();
        assertThat(r.failures())
                .as("failed calls; SIGKILL of %s at load t=%ds; by second: %s\n%s", victim, atKill.second(),
                        load.failuresBySecond(), load.failureReport())
                .isZero();
    }

    /** Waits until the load tool has a connection to {@code node}: its gRPC channel to it, so the node is cached. */
    private static void awaitReached(GreeterProcess node, LoadProcess load) {
        String address = node.address();
        int port = Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
        await(load.process().name() + " connected to " + node).atMost(START).pollInterval(Duration.ofMillis(10))
                .until(() -> {
                    if (ResilienceIT.established(port) > 0) {
                        return true;
                    }
                    if (!load.isAlive()) {
                        throw new AssertionError(load.process().name() + " ended without a connection to " + node
                                + "\n" + load.process().diagnostics());
                    }
                    return false;
                });
    }

    /** This run's greeter nodes in this JVM's registry, by address. */
    private static Map<String, Node> ourNodes() {
        Map<String, Node> nodes = new TreeMap<>();
        for (Service s : registry.getService("greeter")) {
            for (Node n : s.nodes()) {
                if (RUN.equals(n.metadata().get("it.run"))) {
                    nodes.put(n.address(), n);
                }
            }
        }
        return nodes;
    }

    private static void report(String format, Object... args) {
        System.out.println("[GrpcResilienceIT] " + String.format(format, args));
    }
}
