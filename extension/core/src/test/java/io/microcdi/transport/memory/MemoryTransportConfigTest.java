package io.microcdi.transport.memory;

import io.microcdi.config.ConfigException;
import io.microcdi.config.MicroConfig;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link MemoryTransportConfig}: the stream idle timeout every transport honours, zero meaning none. */
class MemoryTransportConfigTest {

    private static MemoryTransportConfig from(String idle) {
        return MemoryTransportConfig.from(MicroConfig.of(Map.of("micro.transport.stream-idle-timeout", idle)));
    }

    @Test
    void defaults() {
        assertThat(MemoryTransportConfig.from(MicroConfig.of(Map.of()))).isEqualTo(MemoryTransportConfig.defaults());
        assertThat(MemoryTransportConfig.defaults().streamIdleTimeout()).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void readsTheStreamIdleTimeoutAndZeroMeansNone() {
        assertThat(from("30s").streamIdleTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(from("0").streamIdleTimeout()).isZero();
    }

    @Test
    void aBadValueFailsNamingTheKey() {
        assertThatThrownBy(() -> from("-1s")).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("micro.transport.stream-idle-timeout=-1s");
        assertThatThrownBy(() -> from("idle")).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("micro.transport.stream-idle-timeout=idle");
        assertThatThrownBy(() -> new MemoryTransportConfig(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("streamIdleTimeout: PT-1S (expected: >= 0)");
    }

    @Test
    void theProviderMakesItsTransportFromIt() {
        MemoryTransport t = (MemoryTransport) new MemoryTransportProvider().create(MicroConfig.of(Map.of(
                "micro.transport.stream-idle-timeout", "0")));
        try {
            assertThat(t.streamIdleTimeout()).isZero();
        } finally {
            t.close();
        }
        assertThatThrownBy(() -> new MemoryTransportProvider().create(MicroConfig.of(Map.of(
                "micro.transport.stream-idle-timeout", "never")))).isInstanceOf(ConfigException.class);
    }
}
