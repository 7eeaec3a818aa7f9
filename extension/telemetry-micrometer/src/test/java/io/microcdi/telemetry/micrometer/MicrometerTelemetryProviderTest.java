package io.microcdi.telemetry.micrometer;

import io.microcdi.config.MicroConfig;
import io.microcdi.metadata.Metadata;
import io.microcdi.telemetry.Telemetries;
import io.microcdi.telemetry.Telemetry;
import io.microcdi.telemetry.TelemetryProvider;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The provider as the framework finds it: by ServiceLoader, with the container's registry or the global one. */
class MicrometerTelemetryProviderTest {

    private static final MicroConfig DEFAULTS = MicroConfig.of(Map.of());

    @Test
    void theContainersRegistryIsUsedOverTheGlobalOne() {
        SimpleMeterRegistry bean = new SimpleMeterRegistry();
        SimpleMeterRegistry global = new SimpleMeterRegistry();
        Metrics.addRegistry(global);
        try (Telemetry t = new MicrometerTelemetryProvider().create(DEFAULTS, beans(bean)).orElseThrow()) {
            t.serverCall("mucp", "greeter", "Greeter.Hello", Metadata.empty()).end(0, null);
            assertThat(bean.get("microcdi.server.requests").timer().count()).isEqualTo(1);
            assertThat(global.find("microcdi.server.requests").timer()).isNull();
        } finally {
            Metrics.removeRegistry(global);
        }
    }

    @Test
    void withoutAContainerRegistryTheGlobalOneRecords() {
        SimpleMeterRegistry global = new SimpleMeterRegistry();
        Metrics.addRegistry(global);
        try {
            Telemetry t = new MicrometerTelemetryProvider().create(DEFAULTS, TelemetryProvider.Beans.NONE)
                    .orElseThrow();
            t.clientCall("greeter", "Greeter.Hello").end(0, null);
            assertThat(global.get("microcdi.client.requests").timer().count()).isEqualTo(1);
            t.close();
            assertThat(Metrics.globalRegistry.find("microcdi.client.requests").timer()).isNull();
        } finally {
            Metrics.removeRegistry(global);
        }
    }

    @Test
    void offWithoutAContainerRegistryWhenTheGlobalOneHasNoRegistry() {
        assertThat(Metrics.globalRegistry.getRegistries()).as("no registry added by another test").isEmpty();
        // what is recorded would be kept nowhere: no telemetry, so the call path pays nothing
        assertThat(new MicrometerTelemetryProvider().create(DEFAULTS, TelemetryProvider.Beans.NONE)).isEmpty();
    }

    @Test
    void offWhenDisabled() {
        MicroConfig off = MicroConfig.of(Map.of("micro.telemetry.micrometer.enabled", "false"));
        assertThat(new MicrometerTelemetryProvider().create(off, beans(new SimpleMeterRegistry()))).isEmpty();
        assertThat(new MicrometerTelemetryProvider().name()).isEqualTo("micrometer");
    }

    @Test
    void badValuesFailNamingTheKeyAndWhatIsAllowed() {
        for (String key : new String[] {"micro.telemetry.micrometer.enabled", "micro.telemetry.micrometer.histogram",
                "micro.telemetry.micrometer.node-tags"}) {
            // checked even when the telemetry is off, so that a typo shows at once
            MicroConfig bad = MicroConfig.of(key.endsWith("enabled") ? Map.of(key, "yes")
                    : Map.of(key, "yes", "micro.telemetry.micrometer.enabled", "false"));
            assertThatThrownBy(() -> new MicrometerTelemetryProvider().create(bad, TelemetryProvider.Beans.NONE))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage(key + "=yes (expected: true or false)");
        }
    }

    @Test
    void theSettingsAreRead() {
        assertThat(MicrometerTelemetryConfig.from(DEFAULTS)).isEqualTo(MicrometerTelemetryConfig.DEFAULT);
        assertThat(MicrometerTelemetryConfig.from(MicroConfig.of(Map.of("micro.telemetry.micrometer.histogram",
                "FALSE", "micro.telemetry.micrometer.node-tags", "true"))))
                .isEqualTo(new MicrometerTelemetryConfig(true, false, true));
    }

    @Test
    void serviceLoaderFindsTheProvider() {
        SimpleMeterRegistry bean = new SimpleMeterRegistry();
        ClassLoader loader = getClass().getClassLoader();
        try (Telemetry t = Telemetries.load(loader, DEFAULTS, beans(bean))) {
            assertThat(t).isInstanceOf(MicrometerTelemetry.class);
            assertThat(t.enabled()).isTrue();
            t.ejected("greeter");
            assertThat(bean.get("microcdi.selector.ejections").counter().count()).isEqualTo(1);
        }
        MicroConfig off = MicroConfig.of(Map.of("micro.telemetry.micrometer.enabled", "false"));
        assertThat(Telemetries.load(loader, off, beans(bean))).isSameAs(Telemetry.NONE);
    }

    private static TelemetryProvider.Beans beans(MeterRegistry registry) {
        return new TelemetryProvider.Beans() {
            @Override
            public <T> Optional<T> get(Class<T> type) {
                return type == MeterRegistry.class ? Optional.of(type.cast(registry)) : Optional.empty();
            }
        };
    }
}
