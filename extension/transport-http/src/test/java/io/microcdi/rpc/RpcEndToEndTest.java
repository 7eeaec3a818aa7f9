package io.microcdi.rpc;

import io.microcdi.client.CallOptions;
import io.microcdi.client.Request;
import io.microcdi.client.Response;
import io.microcdi.client.rpc.RpcClient;
import io.microcdi.client.rpc.RpcClientConfig;
import io.microcdi.codec.Codecs;
import io.microcdi.codec.json.JsonCodec;
import io.microcdi.config.MicroConfig;
import io.microcdi.errors.MicroException;
import io.microcdi.internal.client.ClientProxies;
import io.microcdi.internal.config.DefaultMicroConfig;
import io.microcdi.internal.model.ServiceModel;
import io.microcdi.metadata.Metadata;
import io.microcdi.registry.Node;
import io.microcdi.registry.Service;
import io.microcdi.registry.memory.MemoryRegistry;
import io.microcdi.selector.cache.CachingSelector;
import io.microcdi.server.rpc.RpcServer;
import io.microcdi.server.rpc.RpcServerConfig;
import io.microcdi.transport.http.HttpTransport;
import io.microcdi.transport.http.HttpTransportConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Server and client of the rpc protocol over the real HTTP transport on loopback, without a container. */
class RpcEndToEndTest {

    public record Hello(String name) {
    }

    public record Reply(String greeting) {
    }

    /** A handler with one slow endpoint to observe draining and deadlines. */
    public static class Greeter {
        final CountDownLatch release = new CountDownLatch(1);
        final CountDownLatch entered = new CountDownLatch(1);

        public Reply hello(Hello h) {
            return new Reply("Hello " + h.name());
        }

        public CompletionStage<Reply> helloLater(Hello h) {
            return CompletableFuture.supplyAsync(() -> new Reply("Later " + h.name()));
        }

        public Reply slow(Hello h) throws InterruptedException {
            entered.countDown();
            release.await(10, TimeUnit.SECONDS);
            return new Reply("Slow " + h.name());
        }
    }

    public interface GreeterApi {
        Reply hello(Hello h);

        CompletionStage<Reply> helloLaterAsync(Hello h);

        Reply slow(Hello h);
    }

    private final MemoryRegistry registry = new MemoryRegistry();
    private final HttpTransport transport = new HttpTransport(HttpTransportConfig.defaults());
    private final Codecs codecs = Codecs.of(List.of(new JsonCodec()));
    private final List<RpcServer> servers = new ArrayList<>();
    private RpcClient client;
    private Greeter greeter;

    @BeforeEach
    void setUp() {
        client = new RpcClient(RpcClientConfig.from(DefaultMicroConfig.of(Map.of())), CachingSelector.of("random", registry),
                transport);
    }

    @AfterEach
    void tearDown() {
        servers.forEach(RpcServer::stop);
        registry.close();
        transport.close();
    }

    private RpcServer start(Map<String, String> config) {
        MicroConfig c = DefaultMicroConfig.of(config);
        RpcServer server = new RpcServer(RpcServerConfig.from(c), registry, transport, codecs);
        greeter = new Greeter();
        server.handle(ServiceModel.define(Greeter.class, greeter, "greeter", "1.0.0"));
        server.start();
        servers.add(server);
        return server;
    }

    private GreeterApi api() {
        return ClientProxies.create(GreeterApi.class, "greeter", client, new JsonCodec());
    }

    @Test
    void typedCallsSyncAndAsync() throws Exception {
        start(Map.of());
        GreeterApi api = api();
        assertThat(api.hello(new Hello("John"))).isEqualTo(new Reply("Hello John"));
        assertThat(api.helloLaterAsync(new Hello("Ann")).toCompletableFuture().get()).isEqualTo(new Reply("Later Ann"));
    }

    @Test
    void rawCallCarriesMicroHeadersAndEchoesId() {
        start(Map.of());
        Response r = client.call(new Request("greeter", "Greeter.Hello", "application/json",
                "{\"name\":\"John\"}".getBytes(StandardCharsets.UTF_8), Metadata.of("X-Custom", "abc")),
                CallOptions.defaults()).join();
        assertThat(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo("{\"greeting\":\"Hello John\"}");
        assertThat(r.header().get("Micro-Id")).isNotNull();
        assertThat(r.header().get("X-Micro-Id")).isEqualTo(r.header().get("Micro-Id"));
    }

    @Test
    void callsReachEveryNode() {
        RpcServer a = start(Map.of());
        RpcServer b = start(Map.of());
        assertThat(registry.getService("greeter").get(0).nodes()).extracting(Node::address)
                .containsExactlyInAnyOrder(a.address(), b.address());
        // both nodes answer: the random selector spreads calls
        GreeterApi api = api();
        for (int i = 0; i < 50; i++) {
            assertThat(api.hello(new Hello("x")).greeting()).isEqualTo("Hello x");
        }
    }

    @Test
    void connectionFailureRetriesOnAnotherNode() throws Exception {
        RpcServer live = start(Map.of());
        int deadPort;
        try (ServerSocket s = new ServerSocket(0)) {
            deadPort = s.getLocalPort();
        }
        Service dead = new Service("greeter", "1.0.0", Map.of(), List.of(),
                List.of(new Node("greeter-dead", "127.0.0.1:" + deadPort, Map.of())));
        registry.register(dead, Duration.ofMinutes(1));
        GreeterApi api = api();
        // whichever node comes first, every call succeeds: a refused connection moves to the live node
        for (int i = 0; i < 20; i++) {
            assertThat(api.hello(new Hello("r")).greeting()).isEqualTo("Hello r");
        }
        assertThat(live.address()).isNotBlank();
    }

    @Test
    void noNodeIs503AndDeadNodeWithoutRetryIs500() throws Exception {
        GreeterApi api = api();
        assertThatThrownBy(() -> api.hello(new Hello("x")))
                .isInstanceOfSatisfying(MicroException.class, e -> {
                    assertThat(e.code()).isEqualTo(503);
                    assertThat(e.detail()).isEqualTo("service greeter: not found");
                });
        int deadPort;
        try (ServerSocket s = new ServerSocket(0)) {
            deadPort = s.getLocalPort();
        }
        registry.register(new Service("greeter", "1", Map.of(), List.of(),
                List.of(new Node("greeter-dead", "127.0.0.1:" + deadPort, Map.of()))), Duration.ofMinutes(1));
        assertThatThrownBy(() -> api.hello(new Hello("x")))
                .isInstanceOfSatisfying(MicroException.class, e -> {
                    assertThat(e.code()).isEqualTo(500);
                    assertThat(e.id()).isEqualTo("go.micro.client");
                });
    }

    @Test
    void requestTimeoutIs408AndServerKeepsServing() {
        start(Map.of());
        client = new RpcClient(RpcClientConfig.from(DefaultMicroConfig.of(
                Map.of("micro.client.request-timeout", "200ms"))), CachingSelector.of("random", registry), transport);
        GreeterApi api = api();
        assertThatThrownBy(() -> api.slow(new Hello("x")))
                .isInstanceOfSatisfying(MicroException.class, e -> assertThat(e.code()).isEqualTo(408));
        greeter.release.countDown();
        assertThat(api.hello(new Hello("y")).greeting()).isEqualTo("Hello y");
    }

    @Test
    void stopDeregistersFirstThenDrainsInFlightCalls() throws Exception {
        RpcServer server = start(Map.of("micro.server.shutdown-timeout", "5s"));
        GreeterApi api = api();
        CompletableFuture<Reply> inFlight = CompletableFuture.supplyAsync(() -> api.slow(new Hello("d")));
        assertThat(greeter.entered.await(5, TimeUnit.SECONDS)).isTrue();

        CompletableFuture<Void> stopping = CompletableFuture.runAsync(server::stop);
        await().atMost(Duration.ofSeconds(2)).until(() -> registry.getService("greeter").isEmpty());
        assertThat(stopping).isNotDone(); // still draining the slow call

        greeter.release.countDown();
        assertThat(inFlight.get(5, TimeUnit.SECONDS).greeting()).isEqualTo("Slow d");
        stopping.get(5, TimeUnit.SECONDS);
    }

    @Test
    void heartbeatKeepsTheNodeAliveBeyondItsTtl() {
        start(Map.of("micro.register.ttl", "600ms", "micro.register.interval", "200ms"));
        // three TTLs later the node is still there, because it re-registered
        await().during(Duration.ofMillis(1800)).atMost(Duration.ofSeconds(3))
                .until(() -> !registry.getService("greeter").isEmpty());
    }

    @Test
    void intervalNotShorterThanTtlIsRejectedNamingTheKey() {
        assertThatThrownBy(() -> RpcServerConfig.from(DefaultMicroConfig.of(
                Map.of("micro.register.ttl", "10s", "micro.register.interval", "10s"))))
                .hasMessageContaining("micro.register.interval");
    }

    @Test
    void asyncContinuationMayCallSynchronouslyOnOneIoThread() throws Exception {
        // one I/O thread: if continuations ran on it, the nested sync call could never be read
        HttpTransport single = new HttpTransport(HttpTransportConfig.from(
                DefaultMicroConfig.of(Map.of("micro.transport.http.io-threads", "1"))));
        try {
            RpcServer server = new RpcServer(RpcServerConfig.from(DefaultMicroConfig.of(Map.of())), registry, single,
                    codecs);
            server.handle(ServiceModel.define(Greeter.class, new Greeter(), "greeter", "1"));
            server.start();
            servers.add(server);
            client = new RpcClient(RpcClientConfig.from(DefaultMicroConfig.of(
                    Map.of("micro.client.request-timeout", "2s"))), CachingSelector.of("random", registry), single);
            GreeterApi api = api();
            String nested = api.helloLaterAsync(new Hello("a"))
                    .thenApply(first -> first.greeting() + " / " + api.hello(new Hello("b")).greeting())
                    .toCompletableFuture().get(5, TimeUnit.SECONDS);
            assertThat(nested).isEqualTo("Later a / Hello b");
        } finally {
            servers.forEach(RpcServer::stop);
            servers.clear();
            single.close();
        }
    }

    /** Endpoints without a reply, or with a null one. */
    public static class Quiet {
        public void fire(Hello h) {
        }

        public Reply nothing(Hello h) {
            return null;
        }
    }

    public interface QuietApi {
        void fire(Hello h);

        Reply nothing(Hello h);
    }

    @Test
    void voidAnswersAnEmptyObjectAndNullAnswersNull() {
        RpcServer server = new RpcServer(RpcServerConfig.from(DefaultMicroConfig.of(Map.of())), registry, transport,
                codecs);
        server.handle(ServiceModel.define(Quiet.class, new Quiet(), "quiet", "1"));
        server.start();
        servers.add(server);
        Response fire = client.call(new Request("quiet", "Quiet.Fire", "application/json",
                "{}".getBytes(StandardCharsets.UTF_8), Metadata.empty()), CallOptions.defaults()).join();
        Response nothing = client.call(new Request("quiet", "Quiet.Nothing", "application/json",
                "{}".getBytes(StandardCharsets.UTF_8), Metadata.empty()), CallOptions.defaults()).join();
        // Go Micro's JSON codec cannot read an empty body; {} and null it reads
        assertThat(new String(fire.body(), StandardCharsets.UTF_8)).isEqualTo("{}");
        assertThat(new String(nothing.body(), StandardCharsets.UTF_8)).isEqualTo("null");
        QuietApi api = ClientProxies.create(QuietApi.class, "quiet", client, new JsonCodec());
        api.fire(new Hello("x"));
        assertThat(api.nothing(new Hello("x"))).isNull();
    }
}
