package io.microcdi.transport.http;

import io.microcdi.config.ConfigException;
import io.microcdi.errors.MicroException;
import io.microcdi.internal.config.DefaultMicroConfig;
import io.microcdi.metadata.Metadata;
import io.microcdi.registry.Node;
import io.microcdi.transport.StreamingExchange;
import io.microcdi.transport.Message;
import io.microcdi.transport.MessageStream;
import io.microcdi.transport.TransportException;
import io.microcdi.transport.TransportTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The client side of streams on HTTP/2 ({@link Http2ClientStream}, {@link Http2ClientConnection}, {@link Http2Pool})
 * against our own listener on loopback: streams to one address share one connection, the node's {@code streams=h2}
 * and {@code micro.transport.http.h2-streams} pick the protocol, TLS agrees on h2 through ALPN, cancellation and flow
 * control reach the other side, and a closed connection breaks its streams.
 */
class Http2ClientStreamTest {

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

    /** A listener whose every request becomes a stream handed to {@code onStream}. */
    private HttpListener streamServer(HttpTransport t, Consumer<MessageStream> onStream) {
        HttpListener l = (HttpListener) t.listen("127.0.0.1:0", ex -> onStream.accept(((StreamingExchange) ex).stream()));
        closing.add(l);
        return l;
    }

    /** Every stream echoes back upper-cased. */
    private HttpListener echoServer(HttpTransport t) {
        return streamServer(t, s -> StreamParts.Echo.on(s, "e", executor));
    }

    private static Node h2Node(String address) {
        return new Node("n-" + address, address, Map.of("streams", "h2"));
    }

    private static Message open(String id) {
        return new Message(Metadata.of("Micro-Service", "echo", "Micro-Endpoint", "Echo.Stream", "Content-Type",
                "text/plain", MessageStream.STREAM_HEADER, id), null);
    }

    private MessageStream openOn(HttpTransport client, Node node, String id) {
        return client.stream(node, open(id), Duration.ofSeconds(5)).orTimeout(10, TimeUnit.SECONDS).join();
    }

    /** Sends {@code n} messages and ends; returns what came back. */
    private StreamParts.Sink echo(MessageStream s, String id, int n) {
        StreamParts.Sink got = new StreamParts.Sink();
        s.receive(got, executor);
        s.send(new StreamParts.Source(n, i -> StreamParts.message(id, id + "-m" + i)));
        return got;
    }

    @Test
    void aHundredConcurrentStreamsToOneAddressShareOneConnection() {
        HttpListener l = echoServer(transport());
        HttpTransport client = transport();
        Node node = h2Node(l.address());

        List<CompletableFuture<MessageStream>> opening = IntStream.range(0, 100)
                .mapToObj(i -> CompletableFuture.supplyAsync(() -> client.stream(node, open("s" + i),
                        Duration.ofSeconds(5)), executor).thenCompose(f -> f))
                .toList();
        List<MessageStream> streams = opening.stream().map(f -> f.orTimeout(10, TimeUnit.SECONDS).join()).toList();

        // all hundred are open at once (none has sent a message yet), on one TCP connection
        assertThat(streams).allMatch(s -> s instanceof Http2ClientStream);
        await().atMost(Duration.ofSeconds(5)).until(() -> l.connections() == 1);
        assertThat(client.h2Dialed(l.address())).isEqualTo(1);
        assertThat(client.h2Connections(l.address())).isEqualTo(1);

        List<StreamParts.Sink> sinks = new ArrayList<>();
        for (int i = 0; i < streams.size(); i++) {
            sinks.add(echo(streams.get(i), "s" + i, 20));
        }
        for (int i = 0; i < sinks.size(); i++) {
            sinks.get(i).done.orTimeout(20, TimeUnit.SECONDS).join();
            int n = i;
            assertThat(sinks.get(i).texts()).containsExactlyElementsOf(
                    IntStream.range(0, 20).mapToObj(k -> ("s" + n + "-m" + k).toUpperCase()).toList());
        }
        assertThat(l.connections()).isEqualTo(1);
        assertThat(client.h2Dialed(l.address())).isEqualTo(1);

        // and the next stream reuses it
        StreamParts.Sink again = echo(openOn(client, node, "next"), "next", 3);
        again.done.orTimeout(10, TimeUnit.SECONDS).join();
        assertThat(again.texts()).containsExactly("NEXT-M0", "NEXT-M1", "NEXT-M2");
        assertThat(client.h2Dialed(l.address())).isEqualTo(1);
    }

    @Test
    void aNodeWithoutStreamsH2GetsAnHttp1StreamAsGoMicroNodesDo() {
        HttpTransport server = transport();
        HttpListener l = echoServer(server);
        assertThat(server.nodeMetadata()).containsEntry("streams", "h2");
        HttpTransport client = transport();

        MessageStream s = openOn(client, new Node("go-1", l.address(), Map.of("transport", "http")), "g1");

        assertThat(s).isInstanceOf(Http1Stream.class);
        StreamParts.Sink got = echo(s, "g1", 2);
        got.done.orTimeout(10, TimeUnit.SECONDS).join();
        assertThat(got.texts()).containsExactly("G1-M0", "G1-M1");
        assertThat(client.h2Dialed(l.address())).isZero();
    }

    @Test
    void h2StreamsFalseKeepsEveryStreamOnHttp1() {
        HttpListener l = echoServer(transport());
        HttpTransport client = transport(Map.of("micro.transport.http.h2-streams", "false"));
        assertThat(client.config().h2Streams()).isFalse();

        MessageStream s = openOn(client, h2Node(l.address()), "f1");

        assertThat(s).isInstanceOf(Http1Stream.class);
        StreamParts.Sink got = echo(s, "f1", 2);
        got.done.orTimeout(10, TimeUnit.SECONDS).join();
        assertThat(got.texts()).containsExactly("F1-M0", "F1-M1");
        assertThat(client.h2Dialed(l.address())).isZero();
        assertThat(HttpTransportConfig.from(DefaultMicroConfig.of(Map.of())).h2Streams()).isTrue();
        assertThatThrownBy(() -> HttpTransportConfig.from(DefaultMicroConfig.of(Map.of(
                "micro.transport.http.h2-streams", "maybe")))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("micro.transport.http.h2-streams").hasMessageContaining("true or false");
    }

    @Test
    void tlsAgreesOnH2ThroughAlpnAndStreamsOverIt() throws Exception {
        TestCerts pki = TestCerts.create(dir);
        Map<String, String> serverTls = Map.of(HttpTlsConfig.CERT, pki.serverCert().toString(),
                HttpTlsConfig.KEY, pki.serverKey().toString(), HttpTlsConfig.TRUST, pki.ca().toString());
        HttpListener l = echoServer(transport(serverTls));
        HttpTransport client = transport(Map.of(HttpTlsConfig.TRUST, pki.ca().toString()));
        Node node = h2Node(l.address());

        MessageStream a = openOn(client, node, "t1");
        MessageStream b = openOn(client, node, "t2");

        assertThat(a).isInstanceOf(Http2ClientStream.class);
        StreamParts.Sink gotA = echo(a, "t1", 500);
        StreamParts.Sink gotB = echo(b, "t2", 500);
        gotA.done.orTimeout(20, TimeUnit.SECONDS).join();
        gotB.done.orTimeout(20, TimeUnit.SECONDS).join();
        assertThat(gotA.items).hasSize(500);
        assertThat(gotB.texts().get(499)).isEqualTo("T2-M499");
        assertThat(l.connections()).isEqualTo(1);
        assertThat(client.h2Dialed(l.address())).isEqualTo(1);

        // a client that trusts another CA fails to open, saying nothing reached the server
        HttpTransport stranger = transport(Map.of(HttpTlsConfig.TRUST, pki.otherCa().toString()));
        assertThatThrownBy(() -> stranger.stream(node, open("x"), Duration.ofSeconds(5)).join())
                .cause().isInstanceOfSatisfying(TransportException.class, e -> {
                    assertThat(e.requestSent()).isFalse();
                    assertThat(e.getMessage()).contains("TLS handshake");
                });
    }

    @Test
    void cancellingResetsTheStreamFreesTheServerSideAndKeepsTheConnection() {
        StreamParts.Sink serverGot = new StreamParts.Sink();
        StreamParts.Source serverOut = new StreamParts.Source(Long.MAX_VALUE, i -> StreamParts.message("c1", "x" + i));
        HttpListener l = streamServer(transport(), s -> {
            if ("c1".equals(((HttpStream) s).streamId())) {
                s.receive(serverGot, executor);
                s.send(serverOut);
            } else {
                StreamParts.Echo.on(s, "e", executor);
            }
        });
        HttpTransport client = transport();
        Node node = h2Node(l.address());
        MessageStream s = openOn(client, node, "c1");
        StreamParts.Sink clientGot = new StreamParts.Sink();
        s.receive(clientGot, executor);
        s.send(new StreamParts.Source(1, i -> StreamParts.message("c1", "hello")));
        await().atMost(Duration.ofSeconds(10)).until(() -> serverGot.done.isDone() && clientGot.items.size() > 10);

        s.cancel();

        await().atMost(Duration.ofSeconds(10)).until(serverOut.cancelled::get);
        assertThat(serverGot.error()).isNull(); // our direction had ended (EOS) before: the server read all of it
        assertThat(clientGot.done).isNotDone(); // cancelled here: nothing more is delivered
        // one stream reset, the connection serves on
        StreamParts.Sink again = echo(openOn(client, node, "c2"), "c2", 2);
        again.done.orTimeout(10, TimeUnit.SECONDS).join();
        assertThat(again.texts()).containsExactly("C2-M0", "C2-M1");
        assertThat(client.h2Dialed(l.address())).isEqualTo(1);
    }

    @Test
    void cancellingMidStreamBreaksTheServersReceiver() {
        StreamParts.Sink serverGot = new StreamParts.Sink();
        StreamParts.Never serverOut = new StreamParts.Never();
        HttpListener l = streamServer(transport(), s -> {
            s.receive(serverGot, executor);
            s.send(serverOut);
        });
        HttpTransport client = transport();
        MessageStream s = openOn(client, h2Node(l.address()), "c3");
        s.receive(new StreamParts.Sink(), executor);
        s.send(new StreamParts.Source(Long.MAX_VALUE, i -> StreamParts.message("c3", "m" + i)));
        await().atMost(Duration.ofSeconds(10)).until(() -> serverGot.items.size() > 10);

        s.cancel();

        await().atMost(Duration.ofSeconds(10)).until(() -> serverGot.done.isDone() && serverOut.cancelled.get());
        assertThat(serverGot.error()).isInstanceOf(TransportException.class).hasMessageContaining("reset");
    }

    @Test
    void aStalledClientReceiverStopsTheServersSender() {
        String kib = "k".repeat(1024);
        StreamParts.Source serverOut = new StreamParts.Source(Long.MAX_VALUE,
                i -> StreamParts.message("w1", i + ":" + kib));
        HttpListener l = streamServer(transport(), s -> {
            s.receive(new StreamParts.Sink(), executor);
            s.send(serverOut);
        });
        HttpTransport client = transport();
        MessageStream s = openOn(client, h2Node(l.address()), "w1");
        StreamParts.Sink clientGot = new StreamParts.Sink(0); // asks for nothing
        s.receive(clientGot, executor);
        s.send(new StreamParts.Never());

        long stalled = awaitStalled(serverOut.emitted);
        // the stream window (64 KiB), our prefetch and the server's queue: far from endless
        assertThat(stalled).isLessThan(2_000);
        assertThat(clientGot.items).isEmpty();

        clientGot.request(stalled + 500);
        await().atMost(Duration.ofSeconds(20)).until(() -> clientGot.items.size() == stalled + 500);
        for (int i = 0; i < clientGot.items.size(); i++) {
            assertThat(StreamParts.text(clientGot.items.get(i))).startsWith(i + ":");
        }
        s.cancel();
    }

    @Test
    void aStalledServerReceiverStopsTheClientsSender() {
        StreamParts.Sink serverGot = new StreamParts.Sink(0);
        HttpListener l = streamServer(transport(), s -> {
            s.receive(serverGot, executor);
            s.send(new StreamParts.Source(0, i -> null));
        });
        HttpTransport client = transport();
        MessageStream s = openOn(client, h2Node(l.address()), "w2");
        String kib = "k".repeat(1024);
        StreamParts.Source clientOut = new StreamParts.Source(Long.MAX_VALUE,
                i -> StreamParts.message("w2", i + ":" + kib));
        StreamParts.Sink clientGot = new StreamParts.Sink();
        s.receive(clientGot, executor);
        s.send(clientOut);

        long stalled = awaitStalled(clientOut.emitted);
        assertThat(stalled).isLessThan(2_000);
        await().atMost(Duration.ofSeconds(5)).until(serverGot::subscribed);
        assertThat(serverGot.items).isEmpty();

        clientOut.limit(stalled + 500); // the client ends its direction there
        serverGot.request(Long.MAX_VALUE);
        serverGot.done.orTimeout(20, TimeUnit.SECONDS).join();
        assertThat(serverGot.items).hasSize((int) stalled + 500);
        clientGot.done.orTimeout(10, TimeUnit.SECONDS).join();
    }

    @Test
    void theServerClosingTheConnectionBreaksEveryStreamOnIt() {
        HttpListener l = streamServer(transport(), s -> {
            s.receive(new StreamParts.Sink(), executor);
            s.send(new StreamParts.Never());
        });
        HttpTransport client = transport();
        Node node = h2Node(l.address());
        List<StreamParts.Sink> sinks = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            MessageStream s = openOn(client, node, "k" + i);
            StreamParts.Sink got = new StreamParts.Sink();
            s.receive(got, executor);
            s.send(new StreamParts.Never());
            sinks.add(got);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> l.connections() == 1);

        l.close();

        for (StreamParts.Sink got : sinks) {
            got.done.handle((v, e) -> e).orTimeout(10, TimeUnit.SECONDS).join();
            assertThat(got.error()).isInstanceOf(TransportException.class).hasMessageContaining("closed");
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> client.h2Connections(l.address()) == 0);
    }

    @Test
    void anOrdinaryErrorAnswerFailsTheReceiverWithIt() {
        HttpTransport server = transport();
        HttpListener l = (HttpListener) server.listen("127.0.0.1:0",
                ex -> ex.reply(HttpWire.errorMessage(new MicroException("go.micro.server", "no such stream", 404))));
        closing.add(l);
        HttpTransport client = transport();

        MessageStream s = openOn(client, h2Node(l.address()), "o1");
        StreamParts.Sink got = new StreamParts.Sink();
        s.receive(got, executor);
        s.send(new StreamParts.Never());

        got.done.handle((v, e) -> e).orTimeout(10, TimeUnit.SECONDS).join();
        assertThat(got.error()).isInstanceOfSatisfying(MicroException.class, e -> {
            assertThat(e.code()).isEqualTo(404);
            assertThat(e.detail()).isEqualTo("no such stream");
        });
    }

    @Test
    void anUnusedConnectionClosesAfterThePoolTtl() {
        HttpListener l = echoServer(transport());
        Map<String, String> settings = new HashMap<>(Map.of("micro.transport.http.pool-ttl", "200ms"));
        HttpTransport client = transport(settings);

        StreamParts.Sink got = echo(openOn(client, h2Node(l.address()), "i1"), "i1", 2);
        got.done.orTimeout(10, TimeUnit.SECONDS).join();

        await().atMost(Duration.ofSeconds(10)).until(() -> client.h2Connections(l.address()) == 0
                && l.connections() == 0);
    }

    @Test
    void disconnectClosesTheConnectionOnceItsLastStreamEnded() {
        HttpListener l = echoServer(transport());
        HttpTransport client = transport();
        Node node = h2Node(l.address());
        MessageStream s = openOn(client, node, "d1");
        StreamParts.Sink got = new StreamParts.Sink();
        s.receive(got, executor);
        StreamParts.Source out = new StreamParts.Source(Long.MAX_VALUE, i -> StreamParts.message("d1", "m" + i));
        s.send(out);
        await().atMost(Duration.ofSeconds(10)).until(() -> got.items.size() > 5);

        client.disconnect(l.address());
        assertThat(l.connections()).isEqualTo(1); // the stream goes on

        out.limit(out.emitted.get() + 10);
        got.done.orTimeout(10, TimeUnit.SECONDS).join();
        await().atMost(Duration.ofSeconds(10)).until(() -> l.connections() == 0);
    }

    @Test
    void dialFailuresSayNothingWasSent() throws Exception {
        HttpTransport client = transport();
        int port;
        try (ServerSocket gone = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = gone.getLocalPort();
        }
        assertThatThrownBy(() -> client.stream(h2Node("127.0.0.1:" + port), open("r"), Duration.ofSeconds(5))
                .join()).cause().isInstanceOfSatisfying(TransportException.class,
                        e -> assertThat(e.requestSent()).isFalse());

        // a socket that accepts and never answers the TLS handshake: the stream's own timeout
        TestCerts pki = TestCerts.create(dir);
        HttpTransport tlsClient = transport(Map.of(HttpTlsConfig.TRUST, pki.ca().toString()));
        try (ServerSocket mute = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            String address = "127.0.0.1:" + mute.getLocalPort();
            assertThatThrownBy(() -> tlsClient.stream(h2Node(address), open("t"), Duration.ofMillis(300)).join())
                    .cause().isInstanceOfSatisfying(TransportTimeoutException.class,
                            e -> assertThat(e.requestSent()).isFalse());
        }
    }

    /** Waits until {@code counter} stops moving (two polls 200 ms apart see the same value) and returns it. */
    private static long awaitStalled(AtomicLong counter) {
        long[] last = {-1};
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).until(() -> {
            long now = counter.get();
            boolean same = now > 0 && now == last[0];
            last[0] = now;
            return same;
        });
        return last[0];
    }
}
