package io.microcdi.registry.mdns;

import io.microcdi.client.CallOptions;
import io.microcdi.client.Request;
import io.microcdi.client.Response;
import io.microcdi.client.rpc.RpcClient;
import io.microcdi.client.rpc.RpcClientConfig;
import io.microcdi.codec.Codecs;
import io.microcdi.codec.json.JsonCodec;
import io.microcdi.internal.config.DefaultMicroConfig;
import io.microcdi.internal.model.ServiceModel;
import io.microcdi.metadata.Metadata;
import io.microcdi.registry.Node;
import io.microcdi.registry.Service;
import io.microcdi.selector.cache.CachingSelector;
import io.microcdi.server.rpc.RpcServer;
import io.microcdi.server.rpc.RpcServerConfig;
import io.microcdi.testing.LoopbackMdns;
import io.microcdi.testing.FreePorts;
import io.microcdi.transport.http.HttpTransport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A fresh client whose registry is still hearing of a service's nodes: one node is dead (registered, nobody listens
 * on its loopback port),
 * the other alive, each announced by its own mDNS responder on loopback, so their answers reach the client at
 * different moments. Every call from a fresh client succeeds: the warm-up waits for every answer to its query, and
 * a retry after the dead node looks at the registry again.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class FirstViewTest {

    private static final int CLIENTS = 12;
    private static final String SERVICE = "firstview-" + UUID.randomUUID().toString().substring(0, 8);

    public record Hello(String name) {
    }

    public record Reply(String greeting) {
    }

    public static class Greeter {
        public Reply hello(Hello h) {
            return new Reply("Hello " + h.name());
        }
    }

    private static final HttpTransport TRANSPORT = new HttpTransport();
    private static final List<AutoCloseable> CLOSING = new ArrayList<>();

    private static MdnsRegistry registry() {
        MdnsRegistry r = new MdnsRegistry(MdnsRegistryConfig.from(DefaultMicroConfig.of(LoopbackMdns.settings())));
        return r;
    }

    @BeforeAll
    static void deadAndLiveNodes() {
        LoopbackMdns.assertMulticastWorks();
        // the dead node: announced by one responder, at an address nobody listens on
        MdnsRegistry deadsResponder = registry();
        CLOSING.add(deadsResponder);
        deadsResponder.register(new Service(SERVICE, "1.0.0", Map.of(), List.of(),
                List.of(new Node(SERVICE + "-dead", "127.0.0.1:" + FreePorts.one(), Map.of()))),
                Duration.ZERO);
        // the live node: a real rpc server, announced by another responder
        MdnsRegistry livesResponder = registry();
        CLOSING.add(livesResponder);
        RpcServer server = new RpcServer(RpcServerConfig.from(DefaultMicroConfig.of(Map.of(
                "micro.server.address", "127.0.0.1:0"))), livesResponder, TRANSPORT, Codecs.of(List.of(new JsonCodec())));
        server.handle(ServiceModel.define(Greeter.class, new Greeter(), SERVICE, "1.0.0"));
        server.start();
        CLOSING.add(0, server::stop);
        // both known on the network before the first client starts
        MdnsRegistry probe = registry();
        try {
            await().atMost(Duration.ofSeconds(20)).until(() -> probe.getService(SERVICE).stream()
                    .mapToLong(s -> s.nodes().size()).sum() == 2);
        } finally {
            probe.close();
        }
    }

    @AfterAll
    static void closeAll() throws Exception {
        for (AutoCloseable c : CLOSING) {
            c.close();
        }
        TRANSPORT.close();
    }

    @Test
    void everyFreshClientsFirstCallSucceeds() {
        Map<String, Integer> firstViews = new HashMap<>();
        for (int i = 0; i < CLIENTS; i++) {
            MdnsRegistry fresh = registry();
            CachingSelector selector = CachingSelector.of("random", fresh);
            RpcClient client = new RpcClient(RpcClientConfig.from(DefaultMicroConfig.of(Map.of())), selector,
                    TRANSPORT);
            try {
                Response r = client.call(new Request(SERVICE, "Greeter.Hello", "application/json",
                        ("{\"name\":\"" + i + "\"}").getBytes(StandardCharsets.UTF_8), Metadata.empty()),
                        // two retries: on a machine too busy for the warm-up to hear both responders in time, a
                        // second look at the registry; without the renewal every attempt of a client whose first
                        // view is the dead node alone goes to it, so the test still fails without it
                        CallOptions.defaults().withRetries(2)).join();
                assertThat(new String(r.body(), StandardCharsets.UTF_8)).as("client %d", i)
                        .isEqualTo("{\"greeting\":\"Hello " + i + "\"}");
                firstViews.merge(selector.status(SERVICE).size() + " node(s)", 1, Integer::sum);
            } finally {
                client.close();
                selector.close();
                fresh.close();
            }
        }
        System.out.println("FIRST-VIEW clients=" + CLIENTS + " all answered; views after the call: " + firstViews);
    }
}
