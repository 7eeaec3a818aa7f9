package io.microcdi.registry.memory;

import io.microcdi.internal.config.DefaultMicroConfig;
import io.microcdi.registry.Endpoint;
import io.microcdi.registry.Node;
import io.microcdi.registry.Registry;
import io.microcdi.registry.RegistryEvent;
import io.microcdi.registry.RegistryEvent.Action;
import io.microcdi.registry.RegistryException;
import io.microcdi.registry.RegistryProvider;
import io.microcdi.registry.Service;
import io.microcdi.registry.Value;
import io.microcdi.registry.Watcher;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class MemoryRegistryTest {

    private final List<Registry> registries = new ArrayList<>();

    @AfterEach
    void closeAll() {
        registries.forEach(Registry::close);
    }

    private MemoryRegistry registry() {
        MemoryRegistry r = new MemoryRegistry();
        registries.add(r);
        return r;
    }

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static Node node(String service, int port) {
        return new Node(service + "-" + UUID.randomUUID(), "127.0.0.1:" + port, Map.of("protocol", "mucp"));
    }

    private static Service service(String name, String version, Node... nodes) {
        Endpoint hello = new Endpoint("Greeter.Hello", new Value("HelloRequest", "HelloRequest",
                List.of(new Value("name", "string", List.of()))), null, Map.of("stream", "false"));
        return new Service(name, version, Map.of("team", "a"), List.of(hello), List.of(nodes));
    }

    @Test
    void registersFindsAndDeregisters() {
        MemoryRegistry r = registry();
        Node n = node("greeter", 1000);
        Service s = service("greeter", "1.0.0", n);

        r.register(s, Duration.ZERO);

        assertThat(r.getService("greeter")).containsExactly(s);
        assertThat(r.getService("nobody")).isEmpty();
        r.deregister(s);
        assertThat(r.getService("greeter")).isEmpty();
    }

    @Test
    void groupsNodesByVersion() {
        MemoryRegistry r = registry();
        Node a = node("greeter", 1), b = node("greeter", 2), c = node("greeter", 3);
        r.register(service("greeter", "1.0.0", a), Duration.ZERO);
        r.register(service("greeter", "1.0.0", b), Duration.ZERO);
        r.register(service("greeter", "2.0.0", c), Duration.ZERO);

        List<Service> versions = r.getService("greeter");

        assertThat(versions).extracting(Service::version).containsExactly("1.0.0", "2.0.0");
        assertThat(versions.get(0).nodes()).containsExactly(a, b);
        assertThat(versions.get(1).nodes()).containsExactly(c);
        assertThat(versions.get(0).endpoints()).hasSize(1);
        // the snapshot is immutable and the same object until something changes
        assertThat(r.getService("greeter")).isSameAs(versions);
        assertThatThrownBy(() -> versions.add(versions.get(0))).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void listsNamesAndVersionsWithoutNodes() {
        MemoryRegistry r = registry();
        r.register(service("b-svc", "1", node("b-svc", 1)), Duration.ZERO);
        r.register(service("a-svc", "1", node("a-svc", 2)), Duration.ZERO);
        r.register(service("a-svc", "2", node("a-svc", 3)), Duration.ZERO);

        assertThat(r.listServices()).extracting(Service::name, Service::version)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("a-svc", "1"),
                        org.assertj.core.groups.Tuple.tuple("a-svc", "2"),
                        org.assertj.core.groups.Tuple.tuple("b-svc", "1"));
        assertThat(r.listServices()).allSatisfy(s -> assertThat(s.nodes()).isEmpty());
    }

    @Test
    void nodesExpireWithoutHeartbeatAndLiveWithIt() throws Exception {
        MemoryRegistry r = registry();
        Node beating = node("greeter", 1), silent = node("greeter", 2);
        Service withBeating = service("greeter", "1", beating);
        Watcher w = r.watch("greeter");
        long start = System.nanoTime();
        r.register(withBeating, Duration.ofMillis(300));
        r.register(service("greeter", "1", silent), Duration.ofMillis(200));

        // keep re-registering one node every 100 ms; the other one must go after its 200 ms TTL
        var beats = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
        try {
            beats.scheduleAtFixedRate(() -> r.register(withBeating, Duration.ofMillis(300)), 100, 100,
                    TimeUnit.MILLISECONDS);
            await().atMost(Duration.ofSeconds(2)).untilAsserted(() ->
                    assertThat(r.getService("greeter").get(0).nodes()).containsExactly(beating));
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(200));
            await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(1)).untilAsserted(() ->
                    assertThat(r.getService("greeter").get(0).nodes()).containsExactly(beating));
        } finally {
            beats.shutdownNow();
        }
        await().atMost(Duration.ofSeconds(2)).until(() -> r.getService("greeter").isEmpty());

        List<RegistryEvent> events = drain(w, 4);
        assertThat(events).extracting(RegistryEvent::action)
                .containsExactly(Action.CREATE, Action.CREATE, Action.DELETE, Action.DELETE);
        assertThat(events.get(2).service().nodes()).containsExactly(silent);
        assertThat(events.get(3).service().nodes()).containsExactly(beating);
    }

    @Test
    void ttlZeroNeverExpires() {
        MemoryRegistry r = registry();
        Node forever = node("greeter", 1), brief = node("greeter", 2);
        r.register(service("greeter", "1", forever), Duration.ZERO);
        r.register(service("greeter", "1", brief), Duration.ofMillis(150));

        await().atMost(Duration.ofSeconds(2)).untilAsserted(() ->
                assertThat(r.getService("greeter").get(0).nodes()).containsExactly(forever));
    }

    @Test
    void watcherSeesCreateUpdateDeleteOfItsServiceOnly() throws Exception {
        MemoryRegistry r = registry();
        Watcher greeter = r.watch("greeter");
        Watcher all = r.watch(null);
        Node n = node("greeter", 1);
        Service s = service("greeter", "1", n);

        r.register(s, Duration.ZERO);
        r.register(s, Duration.ZERO); // a pure refresh: no event
        Node moved = new Node(n.id(), "127.0.0.1:2", n.metadata());
        r.register(service("greeter", "1", moved), Duration.ZERO);
        r.register(service("other", "1", node("other", 3)), Duration.ZERO);
        r.deregister(service("greeter", "1", moved));

        List<RegistryEvent> events = drain(greeter, 3);
        assertThat(events).extracting(RegistryEvent::action)
                .containsExactly(Action.CREATE, Action.UPDATE, Action.DELETE);
        assertThat(events.get(0).service()).isEqualTo(s);
        assertThat(events.get(1).service().nodes()).containsExactly(moved);
        assertThat(events.get(2).service().nodes()).containsExactly(moved);
        assertThat(drain(all, 4)).extracting(e -> e.service().name())
                .containsExactly("greeter", "greeter", "other", "greeter");
    }

    @Test
    void stoppedWatcherUnblocksAndThrows() throws Exception {
        MemoryRegistry r = registry();
        Watcher w = r.watch(null);
        CompletableFuture<Throwable> blocked = CompletableFuture.supplyAsync(() -> {
            try {
                w.next();
                return null;
            } catch (Throwable t) {
                return t;
            }
        });

        w.stop();

        assertThat(blocked.get(2, TimeUnit.SECONDS)).isInstanceOf(RegistryException.class)
                .hasMessage(RegistryException.WATCHER_STOPPED);
        assertThatThrownBy(w::next).hasMessage(RegistryException.WATCHER_STOPPED);
    }

    @Test
    void sharedViewsSeeEachOtherAndCloseWithdrawsOnlyTheirOwn() throws Exception {
        String name = unique("shared");
        MemoryRegistry server = MemoryRegistry.shared();
        MemoryRegistry other = MemoryRegistry.shared();
        MemoryRegistry client = MemoryRegistry.shared();
        registries.addAll(List.of(server, other, client));
        Node mine = node(name, 1), theirs = node(name, 2);
        Watcher w = client.watch(name);

        server.register(service(name, "1", mine), Duration.ZERO);
        other.register(service(name, "1", theirs), Duration.ZERO);
        assertThat(client.getService(name).get(0).nodes()).containsExactly(mine, theirs);

        server.close();

        assertThat(client.getService(name).get(0).nodes()).containsExactly(theirs);
        assertThat(drain(w, 3)).extracting(RegistryEvent::action)
                .containsExactly(Action.CREATE, Action.CREATE, Action.DELETE);
        assertThat(new MemoryRegistry().getService(name)).as("a private store sees nothing shared").isEmpty();
    }

    @Test
    void getServiceWithWaitReturnsTheFirstNodeOrEmptyAfterTheWait() throws Exception {
        MemoryRegistry r = registry();
        long start = System.nanoTime();
        assertThat(r.getService("late", Duration.ofMillis(200))).isEmpty();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(190));

        Service late = service("late", "1", node("late", 1));
        CompletableFuture<List<Service>> waiting =
                CompletableFuture.supplyAsync(() -> r.getService("late", Duration.ofSeconds(5)));
        await().during(Duration.ofMillis(100)).atMost(Duration.ofSeconds(1)).until(() -> !waiting.isDone());
        r.register(late, Duration.ZERO);

        assertThat(waiting.get(2, TimeUnit.SECONDS)).containsExactly(late);
    }

    @Test
    void rejectsBadArgumentsAndUseAfterClose() {
        MemoryRegistry r = registry();
        Service s = service("greeter", "1", node("greeter", 1));
        assertThatThrownBy(() -> r.register(s, Duration.ofSeconds(-1))).hasMessageContaining("ttl");
        assertThatThrownBy(() -> r.register(service("greeter", "1"), Duration.ZERO))
                .hasMessageContaining("no nodes");
        r.close();
        assertThatThrownBy(() -> r.register(s, Duration.ZERO)).isInstanceOf(RegistryException.class);
        assertThatThrownBy(() -> r.watch(null)).isInstanceOf(RegistryException.class);
        assertThat(r.getService("greeter")).isEmpty();
    }

    @Test
    void providerIsFoundByNameAndSharesTheStore() {
        RegistryProvider provider = ServiceLoader.load(RegistryProvider.class).stream()
                .map(ServiceLoader.Provider::get).filter(p -> p.name().equals("memory")).findFirst().orElseThrow();
        Registry a = provider.create(DefaultMicroConfig.of(Map.of()));
        Registry b = provider.create(DefaultMicroConfig.of(Map.of()));
        registries.addAll(List.of(a, b));
        String name = unique("provided");
        Service s = service(name, "1", node(name, 1));

        a.register(s, Duration.ZERO);

        assertThat(a.name()).isEqualTo("memory");
        assertThat(b.getService(name)).containsExactly(s);
    }

    private static List<RegistryEvent> drain(Watcher w, int count) throws Exception {
        List<RegistryEvent> events = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            events.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return w.next();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }).get(2, TimeUnit.SECONDS));
        }
        return events;
    }
}
