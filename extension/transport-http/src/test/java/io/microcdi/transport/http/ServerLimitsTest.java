package io.microcdi.transport.http;

import io.microcdi.internal.config.DefaultMicroConfig;
import io.microcdi.metadata.Metadata;
import io.microcdi.transport.Exchange;
import io.microcdi.transport.Message;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The server-wide limits of {@link HttpServerLimits}, each driven past on a real listener on loopback by a raw
 * client that misbehaves, while another client is still served: connections, bytes held for half-read requests,
 * the head deadline, answers queued for a client that does not read, and request hygiene (HTTP version, half-close).
 */
class ServerLimitsTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
    }

    private HttpTransport transport(String... keyValues) {
        Map<String, String> m = new HashMap<>();
        m.put(HttpTransportConfig.IO_THREADS, "2");
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put(keyValues[i], keyValues[i + 1]);
        }
        HttpTransport t = new HttpTransport(HttpTransportConfig.from(DefaultMicroConfig.of(m)));
        closeables.add(t);
        return t;
    }

    private RawHttp raw(String address) throws IOException {
        return raw(address, 0);
    }

    private RawHttp raw(String address, int receiveBuffer) throws IOException {
        RawHttp r = RawHttp.connect(address, receiveBuffer);
        closeables.add(r);
        return r;
    }

    private static Message json(String body) {
        return new Message(Metadata.of("Content-Type", "application/json"), body.getBytes(StandardCharsets.UTF_8));
    }

    private static String text(Message m) {
        return new String(m.body(), StandardCharsets.UTF_8);
    }

    /** A client of its own (its own transport, so its connections are not the server's test subject). */
    private String callFromAnotherClient(String address, String body) {
        HttpTransport client = transport();
        return text(client.send(address, json(body), TIMEOUT).join());
    }

    // ---------------------------------------------------------------- configuration

    @Test
    void theLimitsAreReadFromTheirKeysAndABadValueFailsNamingItsKey() {
        HttpServerLimits d = HttpServerLimits.from(DefaultMicroConfig.of(Map.of()));
        assertThat(d).isEqualTo(HttpServerLimits.defaults());
        assertThat(d.maxConnections()).isEqualTo(10_000);
        assertThat(d.maxPendingBytes()).isEqualTo(Runtime.getRuntime().maxMemory() / 8);
        assertThat(d.headTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(d.maxQueuedBytes()).isEqualTo(1024 * 1024);
        assertThat(d.maxConcurrentStreams()).isEqualTo(250);
        assertThat(d.exitOnOutOfMemory()).isTrue();

        HttpServerLimits set = HttpTransportConfig.from(DefaultMicroConfig.of(Map.of(
                HttpServerLimits.MAX_CONNECTIONS, "7", HttpServerLimits.MAX_PENDING_BYTES, "64m",
                HttpServerLimits.HEAD_TIMEOUT, "2s", HttpServerLimits.MAX_QUEUED_BYTES, "256k",
                HttpServerLimits.MAX_CONCURRENT_STREAMS, "9", HttpServerLimits.EXIT_ON_OUT_OF_MEMORY, "false")))
                .limits();
        assertThat(set).isEqualTo(new HttpServerLimits(7, 64L << 20, Duration.ofSeconds(2), 256 << 10, 9, false));

        for (String[] bad : new String[][] {{HttpServerLimits.MAX_CONNECTIONS, "0"},
            {HttpServerLimits.MAX_PENDING_BYTES, "lots"}, {HttpServerLimits.HEAD_TIMEOUT, "-1s"},
            {HttpServerLimits.MAX_QUEUED_BYTES, "3g"}, {HttpServerLimits.MAX_CONCURRENT_STREAMS, "0"},
            {HttpServerLimits.EXIT_ON_OUT_OF_MEMORY, "maybe"}}) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> HttpServerLimits.from(
                    DefaultMicroConfig.of(Map.of(bad[0], bad[1])))).as(bad[0])
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(bad[0]);
        }
    }

    // ---------------------------------------------------------------- connections

    @Test
    void aConnectionPastMaxConnectionsIsClosedAtOnceWhileTheOthersAreServed() throws Exception {
        HttpTransport t = transport(HttpServerLimits.MAX_CONNECTIONS, "3");
        HttpListener l = (HttpListener) t.listen("127.0.0.1:0", ex -> ex.reply(ex.request()));
        List<RawHttp> held = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            held.add(raw(l.address()));
        }
        await().atMost(5, TimeUnit.SECONDS).until(() -> t.serverConnections() == 3);

        RawHttp fourth = raw(l.address());
        fourth.write(RawHttp.call("{\"n\":4}"));

        assertThat(fourth.closedByServer()).isTrue();
        // the connections within the limit are served
        held.get(0).write(RawHttp.call("{\"n\":1}"));
        assertThat(held.get(0).readAnswer()).startsWith("HTTP/1.1 200 OK").endsWith("{\"n\":1}");
        // and a slot given back is taken by the next client
        held.get(2).close();
        await().atMost(5, TimeUnit.SECONDS).until(() -> t.serverConnections() == 2);
        assertThat(callFromAnotherClient(l.address(), "{\"n\":5}")).isEqualTo("{\"n\":5}");
    }

    // ---------------------------------------------------------------- bytes of half-read requests

    @Test
    void theRequestThatWouldPassMaxPendingBytesIs503AndClosedWhileOtherCallsAreServed() throws Exception {
        HttpTransport t = transport(HttpServerLimits.MAX_PENDING_BYTES, "200000");
        HttpListener l = (HttpListener) t.listen("127.0.0.1:0", ex -> ex.reply(ex.request()));
        // three heads of 60 kB each, never finished: 180 kB held, within the budget
        List<RawHttp> hogs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            RawHttp hog = raw(l.address());
            hog.write("POST / HTTP/1.1\r\nHost: x\r\nX-Pad: " + "a".repeat(60_000));
            hogs.add(hog);
            int held = i + 1;
            await().atMost(5, TimeUnit.SECONDS).until(() -> t.pendingBytes().used() >= held * 60_000L);
        }

        // a fourth one passes it: answered 503 in Go Micro's error shape, and closed
        RawHttp fourth = raw(l.address());
        fourth.write("POST / HTTP/1.1\r\nHost: x\r\nX-Pad: " + "a".repeat(60_000));
        String answer = fourth.readToEnd();

        assertThat(answer).startsWith("HTTP/1.1 200 OK").contains("Connection: close")
                .contains("Micro-Error: {\"id\":\"go.micro.server\",\"code\":503,")
                .contains("micro.transport.http.max-pending-bytes (200000 bytes)");
        assertThat(t.pendingBytes().used()).isLessThanOrEqualTo(200_000L);
        // a call that arrives whole is never held, so it is served however full the budget is
        assertThat(callFromAnotherClient(l.address(), "{\"ok\":1}")).isEqualTo("{\"ok\":1}");
        // a hog that finishes its request is served, and gives its share back
        hogs.get(0).write("\r\nContent-Length: 2\r\n\r\n{}");
        assertThat(hogs.get(0).readAnswer()).startsWith("HTTP/1.1 200 OK").endsWith("{}");
        for (RawHttp hog : hogs) {
            hog.close();
        }
        await().atMost(5, TimeUnit.SECONDS).until(() -> t.pendingBytes().used() == 0);
    }

    @Test
    void anHttp2BodyThatWouldPassMaxPendingBytesIsRefusedWith503() throws Exception {
        HttpTransport t = transport(HttpServerLimits.MAX_PENDING_BYTES, "100000");
        HttpListener l = (HttpListener) t.listen("127.0.0.1:0", ex -> ex.reply(ex.request()));
        try (RawH2 h2 = RawH2.connect(l.address())) {
            // stream 1 sends 60 kB of a 200 kB body and stops: held, within the budget
            h2.headers(1, "POST", "/", false, "content-length", "200000");
            h2.data(1, new byte[16_000], false);
            h2.data(1, new byte[16_000], false);
            h2.data(1, new byte[16_000], false);
            h2.data(1, new byte[12_000], false);
            await().atMost(5, TimeUnit.SECONDS).until(() -> t.pendingBytes().used() >= 60_000);
            // stream 3 would pass it
            h2.headers(3, "POST", "/", false, "content-length", "96000");
            for (int i = 0; i < 6; i++) {
                // refused at the first frame: nothing of it is held, the rest is read and dropped, and the error
                // answers once the client has sent it all
                h2.data(3, new byte[16_000], i == 5);
            }

            RawH2.Frame answer = h2.nextFrame(f -> f.streamId() == 3 && f.type() == RawH2.HEADERS);
            assertThat(answer.header("micro-error")).contains("\"code\":503")
                    .contains("micro.transport.http.max-pending-bytes (100000 bytes)");
            // the other stream of the same connection, and other clients, are still served
            assertThat(callFromAnotherClient(l.address(), "{\"ok\":1}")).isEqualTo("{\"ok\":1}");
        }
        await().atMost(5, TimeUnit.SECONDS).until(() -> t.pendingBytes().used() == 0);
    }

    // ---------------------------------------------------------------- head deadline

    @Test
    void aHeadNotCompleteWithinHeadTimeoutIs408AndClosedWhileOthersAreServed() throws Exception {
        HttpTransport t = transport(HttpServerLimits.HEAD_TIMEOUT, "300ms");
        HttpListener l = (HttpListener) t.listen("127.0.0.1:0", ex -> ex.reply(ex.request()));
        RawHttp slow = raw(l.address());
        long start = System.nanoTime();
        slow.write("POST / HTTP/1.1\r\nHost: x\r\n");
        slow.write("X-Slow: 1\r\n"); // a slowloris trickles lines; the deadline counts from the first byte

        assertThat(callFromAnotherClient(l.address(), "{\"ok\":1}")).isEqualTo("{\"ok\":1}");
        String answer = slow.readToEnd();

        assertThat(answer).startsWith("HTTP/1.1 200 OK")
                .contains("Micro-Error: {\"id\":\"go.micro.server\",\"code\":408,")
                .contains("micro.transport.http.head-timeout (300 ms)");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300))
                .isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void theHeadDeadlineDoesNotTouchAConnectionBetweenCallsNorABodyStillArriving() throws Exception {
        HttpTransport t = transport(HttpServerLimits.HEAD_TIMEOUT, "200ms");
        HttpListener l = (HttpListener) t.listen("127.0.0.1:0", ex -> ex.reply(ex.request()));
        RawHttp c = raw(l.address());
        c.write(RawHttp.call("{\"n\":1}"));
        assertThat(c.readAnswer()).endsWith("{\"n\":1}");
        // idle between calls, then a head in full and a body that takes its time
        c.write("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 7\r\n\r\n{\"n\"");
        CompletableFuture<String> answer = CompletableFuture.supplyAsync(() -> {
            try {
                return c.readAnswer();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        await().during(Duration.ofMillis(600)).atMost(5, TimeUnit.SECONDS).until(() -> !answer.isDone());
        c.write(":2}");
        assertThat(answer.get(5, TimeUnit.SECONDS)).endsWith("{\"n\":2}");
    }

    // ---------------------------------------------------------------- answers a client does not read

    @Test
    void aPipeliningClientThatNeverReadsStopsBeingReadWhileOthersAreServed() throws Exception {
        HttpTransport t = transport(HttpServerLimits.MAX_QUEUED_BYTES, "64k");
        AtomicInteger handled = new AtomicInteger();
        byte[] big = new byte[64 * 1024];
        java.util.Arrays.fill(big, (byte) 'x');
        HttpListener l = (HttpListener) t.listen("127.0.0.1:0", ex -> {
            if (ex.request().body().length > 2) {
                ex.reply(ex.request()); // the other client
                return;
            }
            handled.incrementAndGet();
            ex.reply(new Message(Metadata.of("Content-Type", "application/octet-stream"), big));
        });
        int calls = 2000; // 2000 answers of 64 KiB: 125 MiB queued if the server kept reading
        RawHttp greedy = raw(l.address(), 8192);
        byte[] one = RawHttp.call("{}").getBytes(StandardCharsets.ISO_8859_1);
        CompletableFuture<Void> writing = CompletableFuture.runAsync(() -> {
            try {
                for (int i = 0; i < calls; i++) {
                    greedy.out.write(one);
                }
                greedy.out.flush();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });

        // the server stops: what it handles is what the socket buffers hold, not what the client sent
        await().atMost(10, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(100))
                .until(new Steady(handled::get, 5));
        assertThat(handled.get()).isLessThan(calls / 4);
        assertThat(callFromAnotherClient(l.address(), "{\"ok\":1}")).isEqualTo("{\"ok\":1}");

        // once the client reads, every answer arrives, in order and whole
        for (int i = 0; i < calls; i++) {
            String a = greedy.readAnswer();
            assertThat(a).startsWith("HTTP/1.1 200 OK").hasSizeGreaterThan(big.length);
        }
        writing.get(10, TimeUnit.SECONDS);
        assertThat(handled.get()).isEqualTo(calls);
    }

    /** True once {@code value} has not changed for {@code polls} polls in a row. */
    private static final class Steady implements java.util.concurrent.Callable<Boolean> {

        private final java.util.function.IntSupplier value;
        private final int polls;
        private int last = -1;
        private int same;

        Steady(java.util.function.IntSupplier value, int polls) {
            this.value = value;
            this.polls = polls;
        }

        @Override
        public Boolean call() {
            int v = value.getAsInt();
            same = v == last ? same + 1 : 0;
            last = v;
            return same >= polls;
        }
    }

    // ---------------------------------------------------------------- HTTP/2 streams

    @Test
    void anHttp2StreamPastMaxConcurrentStreamsIsRefusedWhileTheOthersAreAnswered() throws Exception {
        HttpTransport t = transport(HttpServerLimits.MAX_CONCURRENT_STREAMS, "2");
        List<Exchange> held = new CopyOnWriteArrayList<>();
        HttpListener l = (HttpListener) t.listen("127.0.0.1:0", held::add);
        try (RawH2 h2 = RawH2.connect(l.address())) {
            assertThat(h2.serverSettings().get(RawH2.SETTINGS_MAX_CONCURRENT_STREAMS)).isEqualTo(2L);
            h2.headers(1, "POST", "/", true);
            h2.headers(3, "POST", "/", true);
            h2.headers(5, "POST", "/", true);

            RawH2.Frame refused = h2.nextFrame(f -> f.type() == RawH2.RST_STREAM);
            assertThat(refused.streamId()).isEqualTo(5);
            assertThat(refused.errorCode()).isEqualTo(RawH2.REFUSED_STREAM);
            await().atMost(5, TimeUnit.SECONDS).until(() -> held.size() == 2);
            held.forEach(ex -> ex.reply(json("{\"ok\":1}")));
            RawH2.Frame first = h2.nextFrame(f -> f.type() == RawH2.HEADERS);
            RawH2.Frame second = h2.nextFrame(f -> f.type() == RawH2.HEADERS);
            assertThat(List.of(first.streamId(), second.streamId())).containsExactlyInAnyOrder(1, 3);
            // a freed stream takes the next call
            h2.headers(7, "POST", "/", true);
            await().atMost(5, TimeUnit.SECONDS).until(() -> held.size() == 3);
        }
    }

    // ---------------------------------------------------------------- request hygiene

    @Test
    void anHttpVersionOtherThan10Or11Is505WithTheSameErrorInHeaderAndBody() throws Exception {
        HttpTransport t = transport();
        HttpListener l = (HttpListener) t.listen("127.0.0.1:0", ex -> ex.reply(ex.request()));
        for (String version : List.of("HTTP/9.9", "HTTP/1.2", "HTTP/2.0", "HTTP/0.9")) {
            RawHttp c = raw(l.address());
            c.write("POST / " + version + "\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}");
            String answer = c.readToEnd();

            assertThat(answer).as(version).startsWith("HTTP/1.1 505 HTTP Version Not Supported\r\n")
                    .contains("Connection: close");
            String json = answer.substring(answer.indexOf("\r\n\r\n") + 4);
            assertThat(json).startsWith("{\"id\":\"go.micro.server\",\"code\":505,")
                    .contains("HTTP version " + version + " not supported");
            assertThat(answer).contains("Micro-Error: " + json + "\r\n");
        }
        for (String version : List.of("HTTP/1.0", "HTTP/1.1")) {
            RawHttp c = raw(l.address());
            c.write("POST / " + version + "\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}");
            assertThat(c.readAnswer()).as(version).startsWith("HTTP/1.1 200 OK").endsWith("{}");
        }
    }

    @Test
    void aClientThatShutsDownItsSideAfterItsRequestStillGetsTheAnswer() throws Exception {
        HttpTransport t = transport();
        List<Exchange> held = new CopyOnWriteArrayList<>();
        HttpListener l = (HttpListener) t.listen("127.0.0.1:0", held::add);
        RawHttp c = raw(l.address());
        c.write(RawHttp.call("{\"n\":1}"));
        await().atMost(5, TimeUnit.SECONDS).until(() -> held.size() == 1);
        int before = t.inputShutdowns();
        c.socket.shutdownOutput();
        // the server saw the client's side end while the call was with the handler
        await().atMost(5, TimeUnit.SECONDS).until(() -> t.inputShutdowns() == before + 1);

        held.get(0).reply(held.get(0).request());

        String answer = c.readToEnd(); // ends: the server closes after the answer
        assertThat(answer).startsWith("HTTP/1.1 200 OK").contains("Connection: close").endsWith("{\"n\":1}");
        await().atMost(5, TimeUnit.SECONDS).until(() -> l.connections() == 0);
    }

    @Test
    void aPipeliningClientThatShutsDownItsSideGetsEveryAnswer() throws Exception {
        HttpTransport t = transport();
        List<Exchange> held = new CopyOnWriteArrayList<>();
        HttpListener l = (HttpListener) t.listen("127.0.0.1:0", held::add);
        RawHttp c = raw(l.address());
        c.write(RawHttp.call("{\"n\":1}") + RawHttp.call("{\"n\":2}"));
        c.socket.shutdownOutput();
        await().atMost(5, TimeUnit.SECONDS).until(() -> held.size() == 1);

        held.get(0).reply(held.get(0).request());
        await().atMost(5, TimeUnit.SECONDS).until(() -> held.size() == 2);
        held.get(1).reply(held.get(1).request());

        String answers = c.readToEnd();
        assertThat(answers).contains("{\"n\":1}").endsWith("{\"n\":2}");
        await().atMost(5, TimeUnit.SECONDS).until(() -> l.connections() == 0);
    }

    @Test
    void aClientThatShutsDownItsSideWithNothingOwedIsClosed() throws Exception {
        HttpTransport t = transport();
        HttpListener l = (HttpListener) t.listen("127.0.0.1:0", ex -> ex.reply(ex.request()));
        RawHttp c = raw(l.address());
        c.write(RawHttp.call("{}"));
        c.readAnswer();
        c.socket.shutdownOutput();
        RawHttp silent = raw(l.address()); // before a byte: the protocol is not even known
        silent.socket.shutdownOutput();

        assertThat(c.closedByServer()).isTrue();
        assertThat(silent.closedByServer()).isTrue();
        await().atMost(5, TimeUnit.SECONDS).until(() -> l.connections() == 0);
    }

    @Test
    void anHttp2ClientThatShutsDownItsSideGetsItsAnswersThenTheConnectionCloses() throws Exception {
        HttpTransport t = transport();
        List<Exchange> held = new CopyOnWriteArrayList<>();
        HttpListener l = (HttpListener) t.listen("127.0.0.1:0", held::add);
        try (RawH2 h2 = RawH2.connect(l.address())) {
            h2.headers(1, "POST", "/", true);
            await().atMost(5, TimeUnit.SECONDS).until(() -> held.size() == 1);
            h2.shutdownOutput();
            await().atMost(5, TimeUnit.SECONDS).until(() -> t.serverConnections() == 1);

            held.get(0).reply(json("{\"ok\":1}"));

            RawH2.Frame answer = h2.nextFrame(f -> f.type() == RawH2.HEADERS);
            assertThat(answer.streamId()).isEqualTo(1);
            assertThat(answer.header(":status")).isEqualTo("200");
            await().atMost(5, TimeUnit.SECONDS).until(() -> l.connections() == 0);
        }
    }

    /**
     * The audit of the transport's own errors: the status line is 200 (Go Micro's rule: errors travel in headers)
     * or the error's own code, and {@code Micro-Error}, {@code X-Micro-Error} and the body carry the same JSON.
     */
    @Test
    void everyErrorTheTransportSendsSaysTheSameInItsStatusHeadersAndBody() throws Exception {
        HttpTransport t = transport(HttpServerLimits.HEAD_TIMEOUT, "200ms", HttpServerLimits.MAX_PENDING_BYTES, "50000");
        HttpListener l = (HttpListener) t.listen("127.0.0.1:0", ex -> {
            throw new IllegalStateException("a handler that breaks");
        });
        Map<Integer, String> requests = new java.util.LinkedHashMap<>();
        requests.put(400, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n");
        requests.put(413, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 999999999\r\n\r\n");
        requests.put(408, "POST / HTTP/1.1\r\nHost: x\r\n");
        requests.put(503, "POST / HTTP/1.1\r\nHost: x\r\nX-Pad: " + "a".repeat(60_000));
        requests.put(505, "POST / HTTP/3.0\r\nHost: x\r\nContent-Length: 0\r\n\r\n");
        requests.put(500, RawHttp.call("{}"));
        for (Map.Entry<Integer, String> r : requests.entrySet()) {
            RawHttp c = raw(l.address());
            c.write(r.getValue());
            String answer = r.getKey() == 500 ? c.readAnswer() : c.readToEnd();

            int code = r.getKey();
            String status = answer.substring(9, 12);
            assertThat(status).as(answer).isIn("200", String.valueOf(code));
            String body = answer.substring(answer.indexOf("\r\n\r\n") + 4);
            assertThat(body).as(answer).startsWith("{\"id\":\"go.micro.server\",\"code\":" + code + ",")
                    .endsWith("\"status\":\"" + HttpWire.reason(code) + "\"}");
            assertThat(answer).contains("\r\nMicro-Error: " + body + "\r\n")
                    .contains("\r\nX-Micro-Error: " + body + "\r\n");
        }
    }
}
