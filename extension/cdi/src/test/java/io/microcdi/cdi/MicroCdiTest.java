package io.microcdi.cdi;

import io.microcdi.cdi.app.CountingRetryPolicy;
import io.microcdi.cdi.app.Echo;
import io.microcdi.cdi.app.EchoCaller;
import io.microcdi.cdi.app.Msg;
import io.microcdi.errors.MicroException;
import io.microcdi.registry.Registry;
import io.microcdi.registry.Service;
import io.microcdi.server.Server;
import jakarta.enterprise.inject.se.SeContainer;
import org.eclipse.microprofile.config.spi.ConfigProviderResolver;
import org.jboss.weld.environment.se.Weld;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The CDI extension on Weld SE: discovery, producers, lifecycle and typed clients, over the real HTTP transport. */
class MicroCdiTest {

    private SeContainer container;

    static SeContainer boot(Map<String, String> config, Class<?>... beans) {
        config.forEach(System::setProperty);
        // SmallRye caches the Config per class loader: drop it so this boot reads the properties above
        ConfigProviderResolver resolver = ConfigProviderResolver.instance();
        resolver.releaseConfig(resolver.getConfig());
        Weld weld = new Weld().disableDiscovery()
                .property(Weld.SHUTDOWN_HOOK_SYSTEM_PROPERTY, false)
                .addBeanClasses(MicroProducers.class, MicroLifecycle.class)
                .addBeanClasses(beans);
        return weld.initialize();
    }

    @AfterEach
    void close() {
        if (container != null && container.isRunning()) {
            container.close();
        }
        for (String key : List.of("micro.registry", "micro.selector", "micro.server.enabled")) {
            System.clearProperty(key);
        }
    }

    @Test
    void servesAndCallsThroughTypedClient() throws Exception {
        container = boot(Map.of("micro.registry", "memory"), Echo.class, EchoCaller.class);
        var echo = container.select(EchoCaller.class).get().echo();

        assertThat(echo.say(new Msg("hi")).text()).isEqualTo("echo: hi");
        assertThat(echo.sayAsync(new Msg("hi")).toCompletableFuture().get().text()).isEqualTo("echo: hi");
        assertThat(echo.later(new Msg("x")).text()).isEqualTo("later: x");
        assertThat(echo.ping().text()).isEqualTo("pong");
        assertThat(echo.shout("a")).isEqualTo("ECHO: A");
    }

    @Test
    void aRetryPolicyBeanReplacesTheDefaultPredicate() {
        container = boot(Map.of("micro.registry", "memory"), Echo.class, EchoCaller.class, CountingRetryPolicy.class);
        var echo = container.select(EchoCaller.class).get().echo();

        // an application error is never retried by default; this policy retries it (once: micro.client.retries=1)
        assertThatThrownBy(() -> echo.crash(new Msg("now"))).isInstanceOf(MicroException.class);

        assertThat(container.select(CountingRetryPolicy.class).get().asked()).containsExactly("Echo.Crash#1");
    }

    @Test
    void errorsKeepTheirShape() {
        container = boot(Map.of("micro.registry", "memory"), Echo.class, EchoCaller.class);
        var echo = container.select(EchoCaller.class).get().echo();

        assertThatThrownBy(() -> echo.reject(new Msg("way")))
                .isInstanceOfSatisfying(MicroException.class, e -> {
                    assertThat(e.code()).isEqualTo(403);
                    assertThat(e.id()).isEqualTo("echo.reject");
                    assertThat(e.detail()).isEqualTo("no way");
                    assertThat(e.status()).isEqualTo("Forbidden");
                });
        assertThatThrownBy(() -> echo.crash(new Msg("now")))
                .isInstanceOfSatisfying(MicroException.class, e -> {
                    assertThat(e.code()).isEqualTo(500);
                    assertThat(e.detail()).isEqualTo("boom now");
                });
        assertThatThrownBy(() -> echo.missing(new Msg("?")))
                .isInstanceOfSatisfying(MicroException.class, e -> assertThat(e.code()).isEqualTo(404));
        // the server kept serving
        assertThat(echo.ping().text()).isEqualTo("pong");
    }

    @Test
    void registersWithNodeMetadataAndDeregistersOnShutdown() {
        container = boot(Map.of("micro.registry", "memory"), Echo.class);
        Registry registry = container.select(Registry.class).get();
        Server server = container.select(MicroLifecycle.class).get().server();

        List<Service> found = registry.getService("echo");
        assertThat(found).hasSize(1);
        Service s = found.get(0);
        assertThat(s.version()).isEqualTo("1.2.3");
        assertThat(s.endpoints()).extracting(e -> e.name())
                .contains("Echo.Say", "Echo.Later", "Echo.Ping", "Echo.Reject", "Echo.Crash");
        assertThat(s.nodes()).singleElement().satisfies(n -> {
            assertThat(n.address()).isEqualTo(server.address());
            assertThat(n.id()).startsWith("echo-");
            assertThat(n.metadata()).containsEntry("protocol", "mucp").containsEntry("transport", "http")
                    .containsEntry("registry", "memory").containsEntry("server", "rpc").containsKey("broker");
        });

        container.close();
        // a fresh view of the same in-JVM store: the node is gone
        assertThat(io.microcdi.registry.memory.MemoryRegistry.shared().getService("echo")).isEmpty();
    }

    @Test
    void unknownPluginNameStopsTheStartNamingKeyAndChoices() {
        assertThatThrownBy(() -> container = boot(Map.of("micro.registry", "zookeeper"), Echo.class))
                .hasStackTraceContaining("micro.registry=zookeeper (expected: one of ")
                .hasStackTraceContaining("mdns")
                .hasStackTraceContaining("memory");
    }

    @Test
    void badValueStopsTheStartNamingTheKey() {
        assertThatThrownBy(() -> container = boot(Map.of("micro.registry", "memory",
                "micro.register.ttl", "soon"), Echo.class))
                .hasStackTraceContaining("micro.register.ttl=soon");
        System.clearProperty("micro.register.ttl");
    }

    @Test
    void clientOnlyProcessServesNothing() {
        container = boot(Map.of("micro.registry", "memory", "micro.server.enabled", "false"), Echo.class);
        assertThat(container.select(MicroLifecycle.class).get().server()).isNull();
        assertThat(container.select(Registry.class).get().getService("echo")).isEmpty();
    }

    @Test
    void usersAlternativeProducerWins() {
        container = boot(Map.of("micro.registry", "memory"), Echo.class, io.microcdi.cdi.app.CustomRegistry.class);
        Registry registry = container.select(Registry.class).get();
        assertThat(registry.name()).isEqualTo("custom");
        assertThat(registry.getService("echo").get(0).nodes().get(0).metadata()).containsEntry("registry", "custom");
    }

    @Test
    void brokenServiceClassFailsValidationNamingEveryProblem() {
        assertThatThrownBy(() -> container = boot(Map.of("micro.registry", "memory"),
                io.microcdi.cdi.app.BadService.class))
                .hasStackTraceContaining("MICRO-0102")
                .hasStackTraceContaining("BadService#add")
                .hasStackTraceContaining("MICRO-0103");
    }

    @Test
    void clientOfAClassFailsValidation() {
        assertThatThrownBy(() -> container = boot(Map.of("micro.registry", "memory"),
                io.microcdi.cdi.app.NotAnInterfaceCaller.class))
                .hasStackTraceContaining("MICRO-0201");
    }

    @Test
    void clientThroughInstanceLookup() {
        container = boot(Map.of("micro.registry", "memory"), Echo.class, io.microcdi.cdi.app.LazyCaller.class);
        var echo = container.select(io.microcdi.cdi.app.LazyCaller.class).get().echo();
        assertThat(echo.say(new Msg("lazy")).text()).isEqualTo("echo: lazy");
    }

    @Test
    void overloadsWithTheSameParameterCountFailValidation() {
        assertThatThrownBy(() -> container = boot(Map.of("micro.registry", "memory"),
                io.microcdi.cdi.app.OverloadedService.class))
                .hasStackTraceContaining("MICRO-0103");
    }

    @Test
    void aProviderBeanIsChosenByName() {
        int before = io.microcdi.cdi.app.CustomRegistryProvider.created;
        container = boot(Map.of("micro.registry", "bean-registry"), Echo.class,
                io.microcdi.cdi.app.CustomRegistryProvider.class, EchoCaller.class);
        assertThat(io.microcdi.cdi.app.CustomRegistryProvider.created).isEqualTo(before + 1);
        assertThat(container.select(EchoCaller.class).get().echo().ping().text()).isEqualTo("pong");
    }

    @Test
    void unknownNameListsProviderBeansToo() {
        assertThatThrownBy(() -> container = boot(Map.of("micro.registry", "nope"), Echo.class,
                io.microcdi.cdi.app.CustomRegistryProvider.class))
                .hasStackTraceContaining("micro.registry=nope (expected: one of bean-registry, mdns, memory)");
    }

    @Test
    void aMethodOverridingAGenericBaseIsOneEndpoint() {
        container = boot(Map.of("micro.registry", "memory"), io.microcdi.cdi.app.GenericService.class);
        Registry registry = container.select(Registry.class).get();
        assertThat(registry.getService("generic").get(0).endpoints()).extracting(e -> e.name())
                .containsExactly("GenericService.Say");
    }
}
