package io.microcdi.registry.mdns;

import io.microcdi.registry.Node;
import io.microcdi.registry.Service;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A second process for {@link MdnsCrossProcessTest}: registers one node on loopback and heartbeats it until killed.
 *
 * <pre>{@code
 * java -cp <test classpath> io.microcdi.registry.mdns.MdnsRegistryChild <service> <ttl ms> <interval ms>
 * }</pre>
 *
 * <p>Prints {@code REGISTERED <node id>} once registered, then runs until it is stopped (SIGTERM: goodbyes) or killed
 * (no goodbyes); the test starts it as an {@link io.microcdi.testing.ExternalProcess}, which never lets it outlive the
 * test.
 */
public final class MdnsRegistryChild {

    private MdnsRegistryChild() {
    }

    public static void main(String[] args) throws Exception {
        String name = args[0];
        Duration ttl = Duration.ofMillis(Long.parseLong(args[1]));
        long interval = Long.parseLong(args[2]);
        MdnsRegistry registry = new MdnsRegistry(MdnsRegistryConfig.defaults());
        Node node = new Node(name + "-" + UUID.randomUUID(), "127.0.0.1:45678",
                Map.of("protocol", "mucp", "pid", Long.toString(ProcessHandle.current().pid())));
        Service service = new Service(name, "1.0.0", Map.of(), MdnsTxtTest.endpoints(1), List.of(node));
        registry.register(service, ttl);
        ScheduledExecutorService heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "heartbeat");
            t.setDaemon(true);
            return t;
        });
        heartbeat.scheduleAtFixedRate(() -> registry.register(service, ttl), interval, interval,
                TimeUnit.MILLISECONDS);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            heartbeat.shutdownNow();
            registry.close();
        }));
        System.out.println("REGISTERED " + node.id());
        System.out.flush();
        Thread.currentThread().join(); // until stopped or killed
    }
}
