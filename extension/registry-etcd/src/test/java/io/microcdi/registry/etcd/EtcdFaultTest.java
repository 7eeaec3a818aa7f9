package io.microcdi.registry.etcd;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.microcdi.registry.Node;
import io.microcdi.registry.Registry;
import io.microcdi.registry.RegistryEvent;
import io.microcdi.registry.RegistryEvent.Action;
import io.microcdi.registry.RegistryException;
import io.microcdi.registry.Service;
import io.microcdi.testing.Registries;
import io.microcdi.testing.WatchedEvents;
import io.microcdi.testing.etcd.EtcdCluster;
import io.microcdi.testing.registry.RegistryContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * What a user sees when etcd fails under the registry, on a real three-member cluster of this class's own: the leader
 * killed, every member down, a lease lost, a watch dropped past a compaction.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class EtcdFaultTest {

    private static final Duration SEEN = Duration.ofSeconds(10);

    private static EtcdCluster etcd;

    private final String prefix = "/fault-" + UUID.randomUUID().toString().substring(0, 8) + "/";
    private final List<AutoCloseable> closing = new ArrayList<>();
    private final ScheduledExecutorService beats = Executors.newSingleThreadScheduledExecutor();

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

    @BeforeEach
    void wholeCluster() {
        for (EtcdCluster.Member m : etcd.members()) {
            if (!m.isAlive()) {
                m.restart();
            }
            m.awaitHealthy(Duration.ofSeconds(30));
        }
        etcd.awaitLeader(Duration.ofSeconds(30));
    }

    @AfterEach
    void closeAll() throws Exception {
        beats.shutdownNow();
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
    }

    private EtcdRegistry registry(Duration requestTimeout) {
        EtcdRegistry r = new EtcdRegistry(EtcdRegistryConfig.of(etcd.endpointList()).withPrefix(prefix)
                .withRequestTimeout(requestTimeout));
        closing.add(r);
        return r;
    }

    private WatchedEvents watch(Registry r, String name) {
        WatchedEvents w = WatchedEvents.of(r.watch(name));
        closing.add(w);
        return w;
    }

    private Client rawClient() {
        Client c = Client.builder().endpoints(etcd.endpoints().toArray(String[]::new)).build();
        closing.add(c);
        return c;
    }

    private static Set<String> ids(Registry r, String name) {
        return r.getService(name).stream().flatMap(s -> s.nodes().stream()).map(Node::id).collect(Collectors.toSet());
    }

    @Test
    void theLeaderKilledCostsNoLookupNoWatchedChangeAndNoRegistration() throws Exception {
        EtcdRegistry server = registry(Duration.ofSeconds(5));
        EtcdRegistry client = registry(Duration.ofSeconds(5));
        String name = RegistryContract.uniqueName();
        Service first = RegistryContract.service(name, "1.0.0", RegistryContract.node(name));
        server.register(first, Duration.ofSeconds(10));
        AtomicInteger failedBeats = new AtomicInteger();
        beats.scheduleWithFixedDelay(() -> {
            try {
                server.register(first, Duration.ofSeconds(10));
            } catch (RegistryException e) {
                failedBeats.incrementAndGet(); // a keep-alive needs a leader: one may fail during the election
            }
        }, 200, 200, TimeUnit.MILLISECONDS);
        WatchedEvents events = watch(client, name);
        Registries.awaitNode(client, name, first.nodes().get(0).id(), SEEN);

        AtomicLong lookups = new AtomicLong();
        List<String> failedLookups = new ArrayList<>();
        EtcdCluster.Member leader = etcd.leader();
        leader.kill();
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        while (System.nanoTime() < until) { // lookups through the election: served by the members left
            try {
                assertThat(ids(client, name)).contains(first.nodes().get(0).id());
                lookups.incrementAndGet();
            } catch (RegistryException e) {
                failedLookups.add(e.getMessage());
            }
        }
        etcd.awaitLeader(Duration.ofSeconds(30));

        Service second = RegistryContract.service(name, "1.0.0", RegistryContract.node(name));
        server.register(second, Duration.ofSeconds(10));
        RegistryEvent created = events.next(SEEN, e -> e.action() != Action.UPDATE);
        assertThat(created.action()).isEqualTo(Action.CREATE);
        assertThat(created.service().nodes()).containsExactlyElementsOf(second.nodes());
        assertThat(ids(client, name)).containsExactlyInAnyOrder(first.nodes().get(0).id(), second.nodes().get(0).id());
        assertThat(failedLookups).as("lookups failed out of %s", lookups.get()).isEmpty();
        assertThat(lookups.get()).isPositive();

        leader.restart();
        leader.awaitHealthy(Duration.ofSeconds(30));
        assertThat(ids(client, name)).hasSize(2);
    }

    @Test
    void everyMemberDownFailsLookupsClearlyAndTheNextHeartbeatRegistersOnceWhenEtcdIsBack() {
        EtcdRegistry server = registry(Duration.ofSeconds(1));
        EtcdRegistry client = registry(Duration.ofSeconds(1));
        String name = RegistryContract.uniqueName();
        Service s = RegistryContract.service(name, "1.0.0", RegistryContract.node(name));
        server.register(s, Duration.ofSeconds(30));
        Registries.awaitNode(client, name, s.nodes().get(0).id(), SEEN);

        etcd.members().forEach(EtcdCluster.Member::stop);

        assertThatThrownBy(() -> client.getService(name)).isInstanceOf(RegistryException.class)
                .hasMessageContaining("etcd [http://127.0.0.1:").hasMessageContaining("look up " + name);
        assertThatThrownBy(() -> server.register(s, Duration.ofSeconds(30))).isInstanceOf(RegistryException.class);

        etcd.members().forEach(EtcdCluster.Member::restart);
        etcd.awaitLeader(Duration.ofSeconds(30));
        await().atMost(SEEN).ignoreExceptions().untilAsserted(() -> server.register(s, Duration.ofSeconds(30)));
        await().atMost(SEEN).ignoreExceptions().until(() -> ids(client, name).equals(
                Set.of(s.nodes().get(0).id())));
        assertThat(client.getService(name)).hasSize(1).first().satisfies(v -> assertThat(v.nodes()).hasSize(1));
    }

    @Test
    void aNodeWhoseLeaseWasLostIsWrittenAgainUnderANewLeaseByTheNextHeartbeat() throws Exception {
        EtcdRegistry server = registry(Duration.ofSeconds(5));
        EtcdRegistry client = registry(Duration.ofSeconds(5));
        String name = RegistryContract.uniqueName();
        Service s = RegistryContract.service(name, "1.0.0", RegistryContract.node(name));
        String id = s.nodes().get(0).id();
        server.register(s, Duration.ofSeconds(30));
        Client raw = rawClient();
        String key = prefix + name + "/" + id;
        KeyValue before = raw.getKVClient().get(EtcdRegistry.bytes(key)).get(5, TimeUnit.SECONDS).getKvs().get(0);
        assertThat(before.getLease()).isNotZero();

        // what a client partitioned for longer than its TTL finds: its lease gone, and its key with it
        raw.getLeaseClient().revoke(before.getLease()).get(5, TimeUnit.SECONDS);
        Registries.awaitNodeGone(client, name, id, SEEN);

        server.register(s, Duration.ofSeconds(30));

        KeyValue after = raw.getKVClient().get(EtcdRegistry.bytes(key)).get(5, TimeUnit.SECONDS).getKvs().get(0);
        assertThat(after.getLease()).isNotZero().isNotEqualTo(before.getLease());
        assertThat(ids(client, name)).containsExactly(id);
    }

    @Test
    void aKeyDeletedUnderALiveLeaseIsWrittenAgainByTheNextHeartbeat() throws Exception {
        EtcdRegistry server = registry(Duration.ofSeconds(5));
        String name = RegistryContract.uniqueName();
        Service s = RegistryContract.service(name, "1.0.0", RegistryContract.node(name));
        server.register(s, Duration.ofSeconds(30));
        Client raw = rawClient();
        raw.getKVClient().delete(EtcdRegistry.bytes(prefix + name + "/" + s.nodes().get(0).id()))
                .get(5, TimeUnit.SECONDS);
        // a serializable read may come from a member that has not applied the delete yet
        await().atMost(SEEN).until(() -> server.getService(name).isEmpty());

        server.register(s, Duration.ofSeconds(30));

        assertThat(ids(server, name)).containsExactly(s.nodes().get(0).id());
    }

    @Test
    void aWatchDroppedPastACompactionReportsExactlyWhatChangedMeanwhile() throws Exception {
        EtcdRegistry server = registry(Duration.ofSeconds(5));
        EtcdRegistry client = registry(Duration.ofSeconds(5));
        String name = RegistryContract.uniqueName();
        EtcdWatcher watcher = (EtcdWatcher) client.watch(name);
        WatchedEvents events = WatchedEvents.of(watcher);
        closing.add(events);
        Service stays = RegistryContract.service(name, "1.0.0", RegistryContract.node(name));
        Service goes = RegistryContract.service(name, "1.0.0", RegistryContract.node(name));
        Service changes = RegistryContract.service(name, "1.0.0", RegistryContract.node(name));
        for (Service s : List.of(stays, goes, changes)) {
            server.register(s, Duration.ofSeconds(60));
            assertThat(events.next(SEEN).action()).isEqualTo(Action.CREATE);
        }
        long seen = watcher.lastRevision();

        watcher.dropUnnoticed();
        server.deregister(goes);
        Node moved = changes.nodes().get(0);
        Map<String, String> md = new HashMap<>(moved.metadata());
        md.put("zone", "moved");
        Service changed = changes.withNodes(List.of(new Node(moved.id(), moved.address(), md)));
        server.register(changed, Duration.ofSeconds(60));
        Service arrives = RegistryContract.service(name, "1.0.0", RegistryContract.node(name));
        server.register(arrives, Duration.ofSeconds(60));
        Client raw = rawClient();
        long now = raw.getKVClient().get(EtcdRegistry.bytes(prefix)).get(5, TimeUnit.SECONDS).getHeader()
                .getRevision();
        raw.getKVClient().compact(now).get(5, TimeUnit.SECONDS);
        watcher.resumeAt(seen + 1); // compacted: etcd cancels it, the watcher lists again

        List<RegistryEvent> caughtUp = List.of(events.next(SEEN), events.next(SEEN), events.next(SEEN));
        assertThat(caughtUp).extracting(e -> e.action() + " " + e.service().nodes().get(0).id())
                .containsExactlyInAnyOrder("DELETE " + goes.nodes().get(0).id(), "UPDATE " + moved.id(),
                        "CREATE " + arrives.nodes().get(0).id());
        assertThat(caughtUp).filteredOn(e -> e.action() == Action.UPDATE).first()
                .satisfies(e -> assertThat(e.service()).isEqualTo(changed));

        // nothing else was queued (no invented create of the node that stayed), and the watch goes on
        Service marker = RegistryContract.service(name, "1.0.0", RegistryContract.node(name));
        server.register(marker, Duration.ofSeconds(60));
        RegistryEvent next = events.next(SEEN);
        assertThat(next.action()).isEqualTo(Action.CREATE);
        assertThat(next.service().nodes()).containsExactlyElementsOf(marker.nodes());
    }
}
