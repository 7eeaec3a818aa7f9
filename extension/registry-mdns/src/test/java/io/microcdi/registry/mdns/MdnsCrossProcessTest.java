package io.microcdi.registry.mdns;

import io.microcdi.internal.config.DefaultMicroConfig;
import io.microcdi.registry.Node;
import io.microcdi.registry.RegistryEvent;
import io.microcdi.registry.RegistryEvent.Action;
import io.microcdi.registry.Service;
import io.microcdi.registry.Watcher;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A node registered by another JVM on loopback is found here, and dropped within its TTL once that JVM is killed. */
class MdnsCrossProcessTest {

    private Process child;
    private MdnsRegistry registry;

    @AfterEach
    void cleanUp() throws Exception {
        if (child != null) {
            child.destroyForcibly();
            child.waitFor(10, TimeUnit.SECONDS);
        }
        if (registry != null) {
            registry.close();
        }
    }

    @Test
    void killedProcessIsEvictedWithinItsTtl() throws Exception {
        registry = new MdnsRegistry(MdnsRegistryConfig.from(
                DefaultMicroConfig.of(Map.of("micro.registry.mdns.timeout", "200ms"))));
        String name = MdnsRegistryTest.uniqueName();
        Watcher watcher = registry.watch(name);
        Duration ttl = Duration.ofSeconds(2);

        long start = System.nanoTime();
        child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // no preferIPv4Stack here: the child runs the JVM's default dual stack, as production does
                "-cp", System.getProperty("java.class.path"),
                MdnsRegistryChild.class.getName(), name, Long.toString(ttl.toMillis()), "500")
                .redirectErrorStream(true)
                .start();
        CompletableFuture<String> registered = CompletableFuture.supplyAsync(() -> {
            try (BufferedReader out = new BufferedReader(
                    new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                StringBuilder seen = new StringBuilder();
                for (String line; (line = out.readLine()) != null; ) {
                    if (line.startsWith("REGISTERED ")) {
                        return line.substring("REGISTERED ".length());
                    }
                    seen.append(line).append('\n');
                }
                throw new IllegalStateException("child ended without registering:\n" + seen);
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        });
        String nodeId = registered.get(30, TimeUnit.SECONDS);
        MdnsRegistryTest.report("child JVM started and registered", start);

        RegistryEvent created = MdnsRegistryTest.next(watcher, MdnsRegistryTest.VISIBLE);
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
        child.destroyForcibly(); // SIGKILL: no goodbye
        RegistryEvent deleted = MdnsRegistryTest.next(watcher, Duration.ofSeconds(5));
        MdnsRegistryTest.report("SIGKILL -> evicted here (ttl 2 s)", killed);
        assertThat(deleted.action()).isEqualTo(Action.DELETE);
        assertThat(deleted.service().nodes()).extracting(Node::id).containsExactly(nodeId);
        assertThat(Duration.ofNanos(System.nanoTime() - killed)).isLessThan(ttl.plusMillis(2000));
        assertThat(registry.getService(name)).isEmpty();
    }
}
