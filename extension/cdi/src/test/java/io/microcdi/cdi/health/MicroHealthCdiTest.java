package io.microcdi.cdi.health;

import io.microcdi.cdi.MicroLifecycle;
import io.microcdi.cdi.MicroProducers;
import io.microcdi.cdi.app.Echo;
import io.microcdi.cdi.pubsub.Audit;
import jakarta.enterprise.inject.se.SeContainer;
import org.eclipse.microprofile.config.spi.ConfigProviderResolver;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;
import org.jboss.weld.environment.se.Weld;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * With the MicroProfile Health API on the class path, the extension adds a readiness and a liveness check (nobody
 * lists them), and they follow the start, the registration, the broker and the stop.
 */
class MicroHealthCdiTest {

    private static final List<String> KEYS = List.of("micro.registry", "micro.broker", "micro.register.ttl",
            "micro.register.interval");
    private SeContainer container;

    static SeContainer boot(Map<String, String> config, Class<?>... beans) {
        config.forEach(System::setProperty);
        ConfigProviderResolver resolver = ConfigProviderResolver.instance();
        resolver.releaseConfig(resolver.getConfig());
        return new Weld().disableDiscovery()
                .property(Weld.SHUTDOWN_HOOK_SYSTEM_PROPERTY, false)
                .addBeanClasses(MicroProducers.class, MicroLifecycle.class)
                .addBeanClasses(beans)
                .initialize();
    }

    @BeforeEach
    void clear() {
        Probe.SEEN.clear();
        FlakyRegistry.DOWN.set(false);
        FlakyBroker.LOST.set(false);
    }

    @AfterEach
    void close() {
        if (container != null && container.isRunning()) {
            container.close();
        }
        KEYS.forEach(System::clearProperty);
        FlakyRegistry.DOWN.set(false);
    }

    private HealthCheckResponse readiness() {
        return container.select(HealthCheck.class, Readiness.Literal.INSTANCE).get().call();
    }

    private HealthCheckResponse liveness() {
        return container.select(HealthCheck.class, Liveness.Literal.INSTANCE).get().call();
    }

    @Test
    void theChecksAreAddedByTheExtension() {
        container = boot(Map.of("micro.registry", "memory"), Echo.class);

        assertThat(container.select(HealthCheck.class, Readiness.Literal.INSTANCE).getHandle().getBean()
                .getBeanClass()).isEqualTo(MicroReadiness.class);
        assertThat(container.select(HealthCheck.class, Liveness.Literal.INSTANCE).getHandle().getBean()
                .getBeanClass()).isEqualTo(MicroLiveness.class);
    }

    @Test
    void readyOnceStartedAndRegisteredWithTheServersFigures() {
        container = boot(Map.of("micro.registry", "memory"), Echo.class);
        String address = container.select(MicroLifecycle.class).get().server().address();

        HealthCheckResponse ready = readiness();
        assertThat(ready.getName()).isEqualTo("microcdi");
        assertThat(ready.getStatus()).isEqualTo(HealthCheckResponse.Status.UP);
        assertThat(ready.getData().orElseThrow()).containsEntry("state", "STARTED").containsEntry("address", address)
                .containsEntry("services", "echo").containsEntry("registered", true);

        HealthCheckResponse live = liveness();
        assertThat(live.getStatus()).isEqualTo(HealthCheckResponse.Status.UP);
        assertThat(live.getData().orElseThrow()).containsKeys("uptime", "requests", "errors", "memory", "threads");
    }

    @Test
    void notReadyWhileStartingNorOnceStopping() {
        container = boot(Map.of("micro.registry", "memory"), Echo.class, Probe.class);
        container.close();

        // AfterStart observers still run when it is asked: ready only once every one of them is done
        assertThat(Probe.SEEN).containsExactly("BeforeStart DOWN STARTING", "AfterStart DOWN STARTING",
                "BeforeStop DOWN STOPPING");
    }

    @Test
    void notReadyWhileTheRegistryRefusesTheHeartbeat() {
        container = boot(Map.of("micro.registry", "memory", "micro.register.ttl", "2s",
                "micro.register.interval", "100ms"), Echo.class, FlakyRegistry.class);
        assertThat(readiness().getStatus()).isEqualTo(HealthCheckResponse.Status.UP);

        FlakyRegistry.DOWN.set(true);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            HealthCheckResponse r = readiness();
            assertThat(r.getStatus()).isEqualTo(HealthCheckResponse.Status.DOWN);
            assertThat(r.getData().orElseThrow()).containsEntry("registered", false)
                    .containsEntry("registration", "echo: registry unreachable");
        });
        // a registry outage takes the node out of rotation; it is no reason to restart it
        assertThat(liveness().getStatus()).isEqualTo(HealthCheckResponse.Status.UP);

        FlakyRegistry.DOWN.set(false);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> readiness().getStatus() == HealthCheckResponse.Status.UP);
    }

    @Test
    void theBrokerAndItsSubscriptionsAreReported() {
        container = boot(Map.of("micro.registry", "memory", "micro.broker", "memory"), Audit.class);

        HealthCheckResponse ready = readiness();
        assertThat(ready.getStatus()).isEqualTo(HealthCheckResponse.Status.UP);
        assertThat(ready.getData().orElseThrow()).containsEntry("broker", "memory").containsEntry("connected", true)
                .containsEntry("subscriptions", 1L).doesNotContainKey("address");
    }

    @Test
    void notReadyWhileTheBrokersConnectionIsLost() {
        container = boot(Map.of("micro.registry", "memory"), Audit.class, FlakyBroker.class);
        assertThat(readiness().getStatus()).isEqualTo(HealthCheckResponse.Status.UP);

        FlakyBroker.LOST.set(true);
        HealthCheckResponse r = readiness();
        assertThat(r.getStatus()).isEqualTo(HealthCheckResponse.Status.DOWN);
        assertThat(r.getData().orElseThrow()).containsEntry("state", "STARTED").containsEntry("broker", "flaky")
                .containsEntry("connected", false);
        // a broker outage takes the node out of rotation; it is no reason to restart it
        assertThat(liveness().getStatus()).isEqualTo(HealthCheckResponse.Status.UP);

        FlakyBroker.LOST.set(false);
        assertThat(readiness().getStatus()).isEqualTo(HealthCheckResponse.Status.UP);
    }
}
