package io.microcdi.internal.config;

import io.microcdi.config.MicroConfig;
import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link DefaultMicroConfig} over a real MicroProfile Config: lookups and the names of what is set. */
class DefaultMicroConfigTest {

    private static MicroConfig config(Map<String, String> properties, Map<String, String> environment) {
        return DefaultMicroConfig.of(new SmallRyeConfigBuilder()
                .withSources(new PropertiesConfigSource(properties, "test", 100),
                        new EnvConfigSource(environment, 300))
                .build());
    }

    @Test
    void anEnvironmentVariableIsFoundUnderItsDottedKey() {
        MicroConfig c = config(Map.of(), Map.of("MICRO_CLIENT_GREETER_RETRIES", "3"));

        assertThat(c.get("micro.client.greeter.retries")).contains("3");
        assertThat(c.integer("micro.client.greeter.retries", 1, 0, 100)).isEqualTo(3);
    }

    @Test
    void namesAreTheMicroKeysAsTheirSourcesSpellThem() {
        MicroConfig c = config(Map.of("micro.registry", "memory", "other.key", "x", "microscope", "y"),
                Map.of("MICRO_CLIENT_GREETER_RETRIES", "3", "PATH", "/bin", "micro_server_id", "a"));

        assertThat(c.names()).contains("micro.registry", "MICRO_CLIENT_GREETER_RETRIES", "micro_server_id")
                .doesNotContain("other.key", "microscope", "PATH");
    }

    @Test
    void valuesAreTrimmedAndBlankIsUnset() {
        MicroConfig c = config(Map.of("micro.registry", "  memory ", "micro.transport", "  "), Map.of());

        assertThat(c.get("micro.registry")).contains("memory");
        assertThat(c.get("micro.transport")).isEmpty();
    }
}
