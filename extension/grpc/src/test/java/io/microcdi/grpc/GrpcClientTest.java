package io.microcdi.grpc;

import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.microcdi.client.RetryPolicy;
import io.microcdi.client.rpc.ClientProtocols;
import io.microcdi.client.rpc.RpcClient;
import io.microcdi.client.rpc.RpcClientConfig;
import io.microcdi.codec.Codecs;
import io.microcdi.codec.json.JsonCodec;
import io.microcdi.codec.proto.ProtoCodec;
import io.microcdi.config.MicroConfig;
import io.microcdi.errors.MicroException;
import io.microcdi.grpc.test.GreeterProtos.HelloReply;
import io.microcdi.grpc.test.GreeterProtos.HelloRequest;
import io.microcdi.grpc.test.ProtoGreeterGrpc;
import io.microcdi.internal.client.ClientProxies;
import io.microcdi.internal.model.ServiceModel;
import io.microcdi.registry.Node;
import io.microcdi.registry.Service;
import io.microcdi.registry.memory.MemoryRegistry;
import io.microcdi.selector.cache.CachingSelector;
import io.microcdi.server.grpc.GrpcServer;
import io.microcdi.server.grpc.GrpcServerConfig;
import io.microcdi.stream.Streams;
import io.microcdi.testing.FreePorts;
import io.microcdi.transport.Listener;
import io.microcdi.transport.Message;
import io.microcdi.transport.Transport;
import io.microcdi.transport.http.HttpTransport;
import io.microcdi.transport.http.HttpTransportConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The rpc client (what a {@code @MicroClient} calls through) calling nodes that speak gRPC: a plain grpc-java server
 * registered with {@code protocol=grpc}, MicroCDI's own gRPC server, and a node speaking both protocols.
 */
class GrpcClientTest {

    /** A typed client of the plain grpc-java greeter: endpoint ProtoGreeter.Hello, path /greeter.ProtoGreeter/Hello. */
    public interface ProtoGreeterApi {
        HelloReply hello(HelloRequest req);
    }

    /** A typed client of the record greeter. */
    /** The streams of {@code greeter.ProtoGreeter}, as a typed client sees them. */
    public interface ProtoGreeterClient {
        Flow.Publisher<HelloReply> lots(HelloRequest req);

        Flow.Publisher<HelloReply> chat(Flow.Publisher<HelloRequest> names);
    }

    public interface GreeterApi {
        Greeters.Reply hello(Greeters.Hello req);
    }

    private final MemoryRegistry registry = new MemoryRegistry();
    private final List<AutoCloseable> closing = new ArrayList<>();
    private final AtomicInteger plainCalls = new AtomicInteger();

    @AfterEach
    void close() throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
        registry.close();
    }

    /** grpc-java's own server, with no MicroCDI in it, registered as a gRPC node of service {@code greeter}. */
    private String plainGrpcServer() throws Exception {
        Server s = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(new ProtoGreeterGrpc.ProtoGreeterImplBase() {
                    @Override
                    public void hello(HelloRequest req, StreamObserver<HelloReply> out) {
                        plainCalls.incrementAndGet();
                        if (req.getName().equals("nobody")) {
                            out.onError(Status.NOT_FOUND.withDescription("no such person").asRuntimeException());
                            return;
                        }
                        if (req.getName().equals("slow")) {
                            CompletableFuture.delayedExecutor(2, TimeUnit.SECONDS).execute(() -> {
                                out.onNext(HelloReply.newBuilder().setGreeting("late").build());
                                out.onCompleted();
                            });
                            return;
                        }
                        out.onNext(HelloReply.newBuilder().setGreeting("Hi " + req.getName()).build());
                        out.onCompleted();
                    }
                }).build().start();
        closing.add(() -> s.shutdownNow().awaitTermination(5, TimeUnit.SECONDS));
        String address = "127.0.0.1:" + s.getPort();
        register("greeter", "plain-" + s.getPort(), address, Map.of("protocol", "grpc"));
        return address;
    }

    private void register(String service, String id, String address, Map<String, String> md) {
        registry.register(new Service(service, "1", Map.of(), List.of(), List.of(new Node(id, address, md))),
                Duration.ofMinutes(1));
    }

    private RpcClient client(Map<String, String> settings, Transport mucp) {
        MicroConfig c = MicroConfig.of(settings);
        var selector = CachingSelector.of("random", registry);
        closing.add(selector);
        RpcClient client = new RpcClient(RpcClientConfig.from(c), c, selector, mucp,
                RetryPolicy.defaults(), Codecs.of(List.of(new JsonCodec(), new ProtoCodec())),
                ClientProtocols.load(c, getClass().getClassLoader()));
        closing.add(client);
        return client;
    }

    private static HelloRequest name(String n) {
        return HelloRequest.newBuilder().setName(n).build();
    }

    @Test
    void callsAPlainGrpcJavaServer() throws Exception {
        plainGrpcServer();
        ProtoGreeterApi api = ClientProxies.create(ProtoGreeterApi.class, "greeter", client(Map.of(), refusing()),
                new ProtoCodec());
        assertThat(api.hello(name("John")).getGreeting()).isEqualTo("Hi John");
    }

    @Test
    void statusesOfAPlainServerBecomeMicroErrors() throws Exception {
        plainGrpcServer();
        ProtoGreeterApi api = ClientProxies.create(ProtoGreeterApi.class, "greeter", client(Map.of(), refusing()),
                new ProtoCodec());
        assertThatThrownBy(() -> api.hello(name("nobody"))).isInstanceOfSatisfying(MicroException.class, e -> {
            assertThat(e.code()).isEqualTo(404);
            assertThat(e.detail()).isEqualTo("no such person");
            assertThat(e.id()).isEqualTo("go.micro.client");
        });
    }

    @Test
    void theRequestTimeoutIsTheDeadline() throws Exception {
        plainGrpcServer();
        ProtoGreeterApi api = ClientProxies.create(ProtoGreeterApi.class, "greeter",
                client(Map.of("micro.client.request-timeout", "300ms"), refusing()), new ProtoCodec());
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> api.hello(name("slow"))).isInstanceOfSatisfying(MicroException.class,
                e -> assertThat(e.code()).isEqualTo(408));
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isLessThan(1_500);
    }

    @Test
    void aNodeThatCannotBeReachedIsRetriedOnAnother() throws Exception {
        plainGrpcServer();
        register("greeter", "dead", "127.0.0.1:" + FreePorts.one(), Map.of("protocol", "grpc"));
        ProtoGreeterApi api = ClientProxies.create(ProtoGreeterApi.class, "greeter",
                client(Map.of("micro.client.retries", "2"), refusing()), new ProtoCodec());
        for (int i = 0; i < 20; i++) {
            assertThat(api.hello(name("n" + i)).getGreeting()).isEqualTo("Hi n" + i);
        }
        assertThat(plainCalls.get()).isEqualTo(20);
    }

    /**
     * Typed streams to gRPC nodes go over gRPC as calls do: server and bidirectional streams of a plain grpc-java
     * server, its status as the stream's error, and a node that cannot be reached skipped when the stream opens.
     */
    @Test
    void streamsFromAPlainGrpcJavaServerPastADeadNode() throws Exception {
        Server s = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(new ProtoGreeterGrpc.ProtoGreeterImplBase() {
                    @Override
                    public void lots(HelloRequest req, StreamObserver<HelloReply> out) {
                        for (int i = 0; i < 3; i++) {
                            out.onNext(HelloReply.newBuilder().setGreeting("Hi " + req.getName() + " " + i).build());
                        }
                        out.onCompleted();
                    }

                    @Override
                    public StreamObserver<HelloRequest> chat(StreamObserver<HelloReply> out) {
                        return new StreamObserver<>() {
                            private boolean failed;

                            @Override
                            public void onNext(HelloRequest req) {
                                if (failed) {
                                    return;
                                }
                                if (req.getName().equals("nobody")) {
                                    failed = true;
                                    out.onError(Status.NOT_FOUND.withDescription("no such person")
                                            .asRuntimeException());
                                    return;
                                }
                                out.onNext(HelloReply.newBuilder().setGreeting("Hi " + req.getName()).build());
                            }

                            @Override
                            public void onError(Throwable t) {
                            }

                            @Override
                            public void onCompleted() {
                                if (!failed) {
                                    out.onCompleted();
                                }
                            }
                        };
                    }
                }).build().start();
        closing.add(() -> s.shutdownNow().awaitTermination(5, TimeUnit.SECONDS));
        register("greeter", "plain-" + s.getPort(), "127.0.0.1:" + s.getPort(), Map.of("protocol", "grpc"));
        register("greeter", "dead", "127.0.0.1:" + FreePorts.one(), Map.of("protocol", "grpc"));
        // mucp streams need a streaming transport at start; nothing here speaks mucp, so none is used
        HttpTransport http = new HttpTransport(HttpTransportConfig.defaults());
        closing.add(http);
        ProtoGreeterClient api = ClientProxies.create(ProtoGreeterClient.class, "greeter",
                client(Map.of("micro.client.retries", "2"), http), new ProtoCodec());

        for (int i = 0; i < 10; i++) {
            assertThat(Streams.toList(api.lots(name("n" + i))).get(10, TimeUnit.SECONDS))
                    .extracting(HelloReply::getGreeting).containsExactly("Hi n" + i + " 0", "Hi n" + i + " 1",
                            "Hi n" + i + " 2");
        }
        List<HelloRequest> names = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            names.add(name("c" + i));
        }
        List<HelloReply> chat = Streams.toList(api.chat(Streams.fromIterable(names))).get(10, TimeUnit.SECONDS);
        assertThat(chat).hasSize(500);
        assertThat(chat.get(499).getGreeting()).isEqualTo("Hi c499");
        assertThatThrownBy(() -> Streams.toList(api.chat(Streams.of(name("a"), name("nobody")))).join())
                .cause().isInstanceOfSatisfying(MicroException.class, e -> {
                    assertThat(e.code()).isEqualTo(404);
                    assertThat(e.detail()).isEqualTo("no such person");
                });
    }

    @Test
    void callsMicroCdisGrpcServerInJsonWithItsErrorsWhole() {
        GrpcServer server = new GrpcServer(GrpcServerConfig.from(MicroConfig.of(Map.of(
                "micro.server.shutdown-grace", "0"))), registry, null, Codecs.of(List.of(new JsonCodec())));
        server.handle(ServiceModel.define(Greeters.Greeter.class, new Greeters.Greeter(), "greeter-records", "1"));
        server.start();
        closing.add(server::stop);
        GreeterApi api = ClientProxies.create(GreeterApi.class, "greeter-records", client(Map.of(), refusing()),
                new JsonCodec());
        assertThat(api.hello(new Greeters.Hello("Ann", 2))).isEqualTo(new Greeters.Reply("Hello Ann",
                List.of("Ann", "Ann")));
        assertThatThrownBy(() -> api.hello(new Greeters.Hello("", 1))).isInstanceOfSatisfying(MicroException.class,
                e -> {
                    assertThat(e.id()).isEqualTo("greeter-records.hello");
                    assertThat(e.code()).isEqualTo(400);
                    assertThat(e.detail()).isEqualTo("name is required");
                });
    }

    @Test
    void aNodeSpeakingBothIsCalledTheWayConfigured() {
        HttpTransport http = new HttpTransport(HttpTransportConfig.defaults());
        closing.add(http);
        GrpcServer server = new GrpcServer(GrpcServerConfig.from(MicroConfig.of(Map.of(
                "micro.server.shutdown-grace", "0", "micro.server.grpc.mucp", "true"))), registry, http,
                Codecs.of(List.of(new JsonCodec())));
        server.handle(ServiceModel.define(Greeters.Greeter.class, new Greeters.Greeter(), "greeter-records", "1"));
        server.start();
        closing.add(server::stop);
        Node node = registry.getService("greeter-records").get(0).nodes().get(0);
        assertThat(node.address()).isEqualTo(server.mucp().address());
        assertThat(node.metadata()).containsEntry("protocol", "mucp").containsEntry("grpc-address", server.address());

        // over gRPC: the mucp transport given refuses everything, so only gRPC can have answered
        GreeterApi overGrpc = ClientProxies.create(GreeterApi.class, "greeter-records",
                client(Map.of("micro.client.protocol", "grpc"), refusing()), new JsonCodec());
        assertThat(overGrpc.hello(new Greeters.Hello("G", 1)).greeting()).isEqualTo("Hello G");
        // per service: mucp wins for this one
        GreeterApi overMucp = ClientProxies.create(GreeterApi.class, "greeter-records", client(Map.of(
                "micro.client.protocol", "grpc", "micro.client.greeter-records.protocol", "mucp"), http),
                new JsonCodec());
        assertThat(overMucp.hello(new Greeters.Hello("M", 1)).greeting()).isEqualTo("Hello M");
        GreeterApi mucpRefused = ClientProxies.create(GreeterApi.class, "greeter-records",
                client(Map.of("micro.client.retries", "0"), refusing()), new JsonCodec());
        assertThatThrownBy(() -> mucpRefused.hello(new Greeters.Hello("X", 1))).isInstanceOf(MicroException.class);
    }

    @Test
    void anUnknownProtocolFailsAtStartNamingTheKey() {
        assertThatThrownBy(() -> client(Map.of("micro.client.protocol", "carrier-pigeon"), refusing()))
                .hasMessageContaining("micro.client.protocol=carrier-pigeon (expected: one of mucp, grpc)");
        assertThatThrownBy(() -> client(Map.of("micro.client.billing.protocol", "soap"), refusing()))
                .hasMessageContaining("micro.client.billing.protocol=soap");
    }

    /** A mucp transport that refuses every call: what answers then came over gRPC. */
    private static Transport refusing() {
        return new Transport() {
            @Override
            public String name() {
                return "refusing";
            }

            @Override
            public Listener listen(String address, Handler handler) {
                throw new UnsupportedOperationException();
            }

            @Override
            public CompletableFuture<Message> send(String address, Message request, Duration timeout) {
                return CompletableFuture.failedFuture(new io.microcdi.transport.TransportException(
                        "refused: mucp is not expected here", null, false));
            }

            @Override
            public void disconnect(String address) {
            }

            @Override
            public void close() {
            }
        };
    }

}
