package io.microcdi.registry.mdns;

import io.microcdi.internal.config.DefaultMicroConfig;
import io.microcdi.registry.Node;
import io.microcdi.registry.RegistryEvent;
import io.microcdi.registry.RegistryEvent.Action;
import io.microcdi.registry.Service;
import io.microcdi.testing.ExternalProcess;
import io.microcdi.testing.WatchedEvents;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** A node registered by another JVM on loopback is found here, and dropped within its TTL once that JVM is killed. */
class MdnsCrossProcessTest {

    private ExternalProcess child;
    private MdnsRegistry registry;

    @AfterEach
    void cleanUp() {
        if (child != null) {
            child.kill();
        }
        if (registry != null) {
            registry.close();
        }
    }

    @Test
    void killedProcessIsEvictedWithinItsTtl() {
        registry = new MdnsRegistry(MdnsRegistryConfig.from(
                DefaultMicroConfig.of(Map.of("micro.registry.mdns.timeout", "200ms"))));
        String name = MdnsRegistryTest.uniqueName();
        WatchedEvents watcher = WatchedEvents.of(registry.watch(name));
        Duration ttl = Duration.ofSeconds(2);

        long start = System.nanoTime();
        // no preferIPv4Stack here: the child runs the JVM's default dual stack, as production does
        child = ExternalProcess.java(MdnsRegistryChild.class, name, Long.toString(ttl.toMillis()), "500").start();
        String registered = child.awaitLogLine(Pattern.compile("^REGISTERED "), Duration.ofSeconds(30));
        String nodeId = registered.substring("REGISTERED ".length());
        MdnsRegistryTest.report("child JVM started and registered", start);

        RegistryEvent created = watcher.next(MdnsRegistryTest.VISIBLE);
        MdnsRegistryTest.report("child start -> its node visible here", start);
        Node node = created.service().nodes().get(0);
        assertThat(created.action()).isEqualTo(Action.CREATE);
        assertThat(node.id()).isEqualTo(nodeId);
        assertThat(node.address()).isEqualTo("127.0.0.1:45678");
        assertThat(node.metadata()).containsEntry("pid", Long.toString(child.pid()));
        assertThat(created.service().endpoints()).isEqualTo(MdnsTxtTest.endpoints(1));
        List<Service> found = registry.getService(name);
        assertThat(found).hasSize(1);

        // Heartbeats every 500 ms keep it here for longer than its 2 s TTL.
        org.awaitility.Awaitility.await().during(Duration.ofMillis(2500)).atMost(Duration.ofSeconds(4))
                .until(() -> !registry.getService(name).isEmpty());

        long killed = System.nanoTime();
        child.kill(); // SIGKILL: no goodbye
        RegistryEvent deleted = watcher.next(Duration.ofSeconds(5));
        MdnsRegistryTest.report("SIGKILL -> evicted here (ttl 2 s)", killed);
        assertThat(deleted.action()).isEqualTo(Action.DELETE);
        assertThat(deleted.service().nodes()).extracting(Node::id).containsExactly(nodeId);
        assertThat(Duration.ofNanos(System.nanoTime() - killed)).isLessThan(ttl.plusMillis(2000));
        assertThat(registry.getService(name)).isEmpty();
        watcher.close();
    }
}
