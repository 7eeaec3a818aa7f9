package io.microcdi.transport.http;

import io.microcdi.config.ConfigException;
import io.microcdi.errors.MicroException;
import io.microcdi.internal.config.DefaultMicroConfig;
import io.microcdi.metadata.Metadata;
import io.microcdi.registry.Node;
import io.microcdi.transport.Exchange;
import io.microcdi.transport.Message;
import io.microcdi.transport.Transport;
import io.microcdi.transport.TransportException;
import io.microcdi.transport.TransportTimeoutException;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Unary calls on HTTP/2 ({@link Http2Call} on a shared {@link Http2ClientConnection}) against our own listener on
 * loopback: calls to a node that registered {@code calls=h2} share one connection, Go Micro nodes and
 * {@code micro.transport.http.h2-calls=false} get HTTP/1.1, answers and errors arrive as over HTTP/1.1, large bodies
 * pass flow control, a timeout resets only its stream, and a refused or broken call says whether it was sent.
 */
class Http2CallTest {

    @TempDir
    Path dir;

    private final List<AutoCloseable> closing = new ArrayList<>();
    private final ExecutorService executor = Executors.newCachedThreadPool();

    @AfterEach
    void tearDown() throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
        executor.shutdownNow();
    }

    private HttpTransport transport(Map<String, String> settings) {
        HttpTransport t = new HttpTransport(HttpTransportConfig.from(DefaultMicroConfig.of(settings)));
        closing.add(t);
        return t;
    }

    private HttpTransport transport() {
        return transport(Map.of("micro.transport.http.io-threads", "2"));
    }

    private HttpListener listen(HttpTransport t, Transport.Handler handler) {
        HttpListener l = (HttpListener) t.listen("127.0.0.1:0", handler);
        closing.add(l);
        return l;
    }

    /** Answers every call with its body upper-cased and {@code Via: h2} or {@code Via: http/1.1}, from a pool thread. */
    private HttpListener upperServer(HttpTransport t) {
        return listen(t, ex -> executor.execute(() -> ex.reply(new Message(
                Metadata.of("Content-Type", "text/plain", "Via", ex instanceof Http2Exchange ? "h2" : "http/1.1",
                        "Micro-Id", ex.request().header().get("Micro-Id")),
                new String(ex.request().body(), StandardCharsets.UTF_8).toUpperCase().getBytes(StandardCharsets.UTF_8)))));
    }

    private static Node ourNode(String address) {
        return new Node("n-" + address, address, Map.of("transport", "http", "streams", "h2", "calls", "h2"));
    }

    private static Message request(String body) {
        return new Message(Metadata.of("Micro-Service", "greeter", "Micro-Endpoint", "Greeter.Hello",
                "Content-Type", "text/plain", "Micro-Id", body), body.getBytes(StandardCharsets.UTF_8));
    }

    private static Message call(Transport client, Node node, String body) {
        return client.send(node, request(body), Duration.ofSeconds(5)).orTimeout(10, TimeUnit.SECONDS).join();
    }

    private static String text(Message m) {
        return new String(m.body(), StandardCharsets.UTF_8);
    }

    @Test
    void ourListenersSayTheyTakeCallsOnH2() {
        assertThat(transport().nodeMetadata()).containsEntry("calls", "h2").containsEntry("streams", "h2");
    }

    @Test
    void callsInFlightToOneNodeShareOneConnection() {
        HttpListener l = upperServer(transport());
        HttpTransport client = transport();
        Node node = ourNode(l.address());

        List<CompletableFuture<Message>> calls = IntStream.range(0, 200)
                .mapToObj(i -> CompletableFuture.supplyAsync(() -> client.send(node, request("c" + i),
                        Duration.ofSeconds(10)), executor).thenCompose(f -> f))
                .toList();
        for (int i = 0; i < calls.size(); i++) {
            Message answer = calls.get(i).orTimeout(20, TimeUnit.SECONDS).join();
            assertThat(text(answer)).isEqualTo("C" + i);
            assertThat(answer.header().get("Via")).isEqualTo("h2");
            assertThat(answer.header().get("Micro-Id")).isEqualTo("c" + i);
        }

        assertThat(client.h2Dialed(l.address())).isEqualTo(1);
        assertThat(client.openConnections(l.address())).isZero(); // no HTTP/1.1 pool was used
        assertThat(l.connections()).isEqualTo(1);
        // and the next call reuses it
        assertThat(text(call(client, node, "again"))).isEqualTo("AGAIN");
        assertThat(client.h2Dialed(l.address())).isEqualTo(1);
    }

    @Test
    void goMicroNodesAndTheSendByAddressGetHttp1() {
        HttpListener l = upperServer(transport());
        HttpTransport client = transport();

        Message go = call(client, new Node("go-1", l.address(), Map.of("transport", "http")), "go");
        Message plain = client.send(l.address(), request("plain"), Duration.ofSeconds(5)).join();

        assertThat(go.header().get("Via")).isEqualTo("http/1.1");
        assertThat(plain.header().get("Via")).isEqualTo("http/1.1");
        assertThat(client.h2Dialed(l.address())).isZero();
    }

    @Test
    void h2CallsFalseKeepsEveryCallOnHttp1() {
        HttpListener l = upperServer(transport());
        HttpTransport client = transport(Map.of("micro.transport.http.h2-calls", "false"));
        assertThat(client.config().h2Calls()).isFalse();

        assertThat(call(client, ourNode(l.address()), "f").header().get("Via")).isEqualTo("http/1.1");
        assertThat(client.h2Dialed(l.address())).isZero();

        assertThat(HttpTransportConfig.from(DefaultMicroConfig.of(Map.of())).h2Calls()).isTrue();
        assertThatThrownBy(() -> HttpTransportConfig.from(DefaultMicroConfig.of(Map.of(
                "micro.transport.http.h2-calls", "sometimes")))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("micro.transport.http.h2-calls").hasMessageContaining("true or false");
    }

    @Test
    void errorsArriveAsOverHttp1() {
        HttpListener l = listen(transport(), ex -> {
            String what = text(ex.request());
            if (what.equals("micro-error")) {
                ex.reply(HttpWire.errorMessage(new MicroException("go.micro.server", "no such endpoint", 404)));
            } else if (what.equals("empty")) {
                ex.reply(new Message(Metadata.of("Content-Type", "text/plain"), null));
            } else {
                ex.reply(404, new Message(Metadata.of("Content-Type", "text/plain"),
                        "nothing here".getBytes(StandardCharsets.UTF_8)));
            }
        });
        HttpTransport client = transport();
        Node node = ourNode(l.address());

        // a Go Micro error is an answer: the client decodes it from its header, as over HTTP/1.1
        Message error = call(client, node, "micro-error");
        assertThat(error.header().get("Micro-Error")).contains("\"code\":404").contains("no such endpoint");
        assertThat(call(client, node, "empty").body()).isEmpty();
        // a bare status fails the call as Go Micro's client reports it
        assertThatThrownBy(() -> call(client, node, "other")).cause().isInstanceOfSatisfying(MicroException.class,
                x -> {
                    assertThat(x.code()).isEqualTo(500);
                    assertThat(x.detail()).isEqualTo("404 Not Found: nothing here");
                });
        assertThat(client.h2Dialed(l.address())).isEqualTo(1);
    }

    @Test
    void largeBodiesPassFlowControlBothWays() {
        HttpListener l = listen(transport(), ex -> executor.execute(() -> {
            byte[] in = ex.request().body();
            byte[] out = new byte[in.length * 2];
            System.arraycopy(in, 0, out, 0, in.length);
            System.arraycopy(in, 0, out, in.length, in.length);
            ex.reply(new Message(Metadata.of("Content-Type", "application/octet-stream"), out));
        }));
        HttpTransport client = transport();
        Node node = ourNode(l.address());
        byte[] big = new byte[3 * 1024 * 1024 + 17];
        Arrays.fill(big, (byte) 'x');
        big[big.length - 1] = 'y';

        List<CompletableFuture<Message>> calls = IntStream.range(0, 4)
                .mapToObj(i -> client.send(node, new Message(Metadata.of("Content-Type", "application/octet-stream"),
                        big), Duration.ofSeconds(20)))
                .toList();

        for (CompletableFuture<Message> c : calls) {
            byte[] got = c.orTimeout(30, TimeUnit.SECONDS).join().body();
            assertThat(got).hasSize(big.length * 2);
            assertThat(got[big.length - 1]).isEqualTo((byte) 'y');
            assertThat(got[got.length - 1]).isEqualTo((byte) 'y');
        }
        // the windows were handed back: the connection carries on with small calls
        assertThat(call(client, node, "").body()).hasSize(0);
        assertThat(client.h2Dialed(l.address())).isEqualTo(1);
    }

    @Test
    void aTimeoutResetsOnlyItsStream() {
        List<Exchange> parked = new ArrayList<>();
        HttpListener l = listen(transport(), ex -> {
            if (text(ex.request()).equals("slow")) {
                synchronized (parked) {
                    parked.add(ex); // never answered in time
                }
            } else {
                ex.reply(new Message(Metadata.of("Content-Type", "text/plain"), ex.request().body()));
            }
        });
        HttpTransport client = transport();
        Node node = ourNode(l.address());

        CompletableFuture<Message> slow = client.send(node, request("slow"), Duration.ofMillis(500));
        await().atMost(Duration.ofSeconds(5)).until(() -> {
            synchronized (parked) {
                return parked.size() == 1;
            }
        });
        assertThatThrownBy(() -> slow.orTimeout(10, TimeUnit.SECONDS).join()).cause()
                .isInstanceOfSatisfying(TransportTimeoutException.class, e -> {
                    assertThat(e.requestSent()).isTrue();
                    assertThat(e.getMessage()).contains("timed out after 500 ms");
                });

        assertThat(text(call(client, node, "fast"))).isEqualTo("fast");
        assertThat(client.h2Dialed(l.address())).isEqualTo(1);
        assertThat(l.connections()).isEqualTo(1);
        // the late answer of the reset stream goes nowhere, and hurts nothing
        synchronized (parked) {
            parked.forEach(ex -> ex.reply(new Message(Metadata.of("Content-Type", "text/plain"),
                    "late".getBytes(StandardCharsets.UTF_8))));
        }
        assertThat(text(call(client, node, "after"))).isEqualTo("after");
        await().atMost(Duration.ofSeconds(5)).until(() -> client.h2Connections(l.address()) == 1);
    }

    @Test
    void aConnectionInUseOutlivesThePoolTtlAndClosesOnceUnusedForIt() {
        HttpListener l = upperServer(transport());
        HttpTransport client = transport(Map.of("micro.transport.http.pool-ttl", "300ms"));
        Node node = ourNode(l.address());

        // one call at a time for three times the ttl: the connection goes idle between calls, never for the ttl
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(900);
        int n = 0;
        while (System.nanoTime() < end) {
            assertThat(text(call(client, node, "k" + n))).isEqualTo("K" + n);
            n++;
        }
        assertThat(client.h2Dialed(l.address())).isEqualTo(1);

        await().atMost(Duration.ofSeconds(10)).until(() -> client.h2Connections(l.address()) == 0
                && l.connections() == 0);
        // the next call dials again
        assertThat(text(call(client, node, "later"))).isEqualTo("LATER");
        assertThat(client.h2Connections(l.address())).isEqualTo(1);
    }

    @Test
    void theServerClosingBreaksTheCallsInFlightSayingTheyWereSent() {
        AtomicInteger arrived = new AtomicInteger();
        HttpListener l = listen(transport(), ex -> arrived.incrementAndGet()); // never answers
        HttpTransport client = transport();
        Node node = ourNode(l.address());
        List<CompletableFuture<Message>> calls = IntStream.range(0, 5)
                .mapToObj(i -> client.send(node, request("k" + i), Duration.ofSeconds(30))).toList();
        await().atMost(Duration.ofSeconds(5)).until(() -> arrived.get() == 5);

        l.close();

        for (CompletableFuture<Message> c : calls) {
            assertThatThrownBy(() -> c.orTimeout(10, TimeUnit.SECONDS).join()).cause()
                    .isInstanceOfSatisfying(TransportException.class, e -> {
                        assertThat(e.requestSent()).isTrue();
                        assertThat(e.getMessage()).contains("closed");
                    });
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> client.h2Connections(l.address()) == 0);
    }

    @Test
    void aRefusedStreamSaysNothingWasProcessed() throws Exception {
        // a server of another make that refuses every stream (RFC 9113 section 8.7: the request was not processed)
        NioEventLoopGroup group = new NioEventLoopGroup(1);
        closing.add(() -> group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly());
        Map<Integer, Boolean> seen = new ConcurrentHashMap<>();
        Channel server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(Http2FrameCodecBuilder.forServer().build(),
                                new ChannelInboundHandlerAdapter() {
                                    @Override
                                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                        if (msg instanceof Http2HeadersFrame h && seen.put(h.stream().id(), true) == null) {
                                            ctx.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.REFUSED_STREAM)
                                                    .stream(h.stream()));
                                        }
                                        ReferenceCountUtil.release(msg);
                                    }
                                });
                    }
                }).bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).syncUninterruptibly().channel();
        closing.add(() -> server.close().syncUninterruptibly());
        String address = "127.0.0.1:" + ((InetSocketAddress) server.localAddress()).getPort();
        HttpTransport client = transport();

        assertThatThrownBy(() -> client.send(ourNode(address), request("r"), Duration.ofSeconds(5))
                .orTimeout(10, TimeUnit.SECONDS).join()).cause().isInstanceOfSatisfying(TransportException.class,
                        e -> {
                            assertThat(e.requestSent()).isFalse();
                            assertThat(e.getMessage()).contains("REFUSED_STREAM");
                        });
        assertThat(seen).hasSize(1);
    }

    @Test
    void dialFailuresSayNothingWasSent() throws Exception {
        HttpTransport client = transport();
        int port;
        try (ServerSocket gone = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = gone.getLocalPort();
        }
        assertThatThrownBy(() -> client.send(ourNode("127.0.0.1:" + port), request("d"), Duration.ofSeconds(5))
                .join()).cause().isInstanceOfSatisfying(TransportException.class,
                        e -> assertThat(e.requestSent()).isFalse());
    }

    @Test
    void tlsAgreesOnH2ThroughAlpnAndCallsOverIt() throws Exception {
        TestCerts pki = TestCerts.create(dir);
        HttpListener l = upperServer(transport(Map.of(HttpTlsConfig.CERT, pki.serverCert().toString(),
                HttpTlsConfig.KEY, pki.serverKey().toString(), HttpTlsConfig.TRUST, pki.ca().toString())));
        HttpTransport client = transport(Map.of(HttpTlsConfig.TRUST, pki.ca().toString()));
        Node node = ourNode(l.address());

        List<CompletableFuture<Message>> calls = IntStream.range(0, 50)
                .mapToObj(i -> client.send(node, request("t" + i), Duration.ofSeconds(10))).toList();

        for (int i = 0; i < calls.size(); i++) {
            Message answer = calls.get(i).orTimeout(20, TimeUnit.SECONDS).join();
            assertThat(text(answer)).isEqualTo("T" + i);
            assertThat(answer.header().get("Via")).isEqualTo("h2");
        }
        assertThat(l.connections()).isEqualTo(1);
        assertThat(client.h2Dialed(l.address())).isEqualTo(1);
    }
}
