package io.microcdi.cdi;

import io.microcdi.codec.Codecs;
import io.microcdi.codec.json.JsonCodec;
import io.microcdi.codec.jsonrpc.JsonRpcCodec;
import io.microcdi.config.ConfigException;
import io.microcdi.config.MicroConfig;
import io.microcdi.internal.config.DefaultMicroConfig;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Which content type a typed client calls with by configuration: per service, then for every client. */
class ClientContentTypeTest {

    private final Codecs codecs = Codecs.of(List.of(new JsonCodec(), new JsonRpcCodec()));

    private static MicroConfig config(String... kv) {
        Map<String, String> m = new java.util.HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return DefaultMicroConfig.of(m);
    }

    @Test
    void jsonByDefault() {
        assertThat(MicroClientCreator.contentType(config(), "greeter", codecs)).isEqualTo("application/json");
    }

    @Test
    void theServicesKeyWinsOverTheClientsKey() {
        MicroConfig c = config("micro.client.content-type", "application/json",
                "micro.client.greeter.content-type", "application/json-rpc");
        assertThat(MicroClientCreator.contentType(c, "greeter", codecs)).isEqualTo("application/json-rpc");
        assertThat(MicroClientCreator.contentType(c, "other", codecs)).isEqualTo("application/json");
    }

    @Test
    void anUnknownTypeFailsNamingTheKeyItCameFrom() {
        assertThatThrownBy(() -> MicroClientCreator.contentType(config("micro.client.greeter.content-type",
                "application/protobuf"), "greeter", codecs))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("micro.client.greeter.content-type")
                .hasMessageContaining("application/protobuf")
                .hasMessageContaining("application/json, application/json-rpc");
        assertThatThrownBy(() -> MicroClientCreator.contentType(config("micro.client.content-type", "text/plain"),
                "greeter", codecs))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("micro.client.content-type=text/plain");
    }
}
