package io.microcdi.transport.http;

import io.microcdi.internal.config.DefaultMicroConfig;
import io.microcdi.metadata.Metadata;
import io.microcdi.registry.Node;
import io.microcdi.transport.StreamingExchange;
import io.microcdi.transport.Message;
import io.microcdi.transport.MessageStream;
import io.microcdi.transport.TransportException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The graceful release of streams on HTTP/2 ({@link Http2ServerStream}, {@link Http2ClientStream}):
 * what a side sent before its release reaches a slow peer whole, a peer still sending is stopped only once our end
 * is on the wire, and a peer that takes no part is reset after the release cap, which frees the stream's slot on
 * the server connection and in the client's pool. Real sockets on loopback.
 */
class Http2ReleaseTest {

    private final List<AutoCloseable> closing = new ArrayList<>();
    private final ExecutorService executor = Executors.newCachedThreadPool();

    @AfterEach
    void tearDown() throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
        executor.shutdownNow();
    }

    private HttpTransport transport(String streamIdle) {
        Map<String, String> settings = new HashMap<>();
        settings.put("micro.transport.http.io-threads", "2");
        settings.put("micro.transport.stream-idle-timeout", streamIdle);
        HttpTransport t = new HttpTransport(HttpTransportConfig.from(DefaultMicroConfig.of(settings)));
        closing.add(t);
        return t;
    }

    /** A client stream on HTTP/2 and the server's side of it. */
    private record Pair(Http2ClientStream client, Http2ServerStream server, String address) {
    }

    private Pair open(HttpTransport serverTransport, HttpTransport clientTransport) {
        CompletableFuture<MessageStream> server = new CompletableFuture<>();
        HttpListener l = (HttpListener) serverTransport.listen("127.0.0.1:0", ex -> server.complete(((StreamingExchange) ex).stream()));
        closing.add(l);
        Message open = new Message(Metadata.of("Micro-Service", "echo", "Micro-Endpoint", "Echo.Stream",
                "Content-Type", "application/octet-stream", MessageStream.STREAM_HEADER, "r1"), null);
        MessageStream c = clientTransport.stream(new Node("n", l.address(), Map.of("streams", "h2")), open,
                Duration.ofSeconds(5)).orTimeout(10, TimeUnit.SECONDS).join();
        MessageStream s = server.orTimeout(10, TimeUnit.SECONDS).join();
        return new Pair((Http2ClientStream) c, (Http2ServerStream) s, l.address());
    }

    /** {@code count} numbered messages of {@code size} bytes, then the end. */
    private static StreamParts.Source numbered(long count, int size) {
        return new StreamParts.Source(count, i -> new Message(Metadata.of(MessageStream.STREAM_HEADER, "r1",
                "Content-Type", "application/octet-stream"), ByteBuffer.allocate(size).putInt(0, (int) i).array()));
    }

    private static void assertInOrder(StreamParts.Sink got, int count) {
        assertThat(got.items).hasSize(count);
        for (int i = 0; i < count; i++) {
            assertThat(ByteBuffer.wrap(got.items.get(i).body()).getInt()).isEqualTo(i);
        }
    }

    /** {@code [HTTP/2 streams open, exchanges in flight]} on the server connection of {@code st}. */
    private static int[] load(Http2ServerStream st) throws Exception {
        return st.loop().submit(st::connectionLoad).get(5, TimeUnit.SECONDS);
    }

    private static int reserved(Http2ClientStream cs) throws Exception {
        return cs.loop().submit(() -> cs.connection().reservedStreams()).get(5, TimeUnit.SECONDS);
    }

    @Test
    void aStreamTheClientEndedFirstLeavesTheServerConnectionWhenTheServerEnds() throws Exception {
        Pair p = open(transport("5m"), transport("5m"));
        StreamParts.Sink atClient = new StreamParts.Sink(Long.MAX_VALUE);
        p.client().receive(atClient, executor);
        p.client().send(numbered(3, 16)); // the client says three things and ends (END_STREAM) first
        StreamParts.Sink atServer = new StreamParts.Sink(Long.MAX_VALUE);
        p.server().receive(atServer, executor);
        atServer.done.get(10, TimeUnit.SECONDS);
        p.server().send(numbered(5, 16)); // the server answers afterwards, then ends: the HTTP/2 stream closes
        atClient.done.get(10, TimeUnit.SECONDS);
        assertInOrder(atClient, 5);
        // the closed stream leaves the server connection: no entry, nothing in flight (a draining connection closes)
        await().atMost(Duration.ofSeconds(10)).until(() -> load(p.server())[0] == 0 && load(p.server())[1] == 0);
        await().atMost(Duration.ofSeconds(10)).until(() -> reserved(p.client()) == 0);
    }

    @Test
    void serverReleaseDeliversEverythingToASlowClient() throws Exception {
        Pair p = open(transport("5m"), transport("5m"));
        StreamParts.Sink atClient = new StreamParts.Sink(0); // slow: reads nothing yet
        p.client().receive(atClient, executor);
        p.client().send(new StreamParts.Never()); // the client may still send
        StreamParts.Sink atServer = new StreamParts.Sink(0);
        p.server().receive(atServer, executor);
        await().until(atServer::subscribed);
        atServer.cancel(); // the server reads no more...
        p.server().send(numbered(40, 8192)); // ...and sends 320 KiB, more than the client's window, then its end
        await().atMost(Duration.ofSeconds(10)).until(p.server()::over);

        atClient.request(Long.MAX_VALUE);
        atClient.done.get(10, TimeUnit.SECONDS); // completes: the end was not lost to a reset
        assertInOrder(atClient, 40);
        // the server stopped the client's direction once its own end was out; the stream is closed both sides
        await().atMost(Duration.ofSeconds(10)).until(() -> load(p.server())[0] == 0 && load(p.server())[1] == 0);
        await().atMost(Duration.ofSeconds(10)).until(() -> reserved(p.client()) == 0);
    }

    @Test
    void clientReleaseDeliversEverythingWhileTheServerStillWrites() throws Exception {
        Pair p = open(transport("5m"), transport("5m"));
        StreamParts.Sink atServer = new StreamParts.Sink(0); // a slow server reader
        p.server().receive(atServer, executor);
        StreamParts.Source replies = numbered(Long.MAX_VALUE, 64); // endless replies
        p.server().send(replies);
        StreamParts.Sink atClient = new StreamParts.Sink(1);
        p.client().receive(atClient, executor);
        await().atMost(Duration.ofSeconds(10)).until(() -> atClient.items.size() == 1);
        atClient.cancel(); // the client wants no more replies
        p.client().send(numbered(300, 64)); // and sends 300, then its end
        await().atMost(Duration.ofSeconds(10)).until(p.client()::over);
        // the server keeps writing: the client reads and drops, and cuts the server off once its own end is out
        await().atMost(Duration.ofSeconds(10)).until(() -> reserved(p.client()) == 0);

        atServer.request(Long.MAX_VALUE);
        atServer.done.get(10, TimeUnit.SECONDS);
        assertInOrder(atServer, 300);
        await().atMost(Duration.ofSeconds(10)).until(replies.cancelled::get);
        await().atMost(Duration.ofSeconds(10)).until(() -> load(p.server())[0] == 0 && load(p.server())[1] == 0);
    }

    @Test
    void serverReleaseToAClientThatNeverReadsIsCutAtTheCap() throws Exception {
        Pair p = open(transport("500ms"), transport("0"));
        StreamParts.Sink atClient = new StreamParts.Sink(0); // a stuck caller: reads nothing, ever
        p.client().receive(atClient, executor);
        p.client().send(numbered(0, 0)); // it has finished sending
        StreamParts.Sink atServer = new StreamParts.Sink();
        p.server().receive(atServer, executor);
        atServer.done.get(10, TimeUnit.SECONDS);
        p.server().send(numbered(Long.MAX_VALUE, 1024)); // until the client's window closes

        // idle: the 408 and END_STREAM wait behind the closed window, the stream stays open while the release waits
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10)).until(p.server()::releasing);
        assertThat(load(p.server())[0]).isEqualTo(1);
        // ...then the release cap resets it: the server's stream slot and in-flight count are free again
        long start = System.nanoTime();
        await().atMost(Duration.ofSeconds(10)).until(() -> !p.server().releasing());
        assertThat(load(p.server())).containsExactly(0, 0);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(5_000);
        // the client sees the reset; its pool slot is free too
        await().atMost(Duration.ofSeconds(10)).until(p.client()::over);
        await().atMost(Duration.ofSeconds(10)).until(() -> reserved(p.client()) == 0);
        atClient.request(Long.MAX_VALUE);
        await().atMost(Duration.ofSeconds(10)).until(atClient.done::isDone);
        assertThat(atClient.error()).isInstanceOf(TransportException.class);
    }

    @Test
    void clientReleaseToAServerThatNeverReadsIsCutAtTheCap() throws Exception {
        HttpTransport clients = transport("500ms");
        Pair p = open(transport("0"), clients);
        StreamParts.Sink atServer = new StreamParts.Sink(0); // a stuck handler: reads nothing, ever
        p.server().receive(atServer, executor);
        p.server().send(numbered(0, 0)); // it has finished sending
        StreamParts.Sink atClient = new StreamParts.Sink();
        p.client().receive(atClient, executor);
        atClient.done.get(10, TimeUnit.SECONDS);
        p.client().send(numbered(Long.MAX_VALUE, 1024)); // until the server's window closes

        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10)).until(p.client()::releasing);
        assertThat(reserved(p.client())).isEqualTo(1); // the pool slot is held while the stream is open
        await().atMost(Duration.ofSeconds(10)).until(() -> reserved(p.client()) == 0);
        assertThat(clients.h2Connections(p.address())).isEqualTo(1); // the connection serves on
        // the server sees the reset: its stream is over and its slot free
        await().atMost(Duration.ofSeconds(10)).until(p.server()::over);
        await().atMost(Duration.ofSeconds(10)).until(() -> load(p.server())[0] == 0 && load(p.server())[1] == 0);
    }
}
