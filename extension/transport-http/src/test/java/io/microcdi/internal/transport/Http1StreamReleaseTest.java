package io.microcdi.internal.transport;

import io.microcdi.internal.config.DefaultMicroConfig;
import io.microcdi.testing.transport.StreamProbes.Recorder;
import io.microcdi.testing.transport.StreamProbes.Silent;
import io.microcdi.metadata.Metadata;
import io.microcdi.registry.Node;
import io.microcdi.transport.StreamingExchange;
import io.microcdi.transport.Listener;
import io.microcdi.transport.Message;
import io.microcdi.transport.MessageStream;
import io.microcdi.transport.http.HttpTransport;
import io.microcdi.transport.http.HttpTransportConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * How an HTTP/1.1 stream connection is let go when one side is done while the other still sends or has not read
 * yet: nothing either side sent before its end is lost to a reset, and a peer that shows no sign of life does not
 * keep the connection open beyond the stream idle timeout.
 */
class Http1StreamReleaseTest {

    private final List<AutoCloseable> closing = new ArrayList<>();
    private final ExecutorService clientThread = Executors.newSingleThreadExecutor();
    private final ExecutorService serverThread = Executors.newSingleThreadExecutor();

    @AfterEach
    void close() throws Exception {
        clientThread.shutdownNow();
        serverThread.shutdownNow();
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
    }

    private HttpTransport transport(String idle) {
        HttpTransport t = new HttpTransport(HttpTransportConfig.from(DefaultMicroConfig.of(
                Map.of("micro.transport.stream-idle-timeout", idle))));
        closing.add(t);
        return t;
    }

    private MessageStream[] open(String clientIdle, String serverIdle) throws Exception {
        CompletableFuture<MessageStream> server = new CompletableFuture<>();
        Listener l = transport(serverIdle).listen("127.0.0.1:0", ex -> server.complete(((StreamingExchange) ex).stream()));
        closing.add(l);
        Message open = new Message(Metadata.of("Content-Type", "application/octet-stream",
                "Micro-Endpoint", "Echo.Stream", MessageStream.STREAM_HEADER, "1"), null);
        MessageStream c = transport(clientIdle).stream(new Node("n", l.address(), Map.of()), open,
                Duration.ofSeconds(5)).get(10, TimeUnit.SECONDS);
        return new MessageStream[]{c, server.get(10, TimeUnit.SECONDS)};
    }

    /** {@code count} messages of {@code size} bytes (the first four the sequence number), then complete. */
    private static Flow.Publisher<Message> messages(int count, int size) {
        return io.microcdi.stream.Streams.fromIterable(() -> new java.util.Iterator<>() {
            int next;

            @Override
            public boolean hasNext() {
                return next < count;
            }

            @Override
            public Message next() {
                return new Message(Metadata.of(MessageStream.STREAM_HEADER, "1", "Content-Type",
                        "application/octet-stream"), ByteBuffer.allocate(size).putInt(0, next++).array());
            }
        });
    }

    private static boolean over(MessageStream s) {
        return ((EngineStream) s).isOver();
    }

    private static boolean connectionOpen(MessageStream s) throws Exception {
        Method m = s.getClass().getDeclaredMethod("connectionOpen");
        m.setAccessible(true);
        return (boolean) m.invoke(s);
    }

    @Test
    void aServerDoneBeforeItsSlowCallerReadsStillDeliversEverything() throws Exception {
        MessageStream[] p = open("0", "0");
        Recorder atClient = new Recorder(0, 0); // reads nothing yet
        p[0].receive(atClient, clientThread);
        p[0].send(new Silent()); // and still sends (nothing)
        Recorder atServer = new Recorder(0, 0);
        p[1].receive(atServer, serverThread);
        await().until(() -> atServer.subscription != null);
        atServer.subscription.cancel(); // the server reads no more: once its replies end, the stream is released
        p[1].send(messages(40, 8192));
        await().until(() -> over(p[1]));

        atClient.subscription.request(Long.MAX_VALUE);
        await().atMost(Duration.ofSeconds(10)).until(() -> atClient.terminal.get() != null);
        assertThat(atClient.received.get()).isEqualTo(40);
        assertThat(atClient.completed()).isTrue();
        assertThat(atClient.disorder).isEmpty();
    }

    @Test
    void aCallerDoneWhileTheServerStillWritesIsReadWholeEvenLate() throws Exception {
        MessageStream[] p = open("0", "0");
        Recorder atServer = new Recorder(0, 0); // a slow server reader
        p[1].receive(atServer, serverThread);
        p[1].send(messages(Integer.MAX_VALUE, 64)); // endless replies
        Recorder atClient = new Recorder(1, 0);
        p[0].receive(atClient, clientThread);
        await().until(() -> atClient.received.get() == 1);
        atClient.subscription.cancel(); // the caller wants no more
        p[0].send(messages(300, 64)); // says 300 things, then its end
        await().until(() -> over(p[0]));
        // the server reads late: the caller's connection must still be there, its 300 and its end intact
        await().pollDelay(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(5)).until(() -> true);
        atServer.subscription.request(Long.MAX_VALUE);
        await().atMost(Duration.ofSeconds(10)).until(() -> atServer.terminal.get() != null);
        assertThat(atServer.received.get()).isEqualTo(300);
        assertThat(atServer.completed()).isTrue();
        await().atMost(Duration.ofSeconds(10)).until(() -> over(p[1]) && !connectionOpen(p[0]));
    }

    @Test
    void anIdleReleaseToACallerThatReadsNothingClosesWithinTheIdleTimeout() throws Exception {
        MessageStream[] p = open("0", "500ms");
        p[0].receive(new Recorder(0, 0), clientThread); // a stuck caller
        p[0].send(new Silent());
        p[1].receive(Recorder.unbounded(), serverThread);
        p[1].send(messages(Integer.MAX_VALUE, 1024)); // fills the caller's buffers, then idles
        await().atMost(Duration.ofSeconds(10)).until(() -> over(p[1]));
        await().atMost(Duration.ofSeconds(10)).until(() -> !connectionOpen(p[1]));
    }
}
