package io.microcdi.broker.http;

import io.microcdi.broker.delivery.DeliveryConfig;
import io.microcdi.config.ConfigException;
import io.microcdi.config.MicroConfig;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link HttpBrokerConfig}: its own keys under {@code micro.broker.http.*}, the delivery keys every broker honours
 * under {@code micro.broker.*}, and every bad value by its key.
 */
class HttpBrokerConfigTest {

    private static HttpBrokerConfig from(Map<String, String> m) {
        return HttpBrokerConfig.from(MicroConfig.of(m));
    }

    @Test
    void defaults() {
        assertThat(from(Map.of())).isEqualTo(HttpBrokerConfig.defaults());
    }

    @Test
    void readsItsOwnAndTheConcernsKeys() {
        HttpBrokerConfig c = from(Map.of(
                "micro.broker.http.address", ":8081",
                "micro.broker.http.advertise", "10.0.0.5:8081",
                "micro.broker.retries", "0",
                "micro.broker.publish-timeout", "2s",
                "micro.register.ttl", "20s",
                "micro.register.interval", "5s",
                "micro.selector.cache-ttl", "30s"));

        assertThat(c.address()).isEqualTo("0.0.0.0:8081");
        assertThat(c.advertise()).isEqualTo(Optional.of("10.0.0.5:8081"));
        assertThat(c.delivery().retries()).isZero();
        assertThat(c.delivery().publishTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(c.registerTtl()).isEqualTo(Duration.ofSeconds(20));
        assertThat(c.registerInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.cacheTtl()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void badValuesFailNamingTheirKey() {
        assertThatThrownBy(() -> from(Map.of("micro.broker.http.address", "nowhere")))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("micro.broker.http.address=nowhere");
        assertThatThrownBy(() -> from(Map.of("micro.broker.http.advertise", "10.0.0.5:99999")))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("micro.broker.http.advertise=");
        assertThatThrownBy(() -> from(Map.of("micro.broker.retries", "many")))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("micro.broker.retries=many");
        assertThatThrownBy(() -> from(Map.of("micro.broker.attempt-timeout", "-1s")))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("micro.broker.attempt-timeout=-1s");
        assertThatThrownBy(() -> from(Map.of("micro.broker.virtual-threads", "maybe")))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("micro.broker.virtual-threads=maybe");
    }

    @Test
    void deliveryKeysAreTheSameForEveryBroker() {
        MicroConfig c = MicroConfig.of(Map.of("micro.broker.retries", "4", "micro.broker.handler-threads", "8",
                "micro.broker.retry-handler-errors", "false", "micro.broker.attempt-timeout", "100ms"));

        assertThat(DeliveryConfig.from(c)).isEqualTo(HttpBrokerConfig.from(c).delivery())
                .isEqualTo(new DeliveryConfig(4, false, Duration.ofSeconds(5), Duration.ofMillis(100), 8, true));
    }
}
