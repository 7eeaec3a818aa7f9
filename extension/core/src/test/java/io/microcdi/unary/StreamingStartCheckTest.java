package io.microcdi.unary;

import io.microcdi.client.CallOptions;
import io.microcdi.client.Request;
import io.microcdi.client.rpc.RpcClient;
import io.microcdi.client.rpc.RpcClientConfig;
import io.microcdi.codec.Codecs;
import io.microcdi.codec.json.JsonCodec;
import io.microcdi.config.ConfigException;
import io.microcdi.errors.MicroException;
import io.microcdi.internal.client.ClientProxies;
import io.microcdi.internal.config.DefaultMicroConfig;
import io.microcdi.internal.model.Capabilities;
import io.microcdi.internal.model.ServiceModel;
import io.microcdi.metadata.Metadata;
import io.microcdi.registry.memory.MemoryRegistry;
import io.microcdi.selector.cache.CachingSelector;
import io.microcdi.server.rpc.RpcServer;
import io.microcdi.server.rpc.RpcServerConfig;
import io.microcdi.stream.Streams;
import io.microcdi.transport.memory.MemoryTransport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Streams need plugins that carry them, and a process that has streaming endpoints or streaming client methods finds
 * out when it starts, not at the first stream: the RPC server's start, the typed client's creation and the check
 * the CDI start runs ({@link Capabilities}), over a real transport that carries unary calls only.
 */
class StreamingStartCheckTest {

    public record Hello(String name) {
    }

    public record Reply(String greeting) {
    }

    /** One unary endpoint and two streaming ones. */
    public static class Chat {
        public Reply hello(Hello h) {
            return new Reply("Hello " + h.name());
        }

        public Flow.Publisher<Reply> chat(Flow.Publisher<Hello> in) {
            return Streams.map(in, h -> new Reply("Hello " + h.name()));
        }

        public CompletionStage<Reply> join(Flow.Publisher<Hello> in) {
            return Streams.toList(in).thenApply(all -> new Reply(String.valueOf(all.size())));
        }
    }

    /** Unary only. */
    public static class Greeter {
        public Reply hello(Hello h) {
            return new Reply("Hello " + h.name());
        }
    }

    public interface GreeterApi {
        Reply hello(Hello h);
    }

    public interface ChatApi {
        Reply hello(Hello h);

        Flow.Publisher<Reply> chat(Flow.Publisher<Hello> in);
    }

    private final MemoryRegistry registry = new MemoryRegistry();
    private final UnaryTransport unary = new UnaryTransport();
    private final MemoryTransport memory = new MemoryTransport();
    private RpcServer server;

    @AfterEach
    void tearDown() {
        if (server != null) {
            server.stop();
        }
        registry.close();
        unary.close();
        memory.close();
    }

    private RpcServer server(Object service) {
        server = new RpcServer(RpcServerConfig.from(DefaultMicroConfig.of(Map.of("micro.server.address", "memory:0"))),
                registry, unary, Codecs.of(List.of(new JsonCodec())));
        server.handle(ServiceModel.define(service.getClass(), service, service.getClass().getSimpleName()
                .toLowerCase(java.util.Locale.ROOT), "1.0.0"));
        return server;
    }

    private RpcClient rpcClient(io.microcdi.transport.Transport transport) {
        return new RpcClient(RpcClientConfig.from(DefaultMicroConfig.of(Map.of())),
                CachingSelector.of("random", registry), transport);
    }

    @Test
    void aServerWithStreamingEndpointsDoesNotStartOnATransportThatCannotStream() {
        RpcServer s = server(new Chat());

        assertThatThrownBy(s::start).isInstanceOf(ConfigException.class)
                .hasMessage("MICRO-0107: service chat serves streaming endpoints [Chat.Chat, Chat.Join], but the "
                        + "unary transport cannot stream (expected: micro.transport naming a transport that streams, "
                        + "such as http or memory)");
        // nothing was left behind: the check runs before listening, and nothing was registered
        assertThat(registry.listServices()).isEmpty();
    }

    @Test
    void aUnaryServerStartsAndServesOnIt() {
        server(new Greeter()).start();
        try (RpcClient client = rpcClient(unary)) {
            GreeterApi api = ClientProxies.create(GreeterApi.class, "greeter", client, new JsonCodec());
            assertThat(api.hello(new Hello("John"))).isEqualTo(new Reply("Hello John"));
            assertThat(registry.getService("greeter").get(0).nodes().get(0).metadata())
                    .containsEntry("transport", "unary").doesNotContainKey("streams");
        }
    }

    @Test
    void aStreamingClientInterfaceNeedsAStreamingClient() {
        try (RpcClient rpc = rpcClient(memory); UnaryClient client = new UnaryClient(rpc)) {
            assertThatThrownBy(() -> ClientProxies.create(ChatApi.class, "chat", client, new JsonCodec()))
                    .isInstanceOf(ConfigException.class)
                    .hasMessage("MICRO-0207: @MicroClient " + ChatApi.class.getName() + " streams (#chat), but the "
                            + "unary client cannot stream (expected: micro.client naming a client that implements "
                            + "StreamingClient, such as rpc)");
            assertThat(Capabilities.client(ChatApi.class.getName(), List.of("chat"), client, memory))
                    .singleElement().asString().startsWith("MICRO-0207: ");
            // an interface without streams is fine with it
            assertThat(ClientProxies.create(GreeterApi.class, "greeter", client, new JsonCodec())).isNotNull();
        }
    }

    @Test
    void aStreamingClientInterfaceNeedsAStreamingTransport() {
        try (RpcClient overUnary = rpcClient(unary); RpcClient overMemory = rpcClient(memory)) {
            assertThat(ClientProxies.streamingMethods(ChatApi.class)).containsExactly("chat");
            assertThat(Capabilities.client(ChatApi.class.getName(), List.of("chat"), overUnary, unary))
                    .containsExactly("MICRO-0208: @MicroClient " + ChatApi.class.getName() + " streams (#chat), but "
                            + "the unary transport cannot stream (expected: micro.transport naming a transport that "
                            + "streams, such as http or memory)");
            assertThat(Capabilities.client(ChatApi.class.getName(), List.of("chat"), overMemory, memory)).isEmpty();
            assertThat(Capabilities.client(GreeterApi.class.getName(), List.of(), overUnary, unary)).isEmpty();
        }
    }

    /** Past the checks (a client built by hand), a stream over a unary transport fails at once, with a 501. */
    @Test
    void aStreamOverAUnaryTransportFailsWithA501() throws Exception {
        try (RpcClient client = rpcClient(unary)) {
            var replies = Streams.toList(client.stream(new Request("chat", "Chat.Chat", "application/json",
                    new byte[0], Metadata.empty()), Streams.of(), CallOptions.defaults()));
            assertThatThrownBy(() -> replies.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOfSatisfying(MicroException.class, e -> {
                        assertThat(e.code()).isEqualTo(501);
                        assertThat(e.detail()).contains("unary transport cannot stream");
                    });
        }
    }
}
