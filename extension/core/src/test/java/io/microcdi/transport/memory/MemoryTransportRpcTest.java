package io.microcdi.transport.memory;

import io.microcdi.client.CallOptions;
import io.microcdi.client.Request;
import io.microcdi.client.Response;
import io.microcdi.client.rpc.RpcClient;
import io.microcdi.client.rpc.RpcClientConfig;
import io.microcdi.codec.Codecs;
import io.microcdi.codec.json.JsonCodec;
import io.microcdi.errors.MicroException;
import io.microcdi.internal.client.ClientProxies;
import io.microcdi.internal.config.DefaultMicroConfig;
import io.microcdi.internal.model.ServiceModel;
import io.microcdi.metadata.Metadata;
import io.microcdi.registry.memory.MemoryRegistry;
import io.microcdi.selector.cache.CachingSelector;
import io.microcdi.server.rpc.RpcServer;
import io.microcdi.server.rpc.RpcServerConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The rpc server and client, unchanged, over the memory transport: what the call-path benchmark measures. */
class MemoryTransportRpcTest {

    public record Hello(String name) {
    }

    public record Reply(String greeting) {
    }

    public static class Greeter {
        public Reply hello(Hello h) {
            return new Reply("Hello " + h.name());
        }

        public Reply fail(Hello h) {
            throw new IllegalArgumentException("no " + h.name());
        }
    }

    public interface GreeterApi {
        Reply hello(Hello h);

        Reply fail(Hello h);
    }

    private final MemoryRegistry registry = new MemoryRegistry();
    private final MemoryTransport transport = new MemoryTransport();
    private RpcServer server;
    private RpcClient client;

    @BeforeEach
    void setUp() {
        server = new RpcServer(RpcServerConfig.from(DefaultMicroConfig.of(Map.of("micro.server.address", "memory:0"))),
                registry, transport, Codecs.of(List.of(new JsonCodec())));
        server.handle(ServiceModel.define(Greeter.class, new Greeter(), "greeter", "1.0.0"));
        server.start();
        client = new RpcClient(RpcClientConfig.from(DefaultMicroConfig.of(Map.of())), CachingSelector.of("random", registry),
                transport);
    }

    @AfterEach
    void tearDown() {
        server.stop();
        registry.close();
        transport.close();
    }

    @Test
    void theNodeIsRegisteredWithItsMemoryAddress() {
        assertThat(server.address()).startsWith("memory:");
        assertThat(registry.getService("greeter").get(0).nodes().get(0).address()).isEqualTo(server.address());
        assertThat(registry.getService("greeter").get(0).nodes().get(0).metadata())
                .containsEntry("transport", "memory");
    }

    @Test
    void typedAndRawCallsRoundTrip() {
        GreeterApi api = ClientProxies.create(GreeterApi.class, "greeter", client, new JsonCodec());
        assertThat(api.hello(new Hello("John"))).isEqualTo(new Reply("Hello John"));

        Response r = client.call(new Request("greeter", "Greeter.Hello", "application/json",
                "{\"name\":\"Ann\"}".getBytes(StandardCharsets.UTF_8), Metadata.empty()),
                CallOptions.defaults()).join();
        assertThat(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo("{\"greeting\":\"Hello Ann\"}");
        assertThat(r.header().get("Micro-Id")).isNotNull();
    }

    @Test
    void handlerErrorsArriveAsMicroExceptions() {
        GreeterApi api = ClientProxies.create(GreeterApi.class, "greeter", client, new JsonCodec());
        assertThatThrownBy(() -> api.fail(new Hello("x")))
                .isInstanceOfSatisfying(MicroException.class, e -> {
                    assertThat(e.code()).isEqualTo(500);
                    assertThat(e.detail()).isEqualTo("no x");
                });
    }

    @Test
    void aStoppedServerIsNotCalled() {
        server.stop();
        GreeterApi api = ClientProxies.create(GreeterApi.class, "greeter", client, new JsonCodec());
        assertThatThrownBy(() -> api.hello(new Hello("x")))
                .isInstanceOfSatisfying(MicroException.class, e -> assertThat(e.code()).isEqualTo(503));
    }
}
