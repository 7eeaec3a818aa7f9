package io.microcdi.client.rpc;

import io.microcdi.client.CallOptions;
import io.microcdi.config.ConfigException;
import io.microcdi.config.MicroConfig;
import io.microcdi.internal.config.DefaultMicroConfig;
import io.microcdi.selector.SelectOptions;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * How {@link RpcClientConfig} reads {@code micro.client.*}: the client's defaults, the per-service keys
 * {@code micro.client.<service>.*} that override them for one service, the {@code labels} list, and bad values that
 * fail naming their key.
 */
class RpcClientConfigTest {

    private static MicroConfig config(String... keysAndValues) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return DefaultMicroConfig.of(m);
    }

    private static RpcClientConfig.ServiceSettings forService(MicroConfig c, String service) {
        return RpcClientConfig.from(c).forService(c, service);
    }

    @Test
    void defaultsAreGoMicros() {
        RpcClientConfig c = RpcClientConfig.from(config());

        assertThat(c).isEqualTo(new RpcClientConfig(Duration.ofSeconds(5), 1, Duration.ZERO, Duration.ofMillis(10),
                Duration.ofSeconds(1), "application/json"));
        assertThat(c.callOptions()).isEqualTo(CallOptions.defaults());
        assertThat(c.forService(null, "greeter")).isEqualTo(new RpcClientConfig.ServiceSettings(
                CallOptions.defaults(), false));
        assertThat(forService(config(), "greeter")).isEqualTo(new RpcClientConfig.ServiceSettings(
                CallOptions.defaults(), false));
    }

    @Test
    void clientKeysSetTheDefaultsOfEveryService() {
        MicroConfig c = config(
                "micro.client.request-timeout", "2s",
                "micro.client.retries", "3",
                "micro.client.attempt-timeout", "500ms",
                "micro.client.backoff.base", "20ms",
                "micro.client.backoff.max", "200ms",
                "micro.client.content-type", "application/protobuf");

        RpcClientConfig rc = RpcClientConfig.from(c);

        assertThat(rc).isEqualTo(new RpcClientConfig(Duration.ofSeconds(2), 3, Duration.ofMillis(500),
                Duration.ofMillis(20), Duration.ofMillis(200), "application/protobuf"));
        assertThat(rc.forService(c, "greeter").options()).isEqualTo(new CallOptions(Duration.ofSeconds(2), 3,
                Duration.ofMillis(500), SelectOptions.none()));
    }

    @Test
    void serviceKeysOverrideTheClientKeysForThatServiceOnly() {
        MicroConfig c = config(
                "micro.client.request-timeout", "2s",
                "micro.client.retries", "3",
                "micro.client.attempt-timeout", "500ms",
                "micro.client.greeter.request-timeout", "300ms",
                "micro.client.greeter.retries", "0",
                "micro.client.greeter.attempt-timeout", "100ms",
                "micro.client.greeter.version", " 2.1 ",
                "micro.client.greeter.labels", "zone=eu-1",
                "micro.client.greeter.endpoint-filter", "true");

        RpcClientConfig.ServiceSettings greeter = forService(c, "greeter");
        RpcClientConfig.ServiceSettings other = forService(c, "other");

        assertThat(greeter.options()).isEqualTo(new CallOptions(Duration.ofMillis(300), 0, Duration.ofMillis(100),
                SelectOptions.none().withVersion("2.1").withLabel("zone", "eu-1")));
        assertThat(greeter.endpointFilter()).isTrue();
        assertThat(other.options()).isEqualTo(new CallOptions(Duration.ofSeconds(2), 3, Duration.ofMillis(500),
                SelectOptions.none()));
        assertThat(other.endpointFilter()).isFalse();
    }

    @Test
    void aServiceNameWithDotsIsPartOfItsKeys() {
        MicroConfig c = config("micro.client.go.micro.srv.greeter.retries", "4");

        assertThat(forService(c, "go.micro.srv.greeter").options().retries()).isEqualTo(4);
        assertThat(forService(c, "greeter").options().retries()).isEqualTo(1);
    }

    @Test
    void labelsAreCommaSeparatedPairsTrimmed() {
        assertThat(labels(" zone = eu-1 , tier=gold,")).isEqualTo(Map.of("zone", "eu-1", "tier", "gold"));
        assertThat(labels("a=1,,b=2")).isEqualTo(Map.of("a", "1", "b", "2"));
        assertThat(labels("expr=x=y")).isEqualTo(Map.of("expr", "x=y"));
        assertThat(labels("zone=eu,zone=us")).isEqualTo(Map.of("zone", "us"));
        assertThat(labels("")).isEmpty();

        assertThatThrownBy(() -> labels("zone"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("micro.client.greeter.labels=zone (expected: key=value pairs separated by commas)");
        assertThatThrownBy(() -> labels("zone=eu,=us"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("micro.client.greeter.labels=zone=eu,=us");
    }

    private static Map<String, String> labels(String raw) {
        return forService(config("micro.client.greeter.labels", raw), "greeter").options().select().labels();
    }

    @Test
    void badClientValuesFailNamingTheirKey() {
        assertBad("micro.client.request-timeout", "0s", "micro.client.request-timeout=0s");
        assertBad("micro.client.request-timeout", "soon", "micro.client.request-timeout=soon");
        assertBad("micro.client.retries", "-1", "micro.client.retries=-1 (expected: an integer in [0, 100])");
        assertBad("micro.client.retries", "101", "micro.client.retries=101");
        assertBad("micro.client.attempt-timeout", "-5s", "micro.client.attempt-timeout=-5s");
        assertBad("micro.client.backoff.base", "0ms", "micro.client.backoff.base=0ms");
        assertThatThrownBy(() -> RpcClientConfig.from(config("micro.client.backoff.base", "2s",
                "micro.client.backoff.max", "1s")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("micro.client.backoff.max=")
                .hasMessageContaining("micro.client.backoff.base");
    }

    private static void assertBad(String key, String value, String message) {
        assertThatThrownBy(() -> RpcClientConfig.from(config(key, value)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(message);
    }

    @Test
    void badServiceValuesFailNamingTheirKey() {
        assertBadForGreeter("request-timeout", "0", "micro.client.greeter.request-timeout=0");
        assertBadForGreeter("request-timeout", "fast", "micro.client.greeter.request-timeout=fast");
        assertBadForGreeter("retries", "lots", "micro.client.greeter.retries=lots");
        assertBadForGreeter("retries", "-2", "micro.client.greeter.retries=-2");
        assertBadForGreeter("attempt-timeout", "-1s", "micro.client.greeter.attempt-timeout=-1s");
        assertBadForGreeter("endpoint-filter", "yes", "micro.client.greeter.endpoint-filter=yes (expected: true "
                + "or false)");
    }

    private static void assertBadForGreeter(String key, String value, String message) {
        MicroConfig c = config("micro.client.greeter." + key, value);
        RpcClientConfig rc = RpcClientConfig.from(c);
        assertThatThrownBy(() -> rc.forService(c, "greeter"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(message);
    }

    @Test
    void aBackOffBaseAboveTheDefaultMaxIsBlamedAsWritten() {
        assertThatThrownBy(() -> RpcClientConfig.from(config("micro.client.backoff.base", "2s")))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("micro.client.backoff.base=2s");
        assertThatThrownBy(() -> RpcClientConfig.from(config("micro.client.backoff.base", "20ms",
                "micro.client.backoff.max", "10ms")))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("micro.client.backoff.max=10ms");
    }

    @Test
    void aServiceCanTurnTheClientsAttemptTimeoutOff() {
        MicroConfig c = config(
                "micro.client.attempt-timeout", "500ms",
                "micro.client.greeter.attempt-timeout", "0");

        assertThat(forService(c, "greeter").options().attemptTimeout()).isEqualTo(Duration.ZERO);
        assertThat(forService(c, "other").options().attemptTimeout()).isEqualTo(Duration.ofMillis(500));
    }
}
