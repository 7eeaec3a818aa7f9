package io.microcdi.transport.http;

import io.microcdi.client.CallOptions;
import io.microcdi.client.Request;
import io.microcdi.client.rpc.RpcClient;
import io.microcdi.client.rpc.RpcClientConfig;
import io.microcdi.internal.config.DefaultMicroConfig;
import io.microcdi.metadata.Metadata;
import io.microcdi.registry.Node;
import io.microcdi.registry.Service;
import io.microcdi.registry.memory.MemoryRegistry;
import io.microcdi.selector.cache.CachingSelector;
import io.microcdi.transport.Message;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The client closes its pooled connections to a node as soon as the node leaves the registry, instead of keeping them
 * open until {@code micro.transport.http.pool-ttl}; a node that stays keeps its warm connections.
 */
class DeregisteredNodeTest {

    @Test
    void connectionsToANodeThatLeftTheRegistryAreClosed() {
        try (MemoryRegistry registry = new MemoryRegistry();
             HttpTransport serverSide = new HttpTransport(HttpTransportConfig.defaults());
             HttpTransport clientSide = new HttpTransport(HttpTransportConfig.defaults());
             CachingSelector selector = CachingSelector.of("random", registry)) {
            byte[] ok = "{}".getBytes(StandardCharsets.UTF_8);
            HttpListener leaving = (HttpListener) serverSide.listen("127.0.0.1:0",
                    ex -> ex.reply(new Message(Metadata.of("Content-Type", "application/json"), ok)));
            HttpListener staying = (HttpListener) serverSide.listen("127.0.0.1:0",
                    ex -> ex.reply(new Message(Metadata.of("Content-Type", "application/json"), ok)));
            Service leaves = new Service("echo", "1", Map.of(), List.of(),
                    List.of(new Node("echo-leaves", leaving.address(), Map.of())));
            Service stays = new Service("other", "1", Map.of(), List.of(),
                    List.of(new Node("other-stays", staying.address(), Map.of())));
            registry.register(leaves, Duration.ofMinutes(1));
            registry.register(stays, Duration.ofMinutes(1));
            RpcClient client = new RpcClient(RpcClientConfig.from(DefaultMicroConfig.of(Map.of())), selector,
                    clientSide);
            client.call(new Request("echo", "Echo.Call", "application/json", ok, Metadata.empty()),
                    CallOptions.defaults()).join();
            client.call(new Request("other", "Other.Call", "application/json", ok, Metadata.empty()),
                    CallOptions.defaults()).join();
            assertThat(leaving.connections()).isEqualTo(1);
            assertThat(staying.connections()).isEqualTo(1);

            registry.deregister(leaves);

            await().atMost(Duration.ofSeconds(5)).until(() -> leaving.connections() == 0);
            assertThat(staying.connections()).isEqualTo(1);
        }
    }
}
