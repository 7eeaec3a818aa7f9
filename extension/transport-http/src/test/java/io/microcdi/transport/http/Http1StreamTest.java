package io.microcdi.transport.http;

import io.microcdi.errors.MicroException;
import io.microcdi.internal.config.DefaultMicroConfig;
import io.microcdi.metadata.Metadata;
import io.microcdi.transport.StreamingExchange;
import io.microcdi.transport.Exchange;
import io.microcdi.transport.Message;
import io.microcdi.transport.MessageStream;
import io.microcdi.transport.Transport;
import io.microcdi.transport.TransportException;
import io.microcdi.transport.TransportTimeoutException;
import io.microcdi.config.ConfigException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.SubmissionPublisher;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Streams over HTTP/1.1, client and server of the {@code http} transport on loopback: order, end of stream, errors,
 * cancellation both ways, backpressure and the stream idle timeout.
 */
class Http1StreamTest {

    private static final Duration OPEN = Duration.ofSeconds(5);

    private final List<AutoCloseable> closing = new ArrayList<>();
    private final ExecutorService executor = Executors.newCachedThreadPool();

    @AfterEach
    void tearDown() throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
        executor.shutdownNow();
    }

    private HttpTransport transport(HttpTransportConfig config) {
        HttpTransport t = new HttpTransport(config);
        closing.add(t);
        return t;
    }

    private static HttpTransportConfig config() {
        return new HttpTransportConfig(2, HttpTransportConfig.DEFAULT_MAX_BODY_SIZE, Duration.ofMinutes(1), 10,
                Duration.ofMinutes(1), Duration.ofSeconds(5));
    }

    private static Message open(String id) {
        return new Message(Metadata.of("Micro-Service", "echo", "Micro-Endpoint", "Echo.Stream", "Content-Type",
                "text/plain", MessageStream.STREAM_HEADER, id), null);
    }

    /** A listener whose every request becomes a stream handed to {@code onStream}. */
    private HttpListener streamServer(HttpTransport t, java.util.function.Consumer<MessageStream> onStream) {
        HttpListener l = (HttpListener) t.listen("127.0.0.1:0", ex -> onStream.accept(((StreamingExchange) ex).stream()));
        closing.add(l);
        return l;
    }

    @Test
    void echoesTenThousandMessagesBothWaysInOrderThenCloses() {
        HttpTransport t = transport(config());
        HttpListener l = streamServer(t, s -> StreamParts.Echo.on(s, "s1", executor));

        MessageStream c = t.stream(l.address(), open("s1"), OPEN).join();
        StreamParts.Sink got = new StreamParts.Sink();
        c.receive(got, executor);
        StreamParts.Source out = new StreamParts.Source(10_000, i -> StreamParts.message("s1", "m" + i));
        c.send(out);

        got.done.orTimeout(30, TimeUnit.SECONDS).join();
        assertThat(got.texts()).containsExactlyElementsOf(IntStream.range(0, 10_000).mapToObj(i -> "M" + i).toList());
        await().atMost(Duration.ofSeconds(5)).until(() -> l.connections() == 0);
        assertThat(t.openConnections(l.address())).isZero(); // not pooled
    }

    @Test
    void anErrorMidStreamReachesTheReceiverAsMicroException() {
        HttpTransport t = transport(config());
        HttpListener l = streamServer(t, s -> {
            s.receive(new StreamParts.Sink(), executor);
            StreamParts.Source p = new StreamParts.Source(3, i -> StreamParts.message("s2", "item" + i));
            p.failure = new MicroException("echo.svc", 409, "already there", "Conflict");
            s.send(p);
        });

        MessageStream c = t.stream(l.address(), open("s2"), OPEN).join();
        StreamParts.Sink got = new StreamParts.Sink();
        c.receive(got, executor);
        c.send(new StreamParts.Source(0, i -> null));

        await().atMost(Duration.ofSeconds(10)).until(() -> got.done.isDone());
        assertThat(got.texts()).containsExactly("item0", "item1", "item2");
        assertThat(got.error()).isInstanceOfSatisfying(MicroException.class, e -> {
            assertThat(e.id()).isEqualTo("echo.svc");
            assertThat(e.code()).isEqualTo(409);
            assertThat(e.detail()).isEqualTo("already there");
        });
        await().atMost(Duration.ofSeconds(5)).until(() -> l.connections() == 0);
    }

    @Test
    void clientCancelBreaksTheServerSideAndCancelsItsPublisher() {
        HttpTransport t = transport(config());
        StreamParts.Sink serverGot = new StreamParts.Sink();
        StreamParts.Source serverOut = new StreamParts.Source(Long.MAX_VALUE, i -> StreamParts.message("s3", "x" + i));
        HttpListener l = streamServer(t, s -> {
            s.receive(serverGot, executor);
            s.send(serverOut);
        });

        MessageStream c = t.stream(l.address(), open("s3"), OPEN).join();
        StreamParts.Sink got = new StreamParts.Sink();
        c.receive(got, executor);
        c.send(new StreamParts.Source(Long.MAX_VALUE, i -> StreamParts.message("s3", "c" + i)));
        await().atMost(Duration.ofSeconds(10)).until(() -> got.items.size() >= 100 && serverGot.items.size() >= 100);

        c.cancel();

        await().atMost(Duration.ofSeconds(10)).until(() -> serverGot.done.isDone() && serverOut.cancelled.get());
        assertThat(serverGot.error()).isInstanceOf(TransportException.class);
        await().atMost(Duration.ofSeconds(5)).until(() -> l.connections() == 0);
    }

    @Test
    void serverAbortBreaksTheClient() {
        HttpTransport t = transport(config());
        HttpListener l = streamServer(t, s -> s.receive(new java.util.concurrent.Flow.Subscriber<Message>() {
            @Override
            public void onSubscribe(java.util.concurrent.Flow.Subscription sub) {
                sub.request(1);
            }

            @Override
            public void onNext(Message item) {
                s.cancel(); // the first message: drop the stream
            }

            @Override
            public void onError(Throwable e) {
            }

            @Override
            public void onComplete() {
            }
        }, executor));

        MessageStream c = t.stream(l.address(), open("s4"), OPEN).join();
        StreamParts.Sink got = new StreamParts.Sink();
        c.receive(got, executor);
        StreamParts.Source out = new StreamParts.Source(Long.MAX_VALUE, i -> StreamParts.message("s4", "c" + i));
        c.send(out);

        await().atMost(Duration.ofSeconds(10)).until(() -> got.done.isDone());
        assertThat(got.error()).isInstanceOf(TransportException.class);
        await().atMost(Duration.ofSeconds(5)).until(out.cancelled::get);
    }

    @Test
    void aStalledReceiverStopsTheSenderThenEverythingArrivesInOrder() {
        HttpTransport t = transport(config());
        StreamParts.Sink serverGot = new StreamParts.Sink(0); // requests nothing
        HttpListener l = streamServer(t, s -> {
            s.receive(serverGot, executor);
            s.send(new StreamParts.Source(0, i -> null));
        });
        String kib = "k".repeat(1024);

        MessageStream c = t.stream(l.address(), open("s5"), OPEN).join();
        StreamParts.Sink got = new StreamParts.Sink();
        c.receive(got, executor);
        StreamParts.Source out = new StreamParts.Source(Long.MAX_VALUE,
                i -> StreamParts.message("s5", i + ":" + kib));
        c.send(out);

        AtomicLong last = new AtomicLong(-1);
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).until(() -> {
            long now = out.requested.get();
            return now > 0 && last.getAndSet(now) == now;
        });
        long stalled = out.requested.get();
        System.out.println("stalled receiver: the sender was asked for " + stalled + " messages of 1 KiB");
        assertThat(stalled).isLessThan(100_000);
        assertThat(serverGot.items).isEmpty();

        long total = out.requested.get() + 1000;
        out.limit(total);
        serverGot.request(Long.MAX_VALUE);

        await().atMost(Duration.ofSeconds(30)).until(() -> serverGot.done.isDone());
        assertThat(serverGot.error()).isNull();
        assertThat(serverGot.items).hasSize((int) total);
        for (int i = 0; i < total; i++) {
            String text = StreamParts.text(serverGot.items.get(i));
            assertThat(text.substring(0, text.indexOf(':'))).isEqualTo(Integer.toString(i));
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> got.done.isDone() && l.connections() == 0);
    }

    @Test
    void anIdleStreamFailsOnBothSidesAndFreesTheServer() {
        HttpTransport t = transport(config().withStreamIdleTimeout(Duration.ofMillis(300)));
        StreamParts.Sink serverGot = new StreamParts.Sink();
        StreamParts.Never serverOut = new StreamParts.Never();
        HttpListener l = streamServer(t, s -> {
            s.receive(serverGot, executor);
            s.send(serverOut);
        });

        MessageStream c = t.stream(l.address(), open("s6"), OPEN).join();
        StreamParts.Sink got = new StreamParts.Sink();
        c.receive(got, executor);

        await().atMost(Duration.ofSeconds(5)).until(() -> got.done.isDone() && serverGot.done.isDone());
        assertThat(got.error()).satisfiesAnyOf(
                e -> assertThat(e).isInstanceOfSatisfying(MicroException.class, m -> assertThat(m.code()).isEqualTo(408)),
                e -> assertThat(e).isInstanceOf(TransportTimeoutException.class));
        assertThat(serverGot.error()).satisfiesAnyOf(
                e -> assertThat(e).isInstanceOfSatisfying(MicroException.class, m -> assertThat(m.code()).isEqualTo(408)),
                e -> assertThat(e).isInstanceOf(TransportTimeoutException.class),
                e -> assertThat(e).isInstanceOf(TransportException.class));
        await().atMost(Duration.ofSeconds(5)).until(() -> l.connections() == 0 && serverOut.cancelled.get());
    }

    @Test
    void aStreamOutlivesTheServerIdleTimeoutWhileMessagesFlow() throws Exception {
        HttpTransport t = transport(new HttpTransportConfig(2, HttpTransportConfig.DEFAULT_MAX_BODY_SIZE,
                Duration.ofMillis(200), 10, Duration.ofMinutes(1), Duration.ofSeconds(5)));
        HttpListener l = streamServer(t, s -> StreamParts.Echo.on(s, "s7", executor));

        MessageStream c = t.stream(l.address(), open("s7"), OPEN).join();
        StreamParts.Sink got = new StreamParts.Sink();
        c.receive(got, executor);
        SubmissionPublisher<Message> out = new SubmissionPublisher<>(executor, 16);
        c.send(out);
        long start = System.nanoTime();
        ScheduledExecutorService ticks = Executors.newSingleThreadScheduledExecutor();
        AtomicInteger sent = new AtomicInteger();
        try {
            ticks.scheduleAtFixedRate(() -> {
                int i = sent.getAndIncrement();
                if (i < 20) {
                    out.submit(StreamParts.message("s7", "t" + i));
                } else if (i == 20) {
                    out.close();
                }
            }, 0, 40, TimeUnit.MILLISECONDS);
            got.done.orTimeout(20, TimeUnit.SECONDS).join();
        } finally {
            ticks.shutdownNow();
        }
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThan(Duration.ofMillis(600));
        assertThat(got.texts()).containsExactlyElementsOf(IntStream.range(0, 20).mapToObj(i -> "T" + i).toList());
    }

    @Test
    void stopAcceptingLeavesAStreamRunningAndCloseCutsIt() {
        HttpTransport t = transport(config());
        StreamParts.Sink serverGot = new StreamParts.Sink();
        HttpListener l = streamServer(t, s -> {
            s.receive(serverGot, executor);
            s.send(new StreamParts.Never());
        });
        MessageStream c = t.stream(l.address(), open("s8"), OPEN).join();
        StreamParts.Sink got = new StreamParts.Sink();
        c.receive(got, executor);
        SubmissionPublisher<Message> out = new SubmissionPublisher<>(executor, 16);
        c.send(out);

        l.stopAccepting();
        out.submit(StreamParts.message("s8", "after stop"));
        await().atMost(Duration.ofSeconds(5)).until(() -> serverGot.items.size() == 1);
        assertThat(l.awaitConnectionsClosed(Duration.ofMillis(100))).isFalse();

        l.close();
        await().atMost(Duration.ofSeconds(5)).until(() -> got.done.isDone() && serverGot.done.isDone());
        assertThat(got.error()).isInstanceOf(TransportException.class);
        assertThat(serverGot.error()).isInstanceOf(TransportException.class);
    }

    @Test
    void aRequestForAnotherStreamIsRefusedAndTheStreamCarriesOn() throws Exception {
        HttpTransport t = transport(config());
        StreamParts.Sink serverGot = new StreamParts.Sink();
        HttpListener l = streamServer(t, s -> {
            s.receive(serverGot, executor);
            s.send(new StreamParts.Source(0, i -> null));
        });
        String[] hp = l.address().split(":");
        try (Socket socket = new Socket(hp[0], Integer.parseInt(hp[1]))) {
            OutputStream w = socket.getOutputStream();
            w.write(post("Micro-Stream: a\r\nMicro-Endpoint: Echo.Stream\r\n", "").getBytes(StandardCharsets.UTF_8));
            w.write(post("Micro-Stream: b\r\n", "intruder").getBytes(StandardCharsets.UTF_8));
            w.write(post("Micro-Stream: a\r\n", "hello").getBytes(StandardCharsets.UTF_8));
            w.write(post("Micro-Stream: a\r\nMicro-Error: EOS\r\n", "").getBytes(StandardCharsets.UTF_8));
            w.flush();
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            // the server's own end of stream and the refusal; then it closes
            assertThat(answer).startsWith("HTTP/1.1 200 OK\r\n").contains("Micro-Stream: b\r\n")
                    .contains("one stream per HTTP/1.1 connection").contains("\"code\":400")
                    .contains("\r\nX-Micro-Error: {\"id\":\"go.micro.server\",\"code\":400") // both spellings
                    .contains("Micro-Error: EOS");
        }
        serverGot.done.orTimeout(5, TimeUnit.SECONDS).join();
        assertThat(serverGot.texts()).containsExactly("hello");
    }

    private static String post(String headers, String body) {
        return "POST / HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\n" + headers + "Content-Length: "
                + body.length() + "\r\n\r\n" + body;
    }

    @Test
    void streamIsOnceAndOnlyInsteadOfAReply() {
        HttpTransport t = transport(config());
        AtomicReference<Throwable> second = new AtomicReference<>();
        AtomicReference<Throwable> afterReply = new AtomicReference<>();
        Transport.Handler h = ex -> {
            if ("/reply".equals(ex.path())) {
                ex.reply(new Message(Metadata.empty(), null));
                afterReply.set(catching(((StreamingExchange) ex)::stream));
                return;
            }
            MessageStream s = ((StreamingExchange) ex).stream();
            second.set(catching(((StreamingExchange) ex)::stream));
            s.cancel();
        };
        HttpListener l = (HttpListener) t.listen("127.0.0.1:0", h);
        closing.add(l);
        t.post(l.address(), "/reply", new Message(Metadata.empty(), null), OPEN).join();
        await().atMost(Duration.ofSeconds(5)).until(() -> afterReply.get() != null);
        assertThat(afterReply.get()).isInstanceOf(IllegalStateException.class);

        CompletableFuture<MessageStream> s = t.stream(l.address(), open("s9"), OPEN);
        await().atMost(Duration.ofSeconds(5)).until(() -> second.get() != null);
        assertThat(second.get()).isInstanceOf(IllegalStateException.class);
        s.handle((x, e) -> {
            if (x != null) {
                x.cancel();
            }
            return null;
        }).join();
    }

    private static Throwable catching(Runnable r) {
        try {
            r.run();
            return new AssertionError("no exception");
        } catch (RuntimeException e) {
            return e;
        }
    }

    @Test
    void dialFailuresAndTimeouts() throws Exception {
        HttpTransport t = transport(config());
        int freePort;
        try (java.net.ServerSocket ss = new java.net.ServerSocket(0)) {
            freePort = ss.getLocalPort();
        }
        assertThat(t.stream("127.0.0.1:" + freePort, open("d1"), OPEN))
                .failsWithin(Duration.ofSeconds(10))
                .withThrowableOfType(java.util.concurrent.ExecutionException.class)
                .havingCause().isInstanceOfSatisfying(TransportException.class,
                        e -> assertThat(e.requestSent()).isFalse());
        assertThat(t.stream("127.0.0.1:" + freePort, open("d2"), Duration.ZERO))
                .failsWithin(Duration.ofSeconds(10))
                .withThrowableOfType(java.util.concurrent.ExecutionException.class)
                .havingCause().isInstanceOfSatisfying(TransportTimeoutException.class,
                        e -> assertThat(e.requestSent()).isFalse());
    }

    @Test
    void streamIdleTimeoutKey() {
        assertThat(HttpTransportConfig.from(DefaultMicroConfig.of(Map.of())).streamIdleTimeout())
                .isEqualTo(Duration.ofMinutes(5));
        assertThat(HttpTransportConfig.from(DefaultMicroConfig.of(Map.of(
                HttpTransportConfig.STREAM_IDLE_TIMEOUT, "0"))).streamIdleTimeout()).isZero();
        assertThat(HttpTransportConfig.from(DefaultMicroConfig.of(Map.of(
                HttpTransportConfig.STREAM_IDLE_TIMEOUT, "30s"))).streamIdleTimeout())
                .isEqualTo(Duration.ofSeconds(30));
        assertThatThrownBy(() -> HttpTransportConfig.from(DefaultMicroConfig.of(Map.of(
                HttpTransportConfig.STREAM_IDLE_TIMEOUT, "-1s"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining(HttpTransportConfig.STREAM_IDLE_TIMEOUT);
    }
}
