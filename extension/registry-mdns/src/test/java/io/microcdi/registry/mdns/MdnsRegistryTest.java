package io.microcdi.registry.mdns;

import io.microcdi.config.ConfigException;
import io.microcdi.internal.config.DefaultMicroConfig;
import io.microcdi.registry.Node;
import io.microcdi.registry.Registry;
import io.microcdi.registry.RegistryEvent;
import io.microcdi.registry.RegistryEvent.Action;
import io.microcdi.registry.RegistryProvider;
import io.microcdi.registry.Service;
import io.microcdi.registry.Watcher;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Two or three registries in this JVM, all on loopback: nothing here touches another interface. */
class MdnsRegistryTest {

    /** jmdns probes its host name, then the service, about a second apart each: a node shows in 2 to 6 s. */
    static final Duration VISIBLE = Duration.ofSeconds(15);

    private final List<Registry> registries = new ArrayList<>();
    private final ScheduledExecutorService heartbeats = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void closeAll() {
        heartbeats.shutdownNow();
        registries.forEach(Registry::close);
    }

    MdnsRegistry registry() {
        MdnsRegistry r = new MdnsRegistry(MdnsRegistryConfig.from(
                DefaultMicroConfig.of(Map.of("micro.registry.mdns.timeout", "200ms"))));
        registries.add(r);
        assertThat(r.config().bindAddress().isLoopbackAddress()).isTrue();
        return r;
    }

    static String uniqueName() {
        return "mdns-test-" + UUID.randomUUID().toString().substring(0, 8);
    }

    static Service service(String name, Map<String, String> metadata) {
        Node node = new Node(name + "-" + UUID.randomUUID(), "127.0.0.1:" + (20000 + (int) (Math.random() * 20000)),
                metadata);
        return new Service(name, "1.0.0", Map.of(), MdnsTxtTest.endpoints(2), List.of(node));
    }

    static Map<String, String> metadata() {
        return Map.of("protocol", "mucp", "transport", "http", "broker", "http", "registry", "mdns",
                "server", "rpc");
    }

    static void report(String what, long startNanos) {
        System.out.printf("[mdns timing] %s: %d ms%n", what, (System.nanoTime() - startNanos) / 1_000_000);
    }

    @Test
    void anotherInstanceFindsTheNodeExactlyAsAdvertised() throws Exception {
        MdnsRegistry a = registry();
        MdnsRegistry b = registry();
        String name = uniqueName();
        Service s = service(name, metadata());
        Watcher seenByB = b.watch(name);

        long start = System.nanoTime();
        a.register(s, Duration.ofSeconds(60));
        report("register() call", start);

        assertThat(a.getService(name)).as("own nodes are visible at once").containsExactly(s);
        assertThat(next(seenByB, VISIBLE).action()).isEqualTo(Action.CREATE);
        report("register -> visible in another instance", start);
        assertThat(b.getService(name)).containsExactly(s);
        assertThat(b.listServices()).extracting(Service::name).contains(name);

        long late = System.nanoTime();
        MdnsRegistry c = registry();
        Watcher seenByC = c.watch(name);
        report("JmDNS create (third instance)", late);
        assertThat(next(seenByC, VISIBLE).action()).isEqualTo(Action.CREATE);
        report("instance started later -> finds the existing node", late);
        assertThat(c.getService(name)).containsExactly(s);

        long close = System.nanoTime();
        a.close();
        report("close() with one own node", close);
        assertThat(next(seenByB, Duration.ofSeconds(3)).action()).isEqualTo(Action.DELETE);
        assertThat(next(seenByC, Duration.ofSeconds(3)).action()).isEqualTo(Action.DELETE);
        report("close -> node gone from other instances", close);
        assertThat(b.getService(name)).isEmpty();
    }

    @Test
    void watchersSeeCreateUpdateAndDeleteAndDeregisterIsImmediate() throws Exception {
        MdnsRegistry a = registry();
        MdnsRegistry b = registry();
        String name = uniqueName();
        Service s = service(name, metadata());
        Watcher watcher = b.watch(name);
        Watcher others = b.watch("some-other-service");

        a.register(s, Duration.ofSeconds(60));
        RegistryEvent created = next(watcher, VISIBLE);

        Map<String, String> more = new HashMap<>(metadata());
        more.put("zone", "b");
        Node changedNode = new Node(s.nodes().get(0).id(), s.nodes().get(0).address(), more);
        Service changed = s.withNodes(List.of(changedNode));
        long update = System.nanoTime();
        a.register(changed, Duration.ofSeconds(60));
        RegistryEvent updated = next(watcher, Duration.ofSeconds(5));
        report("re-register with new metadata -> UPDATE in another instance", update);

        long deregister = System.nanoTime();
        a.deregister(changed);
        report("deregister() call", deregister);
        RegistryEvent deleted = next(watcher, Duration.ofSeconds(3));
        report("deregister -> DELETE in another instance", deregister);

        assertThat(created).isEqualTo(new RegistryEvent(Action.CREATE, s));
        assertThat(updated).isEqualTo(new RegistryEvent(Action.UPDATE, changed));
        assertThat(deleted.action()).isEqualTo(Action.DELETE);
        assertThat(deleted.service().nodes()).containsExactly(changedNode);
        assertThat(b.getService(name)).isEmpty();
        assertThat(a.getService(name)).isEmpty();
        CompletableFuture<RegistryEvent> none = nextAsync(others);
        assertThat(none).as("a watcher of another service saw nothing").isNotDone();
        others.stop();
    }

    @Test
    void heartbeatsKeepANodeAndSilenceEvictsItWithinItsTtl() {
        MdnsRegistry a = registry();
        MdnsRegistry b = registry();
        String name = uniqueName();
        Service s = service(name, metadata());
        Duration ttl = Duration.ofSeconds(2);

        a.register(s, ttl);
        heartbeats.scheduleAtFixedRate(() -> a.register(s, ttl), 500, 500, TimeUnit.MILLISECONDS);
        await().atMost(VISIBLE).until(() -> !b.getService(name).isEmpty());

        // Longer than the TTL: only the heartbeats (re-announced TXT records) keep it alive in b.
        await().during(Duration.ofMillis(3500)).atMost(Duration.ofSeconds(5))
                .until(() -> !b.getService(name).isEmpty());

        heartbeats.shutdownNow();
        long silent = System.nanoTime();
        await().atMost(Duration.ofSeconds(5)).until(() -> b.getService(name).isEmpty());
        report("last heartbeat -> evicted in another instance (ttl 2 s)", silent);
        // The last heartbeat may still be in flight (jmdns announces within ~1 s), then the TTL runs.
        assertThat(Duration.ofNanos(System.nanoTime() - silent)).isLessThan(ttl.plusMillis(2000));
    }

    @Test
    void unknownServiceWaitsOnlyWhileTheRegistryIsWarmingUp() {
        MdnsRegistry a = new MdnsRegistry(MdnsRegistryConfig.from(
                DefaultMicroConfig.of(Map.of("micro.registry.mdns.timeout", "1s"))));
        registries.add(a);

        long start = System.nanoTime();
        List<Service> none = a.getService(uniqueName());
        Duration first = Duration.ofNanos(System.nanoTime() - start);
        start = System.nanoTime();
        List<Service> stillNone = a.getService(uniqueName());
        Duration second = Duration.ofNanos(System.nanoTime() - start);

        assertThat(none).isEmpty();
        assertThat(stillNone).isEmpty();
        // the first lookup waited out the rest of the warm-up; once warm, a miss does not wait at all
        assertThat(first).isBetween(Duration.ofMillis(500), Duration.ofMillis(2000));
        assertThat(second).isLessThan(Duration.ofMillis(500));
    }

    @Test
    void badInterfaceFailsNamingTheKey() {
        for (String bad : List.of("nosuch0", "203.0.113.7", "999.1.1.1", "not an interface")) {
            var config = DefaultMicroConfig.of(Map.of("micro.registry.mdns.interface", bad));
            assertThatThrownBy(() -> MdnsRegistryConfig.from(config))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("micro.registry.mdns.interface=" + bad);
            assertThatThrownBy(() -> new MdnsRegistryProvider().create(config))
                    .isInstanceOf(ConfigException.class);
        }
        assertThatThrownBy(() -> MdnsRegistryConfig.from(
                DefaultMicroConfig.of(Map.of("micro.registry.mdns.timeout", "soon"))))
                .hasMessageContaining("micro.registry.mdns.timeout");
    }

    @Test
    void interfaceByNameOrAddressAndDefaults() throws Exception {
        MdnsRegistryConfig defaults = MdnsRegistryConfig.from(DefaultMicroConfig.of(Map.of()));
        MdnsRegistryConfig named = MdnsRegistryConfig.from(
                DefaultMicroConfig.of(Map.of("micro.registry.mdns.interface", "loopback")));
        MdnsRegistryConfig byAddress = MdnsRegistryConfig.from(
                DefaultMicroConfig.of(Map.of("micro.registry.mdns.interface", "127.0.0.1")));

        assertThat(defaults).isEqualTo(MdnsRegistryConfig.defaults()).isEqualTo(named);
        assertThat(defaults.bindAddress().getHostAddress()).isEqualTo("127.0.0.1");
        assertThat(defaults.timeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(byAddress.bindAddress().getHostAddress()).isEqualTo("127.0.0.1");
        java.net.NetworkInterface loopback = java.net.NetworkInterface.networkInterfaces()
                .filter(n -> {
                    try {
                        return n.isLoopback() && n.isUp();
                    } catch (java.net.SocketException e) {
                        return false;
                    }
                }).findFirst().orElseThrow();
        MdnsRegistryConfig byName = MdnsRegistryConfig.from(
                DefaultMicroConfig.of(Map.of("micro.registry.mdns.interface", loopback.getName())));
        assertThat(byName.bindAddress().isLoopbackAddress()).isTrue();
    }

    @Test
    void providerIsFoundByName() {
        RegistryProvider provider = ServiceLoader.load(RegistryProvider.class).stream()
                .map(ServiceLoader.Provider::get).filter(p -> p.name().equals("mdns")).findFirst().orElseThrow();
        Registry r = provider.create(DefaultMicroConfig.of(Map.of()));
        registries.add(r);
        assertThat(r).isInstanceOf(MdnsRegistry.class);
        assertThat(r.name()).isEqualTo("mdns");
    }

    static RegistryEvent next(Watcher w, Duration timeout) throws Exception {
        return nextAsync(w).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    static CompletableFuture<RegistryEvent> nextAsync(Watcher w) {
        CompletableFuture<RegistryEvent> f = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                f.complete(w.next());
            } catch (Throwable e) {
                f.completeExceptionally(e);
            }
        }, "watcher-reader");
        t.setDaemon(true);
        t.start();
        return f;
    }

    @Test
    void aPlainDnsSdBrowserListsTheNodeUnderMicroTcp() throws Exception {
        MdnsRegistry a = new MdnsRegistry(MdnsRegistryConfig.defaults());
        registries.add(a);
        String name = uniqueName();
        Service s = service(name, Map.of("protocol", "mucp"));
        a.register(s, Duration.ofSeconds(30));

        // jmdns used as any DNS-SD browser would: by service type only, knowing nothing of MicroCDI
        javax.jmdns.JmDNS browser = javax.jmdns.JmDNS.create(java.net.InetAddress.getByName("127.0.0.1"),
                "plain-browser");
        try {
            javax.jmdns.ServiceInfo found = await().atMost(Duration.ofSeconds(15)).until(
                    () -> java.util.Arrays.stream(browser.list("_micro._tcp.local.", 500))
                            .filter(i -> name.equals(i.getPropertyString("service"))).findFirst().orElse(null),
                    java.util.Objects::nonNull);
            Node node = s.nodes().get(0);
            assertThat(found.getPort()).isEqualTo(Integer.parseInt(node.address().substring(node.address().indexOf(':') + 1)));
            assertThat(found.getPropertyString("addr")).isEqualTo(node.address());
            assertThat(found.getPropertyString("id")).isEqualTo(node.id());
            assertThat(found.getPropertyString("md.protocol")).isEqualTo("mucp");
        } finally {
            browser.close();
        }
    }
}
