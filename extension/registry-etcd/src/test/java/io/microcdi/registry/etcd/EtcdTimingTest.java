package io.microcdi.registry.etcd;

import io.microcdi.registry.RegistryEvent;
import io.microcdi.registry.Service;
import io.microcdi.testing.Registries;
import io.microcdi.testing.WatchedEvents;
import io.microcdi.testing.etcd.EtcdCluster;
import io.microcdi.testing.registry.RegistryContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Arrays;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How fast a registration shows elsewhere, on a real three-member cluster: from {@code register} called in one
 * instance to the node found by a lookup in another (its own connections), and to the create event of a watcher there.
 * Prints {@code ETCD-TIMING ...} with the median and the largest of {@value #ROUNDS} rounds; asserts only that every
 * registration arrived (timing is for reading, not for failing a build on a busy machine).
 */
class EtcdTimingTest {

    private static final int ROUNDS = 50;
    private static final Duration SEEN = Duration.ofSeconds(10);

    private static EtcdCluster etcd;

    @BeforeAll
    static void startEtcd() {
        EtcdCluster.assumeInstalled();
        etcd = EtcdCluster.start(3);
    }

    @AfterAll
    static void stopEtcd() {
        if (etcd != null) {
            etcd.close();
        }
    }

    @Test
    void registrationToLookupAndToWatchEvent() {
        String prefix = "/timing-" + UUID.randomUUID().toString().substring(0, 8) + "/";
        try (EtcdRegistry server = new EtcdRegistry(EtcdRegistryConfig.of(etcd.endpointList()).withPrefix(prefix));
             EtcdRegistry watching = new EtcdRegistry(EtcdRegistryConfig.of(etcd.endpointList()).withPrefix(prefix));
             EtcdRegistry looking = new EtcdRegistry(EtcdRegistryConfig.of(etcd.endpointList()).withPrefix(prefix));
             WatchedEvents events = WatchedEvents.of(watching.watch(null))) {
            long[] toLookup = new long[ROUNDS];
            long[] toEvent = new long[ROUNDS];
            for (int i = -5; i < ROUNDS; i++) { // five rounds warm the connections and the JIT
                String name = RegistryContract.uniqueName();
                Service s = RegistryContract.service(name, "1.0.0", RegistryContract.node(name));
                long start = System.nanoTime();
                server.register(s, Duration.ofSeconds(30));
                RegistryEvent e = events.next(SEEN);
                long event = System.nanoTime();
                Registries.awaitNode(looking, name, s.nodes().get(0).id(), SEEN);
                long lookup = System.nanoTime();
                assertThat(e.service().nodes()).containsExactlyElementsOf(s.nodes());
                if (i >= 0) {
                    toEvent[i] = event - start;
                    toLookup[i] = lookup - start;
                }
            }
            System.out.printf("ETCD-TIMING rounds=%d register_to_watch_event_ms p50=%.2f max=%.2f"
                    + " register_to_lookup_ms p50=%.2f max=%.2f%n", ROUNDS, median(toEvent), max(toEvent),
                    median(toLookup), max(toLookup));
        }
    }

    private static double median(long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2] / 1e6;
    }

    private static double max(long[] nanos) {
        return Arrays.stream(nanos).max().orElse(0) / 1e6;
    }
}
