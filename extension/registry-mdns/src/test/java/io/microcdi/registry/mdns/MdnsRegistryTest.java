package io.microcdi.registry.mdns;

import io.microcdi.config.ConfigException;
import io.microcdi.internal.config.DefaultMicroConfig;
import io.microcdi.registry.Node;
import io.microcdi.registry.Registry;
import io.microcdi.registry.RegistryEvent;
import io.microcdi.registry.RegistryEvent.Action;
import io.microcdi.registry.RegistryProvider;
import io.microcdi.registry.Service;
import io.microcdi.testing.LoopbackMdns;
import io.microcdi.testing.Registries;
import io.microcdi.testing.WatchedEvents;
import io.microcdi.testing.registry.RegistryContract;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The {@code mdns} registry passes {@link RegistryContract} with instances in this JVM, all bound to loopback (nothing
 * here touches another interface); below, what only it does. {@link MdnsTxtTest} covers the TXT layout and its limits,
 * {@link MdnsCrossProcessTest} a node of another JVM.
 */
class MdnsRegistryTest extends RegistryContract {

    /** jmdns probes its host name, then the service, about a second apart each: a node shows in 2 to 6 s. */
    static final Duration VISIBLE = Duration.ofSeconds(15);

    @BeforeAll
    static void loopbackMulticastWorks() {
        LoopbackMdns.assertMulticastWorks();
    }

    @Override
    protected Registry newRegistry() {
        Map<String, String> settings = new HashMap<>(LoopbackMdns.settings());
        settings.put(MdnsRegistryConfig.TIMEOUT_KEY, "200ms");
        Registry r = new MdnsRegistryProvider().create(DefaultMicroConfig.of(settings));
        assertThat(((MdnsRegistry) r).config().bindAddress().isLoopbackAddress()).isTrue();
        return r;
    }

    /** TXT records carry the TTL in whole seconds. */
    @Override
    protected Duration ttl() {
        return Duration.ofSeconds(2);
    }

    @Override
    protected Duration discoveryTimeout() {
        return VISIBLE;
    }

    /** Goodbyes act within 100 ms; an expired node goes on the next 100 ms tick, after a heartbeat still in flight. */
    @Override
    protected Duration removalTimeout() {
        return Duration.ofSeconds(2);
    }

    @Override
    @Test
    @Disabled("a TXT record holds at most 1300 bytes: node metadata of a few KB cannot be published, and 30 endpoints "
            + "are left out even compressed (MdnsTxtTest covers both limits)")
    public void largeServicesRoundTripExactly() {
    }

    @Override
    @Test
    @Disabled("service-level metadata is not carried, as in Go Micro's mDNS registry (MdnsTxtTest)")
    public void serviceLevelMetadataIsKept() {
    }

    static void report(String what, long startNanos) {
        System.out.printf("[mdns timing] %s: %d ms%n", what, (System.nanoTime() - startNanos) / 1_000_000);
    }

    @Test
    void anInstanceStartedLaterHearsOfExistingNodesAsCreates() {
        Registry a = registry();
        String name = uniqueName();
        Service s = service(name, "1.0.0", node(name));
        long start = System.nanoTime();
        a.register(s, Duration.ofSeconds(60));
        Registries.awaitService(registry(), name, VISIBLE);
        report("register -> visible in another instance", start);

        long late = System.nanoTime();
        Registry c = registry();
        WatchedEvents seenByC = watch(c, name);
        report("JmDNS create (third instance)", late);

        assertThat(seenByC.next(VISIBLE)).isEqualTo(new RegistryEvent(Action.CREATE, s));
        report("instance started later -> finds the existing node", late);
    }

    @Test
    void unknownServiceWaitsOnlyWhileTheRegistryIsWarmingUp() {
        MdnsRegistry a = new MdnsRegistry(MdnsRegistryConfig.from(
                DefaultMicroConfig.of(Map.of("micro.registry.mdns.timeout", "1s"))));
        try {
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
        } finally {
            a.close();
        }
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
        MdnsRegistryConfig byAddress = MdnsRegistryConfig.from(DefaultMicroConfig.of(LoopbackMdns.settings()));

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
        try {
            assertThat(r).isInstanceOf(MdnsRegistry.class);
            assertThat(r.name()).isEqualTo("mdns");
        } finally {
            r.close();
        }
    }

    @Test
    void aPlainDnsSdBrowserListsTheNodeUnderMicroTcp() throws Exception {
        Registry a = registry();
        String name = uniqueName();
        Service s = service(name, "1.0.0", new Node(name + "-" + UUID.randomUUID(), "127.0.0.1:38211",
                Map.of("protocol", "mucp")));
        a.register(s, Duration.ofSeconds(30));

        // jmdns used as any DNS-SD browser would: by service type only, knowing nothing of MicroCDI
        javax.jmdns.JmDNS browser = javax.jmdns.JmDNS.create(java.net.InetAddress.getByName("127.0.0.1"),
                "plain-browser");
        try {
            javax.jmdns.ServiceInfo found = await().atMost(VISIBLE).until(
                    () -> java.util.Arrays.stream(browser.list("_micro._tcp.local.", 500))
                            .filter(i -> name.equals(i.getPropertyString("service"))).findFirst().orElse(null),
                    java.util.Objects::nonNull);
            Node node = s.nodes().get(0);
            assertThat(found.getPort()).isEqualTo(38211);
            assertThat(found.getPropertyString("addr")).isEqualTo(node.address());
            assertThat(found.getPropertyString("id")).isEqualTo(node.id());
            assertThat(found.getPropertyString("md.protocol")).isEqualTo("mucp");
        } finally {
            browser.close();
        }
    }

}
