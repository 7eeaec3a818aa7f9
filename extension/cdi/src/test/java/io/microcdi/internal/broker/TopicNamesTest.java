package io.microcdi.internal.broker;

import io.microcdi.config.ConfigException;
import io.microcdi.internal.config.DefaultMicroConfig;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TopicNamesTest {

    private final io.microcdi.config.MicroConfig config = DefaultMicroConfig.of(Map.of("region", "eu", "t", "orders"));

    @Test
    void resolvesPropertiesAndDefaultsAnywhereInTheText() {
        assertThat(TopicNames.resolve("orders", config, "x")).isEqualTo("orders");
        assertThat(TopicNames.resolve("${t}", config, "x")).isEqualTo("orders");
        assertThat(TopicNames.resolve("${missing:fallback}", config, "x")).isEqualTo("fallback");
        assertThat(TopicNames.resolve("${missing:}", config, "x")).isEmpty();
        assertThat(TopicNames.resolve("${t}-${region}.v1", config, "x")).isEqualTo("orders-eu.v1");
        assertThat(TopicNames.resolve("odd ${unclosed", config, "x")).isEqualTo("odd ${unclosed");
    }

    @Test
    void anUnsetPropertyWithoutDefaultFailsNamingIt() {
        assertThatThrownBy(() -> TopicNames.resolve("orders-${zone}", config, "@Subscribe(topic) of A#on"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("@Subscribe(topic) of A#on = \"orders-${zone}\": property zone is not set (expected: a "
                        + "value, or a default such as ${zone:name})");
    }
}
