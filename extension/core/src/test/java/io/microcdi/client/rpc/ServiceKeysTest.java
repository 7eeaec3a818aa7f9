package io.microcdi.client.rpc;

import io.microcdi.client.ClientProvider;
import io.microcdi.client.RetryPolicy;
import io.microcdi.codec.Codecs;
import io.microcdi.codec.bytes.BytesCodec;
import io.microcdi.codec.json.JsonCodec;
import io.microcdi.config.ConfigException;
import io.microcdi.config.MicroConfig;
import io.microcdi.internal.config.DefaultMicroConfig;
import io.microcdi.registry.memory.MemoryRegistry;
import io.microcdi.selector.Selector;
import io.microcdi.selector.cache.CachingSelectorProvider;
import io.microcdi.transport.memory.MemoryTransport;
import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The per-service keys {@code micro.client.<service>.*}: which services a configuration names, and every such key
 * checked when the client is made, environment variables included.
 */
class ServiceKeysTest {

    private static final Codecs CODECS = Codecs.of(List.of(new JsonCodec(), new BytesCodec()));

    private static void check(MicroConfig c, String... typedClients) {
        ServiceKeys.check(c, RpcClientConfig.from(c), CODECS, List.of(typedClients));
    }

    private static MicroConfig env(Map<String, String> variables) {
        return DefaultMicroConfig.of(new SmallRyeConfigBuilder().withSources(new EnvConfigSource(variables, 300))
                .build());
    }

    @Test
    void keysNameTheirService() {
        MicroConfig c = MicroConfig.of(Map.of(
                "micro.client.greeter.retries", "2",
                "micro.client.go.micro.srv.billing.request-timeout", "1s",
                "micro.client.greeter.labels", "zone=eu",
                "micro.client.retries", "1",
                "micro.client.request-timeout", "2s",
                "micro.client.backoff.max", "1s",
                "micro.client.wrappers", "logging"));

        assertThat(ServiceKeys.servicesNamed(c).keySet())
                .containsExactlyInAnyOrder("greeter", "go.micro.srv.billing");
    }

    @Test
    void environmentVariablesNameTheServiceTheySpell() {
        assertThat(ServiceKeys.serviceOf("MICRO_CLIENT_GREETER_RETRIES")).isEqualTo("greeter");
        assertThat(ServiceKeys.serviceOf("MICRO_CLIENT_GO_MICRO_SRV_GREETER_ATTEMPT_TIMEOUT"))
                .isEqualTo("go_micro_srv_greeter");
        assertThat(ServiceKeys.serviceOf("micro_client_greeter_endpoint_filter")).isEqualTo("greeter");
        assertThat(ServiceKeys.serviceOf("MICRO_CLIENT_REQUEST_TIMEOUT")).isNull();
        assertThat(ServiceKeys.serviceOf("MICRO_CLIENT_CONTENT_TYPE")).isNull();
        assertThat(ServiceKeys.serviceOf("MICRO_SERVER_ADDRESS")).isNull();
        assertThat(ServiceKeys.serviceOf("micro.client.content-type")).isNull();
        assertThat(ServiceKeys.serviceOf("micro.client.greeter.content-type")).isEqualTo("greeter");
    }

    @Test
    void keyFillsInTheService() {
        assertThat(ServiceKeys.key(ServiceKeys.RETRIES, "greeter")).isEqualTo("micro.client.greeter.retries");
    }

    @Test
    void goodKeysPass() {
        assertThatCode(() -> check(MicroConfig.of(Map.of(
                "micro.client.greeter.retries", "3",
                "micro.client.greeter.request-timeout", "2s",
                "micro.client.greeter.attempt-timeout", "0",
                "micro.client.greeter.version", "1.2",
                "micro.client.greeter.labels", "zone=eu-1,tier=gold",
                "micro.client.greeter.endpoint-filter", "true",
                "micro.client.greeter.content-type", "application/octet-stream")), "greeter"))
                .doesNotThrowAnyException();
    }

    @Test
    void everyBadKeyOfEveryNamedServiceFailsTogether() {
        MicroConfig c = MicroConfig.of(Map.of(
                "micro.client.greeter.retries", "lots",
                "micro.client.billing.endpoint-filter", "yes",
                "micro.client.audit.content-type", "application/xml"));

        assertThatThrownBy(() -> check(c))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("micro.client.greeter.retries=lots (expected: an integer in [0, 100])")
                .hasMessageContaining("micro.client.billing.endpoint-filter=yes (expected: true or false)")
                .hasMessageContaining("micro.client.audit.content-type=application/xml (expected: one of "
                        + "application/json, application/octet-stream)");
    }

    @Test
    void aBadLabelsListFails() {
        assertThatThrownBy(() -> check(MicroConfig.of(Map.of("micro.client.greeter.labels", "zone"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("micro.client.greeter.labels=zone (expected: key=value pairs");
    }

    @Test
    void aBadEnvironmentVariableFailsNamingIt() {
        MicroConfig c = env(Map.of("MICRO_CLIENT_GO_MICRO_SRV_GREETER_RETRIES", "-1"));

        assertThatThrownBy(() -> check(c))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("MICRO_CLIENT_GO_MICRO_SRV_GREETER_RETRIES: ")
                .hasMessageContaining("retries=-1 (expected: an integer in [0, 100])");
    }

    @Test
    void aGoodEnvironmentVariableIsReadUnderTheDottedServiceName() {
        MicroConfig c = env(Map.of("MICRO_CLIENT_GO_MICRO_SRV_GREETER_RETRIES", "4"));

        assertThatCode(() -> check(c, "go.micro.srv.greeter")).doesNotThrowAnyException();
        assertThat(RpcClientConfig.from(c).forService(c, "go.micro.srv.greeter").options().retries()).isEqualTo(4);
    }

    @Test
    void theClientProviderChecksEveryServiceKeyWhenItMakesTheClient() {
        MicroConfig c = MicroConfig.of(Map.of("micro.client.greeter.request-timeout", "soon"));
        MemoryRegistry registry = new MemoryRegistry();
        Selector selector = new CachingSelectorProvider.Random().create(c, registry);
        MemoryTransport transport = new MemoryTransport();
        try {
            assertThatThrownBy(() -> new RpcClientProvider().create(
                    new ClientProvider.Parts(c, selector, transport, CODECS, RetryPolicy.defaults())))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("micro.client.greeter.request-timeout=soon");
        } finally {
            selector.close();
            transport.close();
            registry.close();
        }
    }
}
