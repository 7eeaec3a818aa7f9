package io.microcdi.transport.http;

import io.microcdi.config.MicroConfig;
import io.microcdi.errors.MicroException;
import io.microcdi.errors.ErrorJson;
import io.microcdi.internal.config.DefaultMicroConfig;
import io.microcdi.metadata.Metadata;
import io.microcdi.testing.transport.TransportContract;
import io.microcdi.transport.Exchange;
import io.microcdi.transport.Listener;
import io.microcdi.transport.Message;
import io.microcdi.transport.Transport;
import io.microcdi.transport.TransportException;
import io.microcdi.transport.TransportProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The HTTP transport passes the {@link TransportContract}; here is what is its own: HTTP/1.1 framing and its peers
 * (the JDK's client, raw sockets, pipelining, chunked answers, {@code Expect}), the connection pool, idle and
 * winding-down connections, and the provider's configuration.
 */
class HttpTransportTest extends TransportContract {

    @Override
    protected Transport newTransport() {
        return new HttpTransport(HttpTransportConfig.from(DefaultMicroConfig.of(Map.of(
                HttpTransportConfig.IO_THREADS, "2"))));
    }

    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final ExecutorService executor = Executors.newCachedThreadPool();

    @AfterEach
    void closeAll() throws Exception {
        executor.shutdownNow();
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
    }

    private HttpTransport transport(String... keysAndValues) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        m.putIfAbsent("micro.transport.http.io-threads", "2");
        HttpTransport t = new HttpTransport(HttpTransportConfig.from(DefaultMicroConfig.of(m)));
        closeables.add(t);
        return t;
    }

    /** Echoes the request: headers plus {@code X-Remote}, body unchanged. */
    private static void echo(Exchange ex) {
        Message rq = ex.request();
        ex.reply(new Message(rq.header().with("X-Remote", ex.remoteAddress()).with("X-Local", ex.localAddress()),
                rq.body()));
    }

    private static Message json(String body, String... headers) {
        Metadata md = Metadata.of(headers).with("Content-Type", "application/json");
        return new Message(md, body.getBytes(StandardCharsets.UTF_8));
    }

    private static String text(Message m) {
        return new String(m.body(), StandardCharsets.UTF_8);
    }

    private static Throwable failureOf(CompletableFuture<?> f) {
        try {
            f.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (Exception e) {
            throw new AssertionError("no failure", e);
        }
        throw new AssertionError("completed normally");
    }

    // ---------------------------------------------------------------- round trips

    @Test
    void roundTripsHeadersAndBody() {
        HttpTransport t = transport();
        Listener l = t.listen("127.0.0.1:0", HttpTransportTest::echo);
        assertThat(l.address()).startsWith("127.0.0.1:").doesNotEndWith(":0");

        Message rsp = t.send(l.address(), json("{\"name\":\"John\"}\n", "Micro-Service", "greeter",
                "Micro-Endpoint", "Greeter.Hello", "X-Custom", "abc"), TIMEOUT).join();

        assertThat(text(rsp)).isEqualTo("{\"name\":\"John\"}\n");
        assertThat(rsp.header().get("Micro-Service")).isEqualTo("greeter");
        assertThat(rsp.header().get("micro-endpoint")).isEqualTo("Greeter.Hello");
        assertThat(rsp.header().get("X-Custom")).isEqualTo("abc");
        assertThat(rsp.header().get("Content-Type")).isEqualTo("application/json");
        assertThat(rsp.header().get("Content-Length")).isEqualTo("16");
        assertThat(rsp.header().get("X-Local")).isEqualTo(l.address());
        assertThat(rsp.header().get("X-Remote")).matches("127\\.0\\.0\\.1:\\d+");
        // Host is framing: the server drops it, as Go's server does
        assertThat(rsp.header().contains("Host")).isFalse();
    }

    @Test
    void requestHeadersReachTheHandlerAsReceived() {
        HttpTransport t = transport();
        AtomicReference<Message> seen = new AtomicReference<>();
        Listener l = t.listen("127.0.0.1:0", ex -> {
            seen.set(ex.request());
            ex.reply(new Message(Metadata.empty(), null));
        });

        Message rsp = t.send(l.address(), new Message(Metadata.of("X-MiXeD-case", "v", "Timeout", "4999967770"),
                new byte[0]), TIMEOUT).join();

        assertThat(rsp.body()).isEmpty();
        Map<String, String> md = seen.get().header().asMap();
        assertThat(md).containsEntry("X-MiXeD-case", "v").containsEntry("Timeout", "4999967770")
                .containsEntry("Content-Length", "0").doesNotContainKey("Host");
    }

    @Test
    void headerValuesTravelAsUtf8AndCannotInjectHeaders() {
        HttpTransport t = transport();
        Listener l = t.listen("127.0.0.1:0", HttpTransportTest::echo);
        String error = ErrorJson.write(MicroException.badRequest("greeter", "name ünïcødé 名前 not allowed"));

        Message rsp = t.send(l.address(), new Message(Metadata.of("Micro-Error", error,
                "X-Evil", "a\r\nX-Injected: yes", "Bad Name", "dropped"), null), TIMEOUT).join();

        assertThat(rsp.header().get("Micro-Error")).isEqualTo(error);
        assertThat(ErrorJson.parse(rsp.header().get("Micro-Error")).detail()).isEqualTo("name ünïcødé 名前 not allowed");
        assertThat(rsp.header().get("X-Evil")).isEqualTo("a  X-Injected: yes");
        assertThat(rsp.header().contains("X-Injected")).isFalse();
        assertThat(rsp.header().contains("Bad Name")).isFalse();
    }

    @Test
    void sequentialCallsReuseOneConnection() {
        HttpTransport t = transport();
        Set<String> remotes = ConcurrentHashMap.newKeySet();
        Listener l = t.listen("127.0.0.1:0", ex -> {
            remotes.add(ex.remoteAddress());
            ex.reply(new Message(Metadata.of("Content-Type", "application/json"), ex.request().body()));
        });
        Message rq = json("{\"name\":\"John\"}", "Micro-Service", "greeter", "Micro-Endpoint", "Greeter.Hello");

        int n = 2000;
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            Message rsp = t.send(l.address(), rq, TIMEOUT).join();
            assertThat(rsp.body()).hasSize(15);
        }
        long micros = (System.nanoTime() - start) / 1000;

        System.out.printf(Locale.ROOT, "[http transport] %d sequential round trips: %.1f us each%n", n,
                (double) micros / n);
        assertThat(remotes).hasSize(1);
        assertThat(t.connectionsDialed(l.address())).isEqualTo(1);
        assertThat(t.openConnections(l.address())).isEqualTo(1);
    }

    /** The pool dials at most one connection per concurrent caller (the contract checks the answers). */
    @Test
    void concurrentCallersDialAtMostOneConnectionEach() throws Exception {
        HttpTransport t = transport();
        Listener l = t.listen("127.0.0.1:0", HttpTransportTest::echo);
        int threads = 32;
        List<Future<?>> results = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < threads; i++) {
            results.add(executor.submit(() -> {
                for (int c = 0; c < 100; c++) {
                    t.send(l.address(), json("{}"), TIMEOUT).join();
                }
                return null;
            }));
        }
        for (Future<?> r : results) {
            r.get(30, TimeUnit.SECONDS);
        }
        long millis = (System.nanoTime() - start) / 1_000_000;

        System.out.printf(Locale.ROOT, "[http transport] %d concurrent calls from %d threads: %d ms (%.0f calls/s)%n",
                threads * 100, threads, millis, threads * 100 * 1000.0 / Math.max(1, millis));
        assertThat(t.connectionsDialed(l.address())).isLessThanOrEqualTo(threads);
    }

    // ---------------------------------------------------------------- other clients

    @Test
    void javaHttpClientCanCallTheServer() throws Exception {
        HttpTransport t = transport();
        Listener l = t.listen("127.0.0.1:0", HttpTransportTest::echo);
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

        HttpResponse<String> post = client.send(HttpRequest.newBuilder(URI.create("http://" + l.address() + "/"))
                .header("Content-Type", "application/json").header("Micro-Endpoint", "Greeter.Hello")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"John\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> get = client.send(HttpRequest.newBuilder(URI.create("http://" + l.address() + "/foo"))
                .header("Micro-Endpoint", "Greeter.Hello").GET().build(), HttpResponse.BodyHandlers.ofString());

        assertThat(post.statusCode()).isEqualTo(200);
        assertThat(post.body()).isEqualTo("{\"name\":\"John\"}");
        assertThat(post.headers().firstValue("Micro-Endpoint")).hasValue("Greeter.Hello");
        assertThat(get.statusCode()).isEqualTo(200);
        assertThat(get.body()).isEmpty();
        assertThat(get.headers().firstValue("Content-Length")).hasValue("0");
    }

    @Test
    void rawSocketCanCallTheServerWithKeepAliveAndPipelining() throws Exception {
        HttpTransport t = transport();
        rawKeepAliveAndPipelining(t.listen("127.0.0.1:0", HttpTransportTest::echo));
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrderWhenRepliesComeFromOtherThreads() throws Exception {
        HttpTransport t = transport();
        // the first request of each connection is answered last-come: a later reply must still wait for it
        rawKeepAliveAndPipelining(t.listen("127.0.0.1:0", ex -> executor.execute(() -> echo(ex))));
    }

    private static void rawKeepAliveAndPipelining(Listener l) throws Exception {
        try (Socket s = connect(l.address())) {
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            out.write(("POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}")
                    .getBytes(StandardCharsets.US_ASCII));
            RawResponse first = RawResponse.read(in);
            assertThat(first.statusLine).isEqualTo("HTTP/1.1 200 OK");
            assertThat(first.body()).isEqualTo("{}");
            assertThat(first.headers).containsEntry("content-type", "application/json");

            // GET /foo, then two pipelined requests (one chunked) written at once: answered in order
            out.write(("GET /foo HTTP/1.1\r\nHost: x\r\nX-N: 1\r\n\r\n"
                    + "POST /bar HTTP/1.1\r\nHost: x\r\nX-N: 2\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n"
                    + "POST / HTTP/1.1\r\nHost: x\r\nX-N: 3\r\nContent-Length: 1\r\n\r\nz")
                    .getBytes(StandardCharsets.US_ASCII));
            RawResponse r1 = RawResponse.read(in);
            RawResponse r2 = RawResponse.read(in);
            RawResponse r3 = RawResponse.read(in);
            assertThat(List.of(r1.headers.get("x-n"), r2.headers.get("x-n"), r3.headers.get("x-n")))
                    .containsExactly("1", "2", "3");
            assertThat(List.of(r1.body(), r2.body(), r3.body())).containsExactly("", "abcde", "z");
            assertThat(r2.headers).doesNotContainKey("transfer-encoding");

            // Connection: close is honoured
            out.write("POST / HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            RawResponse last = RawResponse.read(in);
            assertThat(last.headers).containsEntry("connection", "close");
            assertThat(in.read()).isEqualTo(-1);
        }
    }

    @Test
    void http10IsClosedUnlessKeepAliveIsAsked() throws Exception {
        HttpTransport t = transport();
        Listener l = t.listen("127.0.0.1:0", HttpTransportTest::echo);
        try (Socket s = connect(l.address())) {
            s.getOutputStream().write("POST / HTTP/1.0\r\nContent-Length: 2\r\n\r\nhi".getBytes(StandardCharsets.US_ASCII));
            RawResponse r = RawResponse.read(s.getInputStream());
            assertThat(r.body()).isEqualTo("hi");
            assertThat(s.getInputStream().read()).isEqualTo(-1);
        }
        try (Socket s = connect(l.address())) {
            OutputStream out = s.getOutputStream();
            out.write("POST / HTTP/1.0\r\nConnection: keep-alive\r\nContent-Length: 1\r\n\r\na"
                    .getBytes(StandardCharsets.US_ASCII));
            RawResponse r = RawResponse.read(s.getInputStream());
            assertThat(r.headers).containsEntry("connection", "keep-alive");
            out.write("POST / HTTP/1.0\r\nConnection: keep-alive\r\nContent-Length: 1\r\n\r\nb"
                    .getBytes(StandardCharsets.US_ASCII));
            assertThat(RawResponse.read(s.getInputStream()).body()).isEqualTo("b");
        }
    }

    @Test
    void expectContinueIsAnswered() throws Exception {
        HttpTransport t = transport();
        Listener l = t.listen("127.0.0.1:0", HttpTransportTest::echo);
        try (Socket s = connect(l.address())) {
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            out.write("POST / HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            assertThat(RawResponse.read(in).statusLine).isEqualTo("HTTP/1.1 100 Continue");
            out.write("abc".getBytes(StandardCharsets.US_ASCII));
            assertThat(RawResponse.read(in).body()).isEqualTo("abc");
        }
    }

    // ---------------------------------------------------------------- server errors

    @Test
    void oversizeBodyGetsA413AndTheServerKeepsServing() throws Exception {
        HttpTransport t = transport("micro.transport.http.max-body-size", "1k");
        Listener l = t.listen("127.0.0.1:0", HttpTransportTest::echo);
        String expectedDetail = "request body of 2048 bytes exceeds micro.transport.http.max-body-size (1024 bytes)";

        // by Content-Length, through our own client: the error comes back as a normal 200 message
        Message rsp = t.send(l.address(), new Message(Metadata.empty(), new byte[2048]), TIMEOUT).join();
        MicroException e = ErrorJson.parse(rsp.header().get("Micro-Error"));
        assertThat(e.id()).isEqualTo("go.micro.server");
        assertThat(e.code()).isEqualTo(413);
        assertThat(e.detail()).isEqualTo(expectedDetail);
        assertThat(e.status()).isEqualTo("Request Entity Too Large");
        assertThat(text(rsp)).isEqualTo(rsp.header().get("Micro-Error"));
        assertThat(rsp.header().get("Content-Type")).isEqualTo("application/json");

        // chunked, through a raw socket: the server answers, then closes
        try (Socket s = connect(l.address())) {
            OutputStream out = s.getOutputStream();
            out.write("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            byte[] chunk = ("400\r\n" + "x".repeat(1024) + "\r\n").getBytes(StandardCharsets.US_ASCII);
            out.write(chunk);
            out.write(chunk);
            out.flush();
            RawResponse r = RawResponse.read(s.getInputStream());
            assertThat(r.statusLine).isEqualTo("HTTP/1.1 200 OK");
            assertThat(r.headers).containsEntry("connection", "close");
            assertThat(ErrorJson.parse(r.headers.get("micro-error")).code()).isEqualTo(413);
            assertThat(r.body()).isEqualTo(r.headers.get("micro-error"));
            assertThat(readToEnd(s.getInputStream())).isEqualTo(-1);
        }

        assertThat(text(t.send(l.address(), json("ok"), TIMEOUT).join())).isEqualTo("ok");
    }

    @Test
    void oversizeBodyFromJavaHttpClientGetsTheStructuredError() throws Exception {
        HttpTransport t = transport("micro.transport.http.max-body-size", "64k");
        Listener l = t.listen("127.0.0.1:0", HttpTransportTest::echo);
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://" + l.address() + "/"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[100_000])).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(ErrorJson.parse(r.headers().firstValue("Micro-Error").orElseThrow()).code()).isEqualTo(413);
    }

    @Test
    void malformedRequestGetsA400AndTheServerKeepsServing() throws Exception {
        HttpTransport t = transport();
        Listener l = t.listen("127.0.0.1:0", HttpTransportTest::echo);
        try (Socket s = connect(l.address())) {
            s.getOutputStream().write("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: nope\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            RawResponse r = RawResponse.read(s.getInputStream());
            MicroException e = ErrorJson.parse(r.headers.get("micro-error"));
            assertThat(e.code()).isEqualTo(400);
            assertThat(e.id()).isEqualTo("go.micro.server");
            assertThat(e.detail()).startsWith("malformed HTTP request");
            assertThat(readToEnd(s.getInputStream())).isEqualTo(-1);
        }
        try (Socket s = connect(l.address())) {
            s.getOutputStream().write(new byte[] {0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, '\r', '\n', '\r',
                '\n'}); // a TLS hello, say
            assertThat(readToEnd(s.getInputStream())).isEqualTo(-1);
        }

        assertThat(text(t.send(l.address(), json("still here"), TIMEOUT).join())).isEqualTo("still here");
    }

    @Test
    void aThrowingHandlerStillAnswers() {
        HttpTransport t = transport();
        Listener l = t.listen("127.0.0.1:0", ex -> {
            throw new IllegalStateException("bug");
        });

        Message rsp = t.send(l.address(), json("{}"), TIMEOUT).join();

        MicroException e = ErrorJson.parse(rsp.header().get("Micro-Error"));
        assertThat(e.code()).isEqualTo(500);
        assertThat(e.detail()).contains("bug");
    }

    @Test
    void replyTwiceIsRefused() {
        HttpTransport t = transport();
        AtomicReference<Throwable> second = new AtomicReference<>();
        Listener l = t.listen("127.0.0.1:0", ex -> {
            echo(ex);
            try {
                echo(ex);
            } catch (IllegalStateException e) {
                second.set(e);
            }
        });

        assertThat(text(t.send(l.address(), json("once"), TIMEOUT).join())).isEqualTo("once");
        await().atMost(5, TimeUnit.SECONDS).until(() -> second.get() != null);
        assertThat(second.get()).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void idleServerConnectionsAreClosed() throws Exception {
        HttpTransport t = transport("micro.transport.http.idle-timeout", "200ms");
        HttpListener l = (HttpListener) t.listen("127.0.0.1:0", HttpTransportTest::echo);
        try (Socket s = connect(l.address())) {
            await().atMost(5, TimeUnit.SECONDS).until(() -> l.connections() == 1);
            assertThat(readToEnd(s.getInputStream())).isEqualTo(-1);
        }
    }

    // ---------------------------------------------------------------- client errors

    /** A refused dial fails at once and leaves no connection (the contract checks the exception). */
    @Test
    void closedPortFailsFastAndLeavesNoConnection() throws Exception {
        HttpTransport t = transport();
        int port;
        try (ServerSocket ss = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = ss.getLocalPort();
        }
        long start = System.nanoTime();

        Throwable e = failureOf(t.send("127.0.0.1:" + port, json("{}"), TIMEOUT));

        assertThat(e).isInstanceOf(TransportException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
        assertThat(t.openConnections("127.0.0.1:" + port)).isZero();
    }

    @Test
    void serverThatNeverRepliesTimesOutAndTheConnectionIsClosed() {
        HttpTransport t = transport();
        List<Exchange> held = new CopyOnWriteArrayList<>();
        HttpListener l = (HttpListener) t.listen("127.0.0.1:0", held::add);

        CompletableFuture<Message> call = t.send(l.address(), json("{}"), Duration.ofMillis(300));
        await().atMost(5, TimeUnit.SECONDS).until(() -> held.size() == 1 || call.isDone());
        Throwable e = failureOf(call);

        assertThat(e).isInstanceOf(TimeoutException.class).hasMessageContaining(l.address());
        await().atMost(5, TimeUnit.SECONDS).until(() -> t.openConnections(l.address()) == 0);
        // the server cannot tell a client that closed from one that only shut its side down and waits for its
        // answer: it keeps the connection until the answer is written (micro.transport.http.idle-timeout at most)
        // a late answer goes nowhere, and the next call is answered on a new connection
        held.forEach(ex -> ex.reply(json("late")));
        await().atMost(5, TimeUnit.SECONDS).until(() -> l.connections() == 0);
        int before = held.size();
        CompletableFuture<Message> next = t.send(l.address(), json("fresh"), TIMEOUT);
        await().atMost(5, TimeUnit.SECONDS).until(() -> held.size() == before + 1);
        held.get(before).reply(json("fresh"));
        assertThat(text(next.join())).isEqualTo("fresh");
        assertThat(t.connectionsDialed(l.address())).isEqualTo(2);
    }

    @Test
    void serverClosingMidRequestFailsWithRequestSent() throws Exception {
        HttpTransport t = transport();
        ServerSocket ss = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
        closeables.add(ss);
        executor.execute(() -> {
            try (Socket s = ss.accept()) {
                readHead(s.getInputStream()); // the request arrived: now hang up without answering
            } catch (IOException ignored) {
                // the test fails on its own if this happens
            }
        });

        Throwable e = failureOf(t.send("127.0.0.1:" + ss.getLocalPort(), json("{}"), TIMEOUT));

        assertThat(e).isInstanceOf(TransportException.class);
        assertThat(((TransportException) e).requestSent()).isTrue();
    }

    @Test
    void non200WithoutMicroErrorBecomesAMicroException() throws Exception {
        HttpTransport t = transport();
        ServerSocket ss = rawServer("HTTP/1.1 500 Internal Server Error\r\nContent-Length: 4\r\n\r\nboom");

        Throwable e = failureOf(t.send("127.0.0.1:" + ss.getLocalPort(), json("{}"), TIMEOUT));

        assertThat(e).isInstanceOf(MicroException.class);
        MicroException m = (MicroException) e;
        assertThat(m.id()).isEqualTo("go.micro.client.transport");
        assertThat(m.code()).isEqualTo(500);
        assertThat(m.detail()).isEqualTo("500 Internal Server Error: boom");
        assertThat(m.status()).isEqualTo("Internal Server Error");
    }

    @Test
    void non200WithMicroErrorIsAMessage() throws Exception {
        HttpTransport t = transport();
        String err = "{\"id\":\"x\",\"code\":404,\"detail\":\"nope\",\"status\":\"Not Found\"}";
        ServerSocket ss = rawServer("HTTP/1.1 404 Not Found\r\nMicro-Error: " + err + "\r\nContent-Length: 0\r\n\r\n");

        Message rsp = t.send("127.0.0.1:" + ss.getLocalPort(), json("{}"), TIMEOUT).join();

        assertThat(rsp.header().get("Micro-Error")).isEqualTo(err);
    }

    @Test
    void chunkedResponseIsRead() throws Exception {
        HttpTransport t = transport();
        ServerSocket ss = rawServer("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX-A: b\r\n\r\n"
                + "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");

        Message rsp = t.send("127.0.0.1:" + ss.getLocalPort(), json("{}"), TIMEOUT).join();

        assertThat(text(rsp)).isEqualTo("hello world");
        assertThat(rsp.header().asMap()).containsEntry("X-A", "b").doesNotContainKey("Transfer-Encoding");
    }

    @Test
    void responseWithoutLengthIsReadToTheEnd() throws Exception {
        HttpTransport t = transport();
        ServerSocket ss = rawServer("HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the end");

        Message rsp = t.send("127.0.0.1:" + ss.getLocalPort(), json("{}"), TIMEOUT).join();

        assertThat(text(rsp)).isEqualTo("until the end");
        await().atMost(5, TimeUnit.SECONDS).until(() -> t.openConnections("127.0.0.1:" + ss.getLocalPort()) == 0);
    }

    // ---------------------------------------------------------------- lifecycle and pool

    @Test
    void stopAcceptingRefusesNewConnectionsAndWindsDownOpenOnes() throws Exception {
        HttpTransport t = transport();
        java.util.concurrent.BlockingQueue<io.microcdi.transport.Exchange> held =
                new java.util.concurrent.LinkedBlockingQueue<>();
        HttpListener l = (HttpListener) t.listen("127.0.0.1:0", ex -> {
            if (text(ex.request()).equals("hold")) {
                held.add(ex);
            } else {
                echo(ex);
            }
        });
        // two pooled connections: one idle, one busy with a call that is not answered yet
        java.util.concurrent.CompletableFuture<Message> busy = t.send(l.address(), json("hold"), TIMEOUT);
        io.microcdi.transport.Exchange waiting = held.poll(5, TimeUnit.SECONDS);
        assertThat(waiting).isNotNull();
        assertThat(text(t.send(l.address(), json("before"), TIMEOUT).join())).isEqualTo("before");
        assertThat(t.openConnections(l.address())).isEqualTo(1 + 1);

        l.stopAccepting();

        assertThatThrownBy(() -> connect(l.address()).close()).isInstanceOf(ConnectException.class);
        // the idle connection is closed at once, so the pool stops sending calls to a node that is going away
        await().atMost(5, TimeUnit.SECONDS).until(() -> t.openConnections(l.address()) == 1);
        // the busy one still gets its answer, then closes
        waiting.reply(json("held"));
        assertThat(text(busy.get(5, TimeUnit.SECONDS))).isEqualTo("held");
        await().atMost(5, TimeUnit.SECONDS).until(() -> t.openConnections(l.address()) == 0);

        Throwable e = failureOf(t.send(l.address(), json("closed"), TIMEOUT));
        assertThat(e).isInstanceOf(TransportException.class);
        assertThat(((TransportException) e).requestSent()).isFalse();
        l.close();
    }

    @Test
    void poolSizeBoundsConnectionsAndCallersWait() {
        HttpTransport t = transport("micro.transport.http.pool-size", "2");
        List<Exchange> held = new CopyOnWriteArrayList<>();
        HttpListener l = (HttpListener) t.listen("127.0.0.1:0", held::add);

        List<CompletableFuture<Message>> calls = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            calls.add(t.send(l.address(), json("call " + i), TIMEOUT));
        }
        await().atMost(5, TimeUnit.SECONDS).until(() -> held.size() == 2);
        assertThat(t.openConnections(l.address())).isEqualTo(2);
        assertThat(l.connections()).isEqualTo(2);

        // each answer frees a connection for the next waiter
        for (int answered = 0; answered < 5; answered++) {
            int n = answered;
            await().atMost(5, TimeUnit.SECONDS).until(() -> held.size() > n);
            echo(held.get(n));
        }

        assertThat(calls).allSatisfy(c -> assertThat(c.join().body()).isNotEmpty());
        assertThat(calls.stream().map(c -> text(c.join())).toList())
                .containsExactlyInAnyOrder("call 0", "call 1", "call 2", "call 3", "call 4");
        assertThat(t.connectionsDialed(l.address())).isEqualTo(2);
    }

    @Test
    void waitingForAFreeConnectionIsBoundedByTheTimeout() {
        HttpTransport t = transport("micro.transport.http.pool-size", "1");
        List<Exchange> held = new CopyOnWriteArrayList<>();
        Listener l = t.listen("127.0.0.1:0", held::add);
        CompletableFuture<Message> first = t.send(l.address(), json("1"), TIMEOUT);
        await().atMost(5, TimeUnit.SECONDS).until(() -> held.size() == 1);

        Throwable e = failureOf(t.send(l.address(), json("2"), Duration.ofMillis(100)));

        assertThat(e).isInstanceOf(TimeoutException.class).hasMessageContaining("pool-size=1");
        echo(held.get(0));
        assertThat(text(first.join())).isEqualTo("1");
    }

    @Test
    void idlePooledConnectionsExpire() {
        HttpTransport t = transport("micro.transport.http.pool-ttl", "200ms");
        HttpListener l = (HttpListener) t.listen("127.0.0.1:0", HttpTransportTest::echo);
        t.send(l.address(), json("x"), TIMEOUT).join();
        assertThat(t.openConnections(l.address())).isEqualTo(1);

        await().atMost(5, TimeUnit.SECONDS).until(() -> t.openConnections(l.address()) == 0 && l.connections() == 0);
        assertThat(text(t.send(l.address(), json("y"), TIMEOUT).join())).isEqualTo("y");
        assertThat(t.connectionsDialed(l.address())).isEqualTo(2);
    }

    @Test
    void disconnectClosesPooledConnections() {
        HttpTransport t = transport();
        HttpListener l = (HttpListener) t.listen("127.0.0.1:0", HttpTransportTest::echo);
        t.send(l.address(), json("x"), TIMEOUT).join();
        await().atMost(5, TimeUnit.SECONDS).until(() -> l.connections() == 1);

        t.disconnect(l.address());

        await().atMost(5, TimeUnit.SECONDS).until(() -> l.connections() == 0);
        assertThat(text(t.send(l.address(), json("again"), TIMEOUT).join())).isEqualTo("again");
    }

    @Test
    void listenerCloseClosesAcceptedConnections() throws Exception {
        HttpTransport t = transport();
        Listener l = t.listen("127.0.0.1:0", HttpTransportTest::echo);
        try (Socket s = connect(l.address())) {
            l.close();
            assertThat(readToEnd(s.getInputStream())).isEqualTo(-1);
        }
        assertThatThrownBy(() -> connect(l.address()).close()).isInstanceOf(ConnectException.class);
    }

    @Test
    void closeIsQuickAndFailsLaterCalls() {
        HttpTransport t = transport();
        Listener l = t.listen("127.0.0.1:0", HttpTransportTest::echo);
        t.send(l.address(), json("x"), TIMEOUT).join();
        long start = System.nanoTime();

        t.close();

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
        assertThat(failureOf(t.send(l.address(), json("x"), TIMEOUT))).isInstanceOf(TransportException.class);
        assertThatThrownBy(() -> t.listen("127.0.0.1:0", HttpTransportTest::echo))
                .isInstanceOf(TransportException.class);
    }

    @Test
    void handlersRunOnNamedDaemonIoThreads() {
        HttpTransport t = transport();
        AtomicReference<Thread> thread = new AtomicReference<>();
        Listener l = t.listen("127.0.0.1:0", ex -> {
            thread.set(Thread.currentThread());
            echo(ex);
        });

        t.send(l.address(), json("{}"), TIMEOUT).join();

        assertThat(thread.get().getName()).matches("microcdi-io-\\d+");
        assertThat(thread.get().isDaemon()).isTrue();
    }

    @Test
    void providerIsFoundByNameAndReadsItsConfig() {
        TransportProvider provider = ServiceLoader.load(TransportProvider.class).stream()
                .map(ServiceLoader.Provider::get).filter(p -> p.name().equals("http")).findFirst().orElseThrow();
        MicroConfig config = DefaultMicroConfig.of(Map.of("micro.transport.http.pool-size", "7",
                "micro.transport.http.pool-ttl", "30s", "micro.transport.http.dial-timeout", "250ms",
                "micro.transport.http.max-body-size", "8m", "micro.transport.http.idle-timeout", "5m",
                "micro.transport.http.io-threads", "3"));

        Transport t = provider.create(config);
        closeables.add(t);

        assertThat(t).isInstanceOf(HttpTransport.class);
        assertThat(t.name()).isEqualTo("http");
        assertThat(((HttpTransport) t).config()).isEqualTo(new HttpTransportConfig(3, 8 * 1024 * 1024,
                Duration.ofMinutes(5), 7, Duration.ofSeconds(30), Duration.ofMillis(250)));
        assertThat(HttpTransportConfig.from(DefaultMicroConfig.of(Map.of())))
                .isEqualTo(HttpTransportConfig.defaults());
        assertThatThrownBy(() -> HttpTransportConfig.from(DefaultMicroConfig.of(Map.of("micro.transport.http.pool-size",
                "0")))).hasMessageContaining("micro.transport.http.pool-size");
    }

    // ---------------------------------------------------------------- helpers

    private ServerSocket rawServer(String response) throws IOException {
        ServerSocket ss = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
        closeables.add(ss);
        executor.execute(() -> {
            try (Socket s = ss.accept()) {
                readHead(s.getInputStream());
                s.getOutputStream().write(response.getBytes(StandardCharsets.UTF_8));
                s.getOutputStream().flush();
                s.shutdownOutput();
                readToEnd(s.getInputStream());
            } catch (IOException ignored) {
                // the test fails on its own if this happens
            }
        });
        return ss;
    }

    private static Socket connect(String address) throws IOException {
        int colon = address.lastIndexOf(':');
        Socket s = new Socket();
        s.connect(new InetSocketAddress(address.substring(0, colon), Integer.parseInt(address.substring(colon + 1))),
                2000);
        s.setSoTimeout(5000);
        return s;
    }

    /** Reads until the peer closes; {@code -1} then, or an exception on reset (also a close). */
    private static int readToEnd(InputStream in) {
        byte[] buf = new byte[8192];
        try {
            while (in.read(buf) >= 0) {
                // drop it
            }
        } catch (IOException reset) {
            // a reset is a close too
        }
        return -1;
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int last4 = 0;
        while (last4 != 0x0d0a0d0a) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("EOF in head");
            }
            head.write(b);
            last4 = (last4 << 8) | b;
        }
        return head.toString(StandardCharsets.UTF_8).trim();
    }

    /** An HTTP/1.1 response read off a socket by hand. */
    private record RawResponse(String statusLine, Map<String, String> headers, byte[] bodyBytes) {

        static RawResponse read(InputStream in) throws IOException {
            String[] lines = readHead(in).split("\r\n");
            Map<String, String> headers = new LinkedHashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                headers.put(lines[i].substring(0, colon).toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
            }
            int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
            byte[] body = in.readNBytes(length);
            return new RawResponse(lines[0], headers, body);
        }

        String body() {
            return new String(bodyBytes, StandardCharsets.UTF_8);
        }
    }
}
