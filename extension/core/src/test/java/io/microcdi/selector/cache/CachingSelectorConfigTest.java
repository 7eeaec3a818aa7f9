package io.microcdi.selector.cache;

import io.microcdi.config.ConfigException;
import io.microcdi.config.MicroConfig;
import io.microcdi.registry.memory.MemoryRegistry;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link CachingSelectorConfig}: the cache TTL and ejection of the built-in selectors, every bad value by its key. */
class CachingSelectorConfigTest {

    @Test
    void defaults() {
        assertThat(CachingSelectorConfig.from(MicroConfig.of(Map.of())))
                .isEqualTo(CachingSelectorConfig.defaults())
                .isEqualTo(new CachingSelectorConfig(Duration.ofMinutes(1), Ejection.DEFAULTS));
    }

    @Test
    void readsEveryKey() {
        assertThat(CachingSelectorConfig.from(MicroConfig.of(Map.of(
                "micro.selector.cache-ttl", "30s",
                "micro.selector.ejection.failures", "5",
                "micro.selector.ejection.base", "1s",
                "micro.selector.ejection.max", "10s"))))
                .isEqualTo(new CachingSelectorConfig(Duration.ofSeconds(30),
                        new Ejection(5, Duration.ofSeconds(1), Duration.ofSeconds(10))));
    }

    @Test
    void badValuesFailNamingTheirKey() {
        assertThatThrownBy(() -> CachingSelectorConfig.from(MicroConfig.of(Map.of("micro.selector.cache-ttl", "0"))))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("micro.selector.cache-ttl=");
        assertThatThrownBy(() -> CachingSelectorConfig.from(MicroConfig.of(Map.of(
                "micro.selector.ejection.failures", "-1"))))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("micro.selector.ejection.failures=-1");
        assertThatThrownBy(() -> new CachingSelectorConfig(Duration.ZERO, Ejection.DEFAULTS))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("cacheTtl: PT0S (expected: > 0)");
    }

    @Test
    void everyProviderFailsOnABadValue() {
        MemoryRegistry registry = new MemoryRegistry();
        try {
            for (CachingSelectorProvider p : new CachingSelectorProvider[] {new CachingSelectorProvider.Random(),
                    new CachingSelectorProvider.RoundRobin(), new CachingSelectorProvider.LeastRequests(),
                    new CachingSelectorProvider.PowerOfTwoChoices()}) {
                assertThatThrownBy(() -> p.create(MicroConfig.of(Map.of("micro.selector.cache-ttl", "soon")),
                        registry)).as(p.name()).isInstanceOf(ConfigException.class);
            }
        } finally {
            registry.close();
        }
    }
}
