package io.microcdi.transport.http;

import io.microcdi.internal.config.DefaultMicroConfig;
import io.microcdi.metadata.Metadata;
import io.microcdi.transport.Exchange;
import io.microcdi.transport.Listener;
import io.microcdi.transport.Message;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The HTTP/2 side of the listener, through the JDK's own HTTP/2 client over TLS (ALPN {@code h2}): many calls at once
 * on one connection, limits, draining and idle connections.
 */
class Http2TransportTest {

    @TempDir
    static Path certDir;
    static TestCerts pki;
    static SSLContext trustingCa;

    private final List<AutoCloseable> closing = new ArrayList<>();

    @BeforeAll
    static void makeCertificates() throws Exception {
        pki = TestCerts.create(certDir);
        KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
        ks.load(null, null);
        try (InputStream in = Files.newInputStream(pki.ca())) {
            ks.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        trustingCa = SSLContext.getInstance("TLS");
        trustingCa.init(null, tmf.getTrustManagers(), null);
    }

    @AfterEach
    void tearDown() throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
    }

    private HttpListener listen(Map<String, String> extra, io.microcdi.transport.Transport.Handler handler) {
        Map<String, String> m = new HashMap<>(Map.of(
                HttpTlsConfig.CERT, pki.serverCert().toString(),
                HttpTlsConfig.KEY, pki.serverKey().toString()));
        m.putAll(extra);
        HttpTransport t = new HttpTransport(HttpTransportConfig.from(DefaultMicroConfig.of(m)));
        closing.add(t);
        return (HttpListener) t.listen("127.0.0.1:0", handler);
    }

    private HttpClient client() {
        HttpClient c = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).sslContext(trustingCa)
                .connectTimeout(Duration.ofSeconds(5)).build();
        return c;
    }

    private static HttpRequest post(Listener l, byte[] body) {
        return HttpRequest.newBuilder(URI.create("https://" + l.address() + "/"))
                .header("Content-Type", "application/json").header("Micro-Endpoint", "Greeter.Hello")
                .timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
    }

    private static void echo(Exchange ex) {
        ex.reply(new Message(Metadata.of("Content-Type", "application/json"), ex.request().body()));
    }

    @Test
    void manyCallsRunAtOnceOnOneConnection() throws Exception {
        int calls = 100;
        CountDownLatch allArrived = new CountDownLatch(calls);
        ConcurrentLinkedQueue<Exchange> held = new ConcurrentLinkedQueue<>();
        HttpListener l = listen(Map.of(), ex -> {
            held.add(ex);
            allArrived.countDown();
        });
        HttpClient client = client();
        // one warm-up call opens the connection, so that the rest share it
        CompletableFuture<HttpResponse<String>> first = client.sendAsync(post(l, "{}".getBytes()),
                HttpResponse.BodyHandlers.ofString());
        await().until(() -> !held.isEmpty());
        List<CompletableFuture<HttpResponse<String>>> rest = new ArrayList<>();
        for (int i = 1; i < calls; i++) {
            rest.add(client.sendAsync(post(l, ("{\"n\":" + i + "}").getBytes()), HttpResponse.BodyHandlers.ofString()));
        }
        // every request reaches the handler before any is answered: they are streams of one connection
        assertThat(allArrived.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(l.connections()).isEqualTo(1);
        Thread replier = new Thread(() -> held.forEach(Http2TransportTest::echo)); // from a non-I/O thread
        replier.start();
        replier.join();
        assertThat(first.get(10, TimeUnit.SECONDS).version()).isEqualTo(HttpClient.Version.HTTP_2);
        for (int i = 1; i < calls; i++) {
            HttpResponse<String> r = rest.get(i - 1).get(10, TimeUnit.SECONDS);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_2);
            assertThat(r.body()).isEqualTo("{\"n\":" + i + "}");
        }
    }

    @Test
    void headersGoOutLowerCasedAndTextAsUtf8() throws Exception {
        HttpListener l = listen(Map.of(), ex -> ex.reply(new Message(Metadata.of(
                "Content-Type", "application/json",
                "Micro-Endpoint-Seen", ex.request().header().get("Micro-Endpoint"),
                "Micro-Method-Seen", ex.method() + " " + ex.path(),
                "Micro-Error", "{\"detail\":\"Grüße\"}",
                "Connection", "keep-alive", "Transfer-Encoding", "chunked"), "ok".getBytes())));
        HttpResponse<String> r = client().send(post(l, "{}".getBytes()), HttpResponse.BodyHandlers.ofString());
        assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(r.body()).isEqualTo("ok");
        assertThat(r.headers().firstValue("micro-endpoint-seen")).hasValue("Greeter.Hello");
        assertThat(r.headers().firstValue("micro-method-seen")).hasValue("POST /");
        assertThat(r.headers().firstValue("content-length")).hasValue("2");
        // the JDK reads header bytes as ISO-8859-1: re-read them as the UTF-8 we sent
        String detail = r.headers().firstValue("micro-error").orElseThrow();
        assertThat(new String(detail.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8))
                .isEqualTo("{\"detail\":\"Grüße\"}");
        // connection-specific headers never reach an HTTP/2 peer (they would make the answer malformed)
        assertThat(r.headers().map()).doesNotContainKeys("connection", "transfer-encoding");
    }

    @Test
    void aBodyOverTheLimitIsRefusedAndTheConnectionKeepsServing() throws Exception {
        HttpListener l = listen(Map.of("micro.transport.http.max-body-size", "1k"), Http2TransportTest::echo);
        HttpClient client = client();
        byte[] big = new byte[4096];
        // announced by content-length: refused from its headers
        HttpResponse<String> announced = client.send(post(l, big), HttpResponse.BodyHandlers.ofString());
        assertThat(announced.statusCode()).isEqualTo(200);
        assertThat(announced.headers().firstValue("micro-error")).hasValueSatisfying(e ->
                assertThat(e).contains("\"code\":413").contains("micro.transport.http.max-body-size"));
        // of unknown length: refused once the bytes read pass the limit
        HttpRequest unknownLength = HttpRequest.newBuilder(URI.create("https://" + l.address() + "/"))
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofByteArray(big))).build();
        HttpResponse<String> streamed = client.send(unknownLength, HttpResponse.BodyHandlers.ofString());
        assertThat(streamed.headers().firstValue("micro-error")).hasValueSatisfying(e ->
                assertThat(e).contains("\"code\":413"));
        // the same connection still serves
        HttpResponse<String> small = client.send(post(l, "{\"a\":1}".getBytes()), HttpResponse.BodyHandlers.ofString());
        assertThat(small.body()).isEqualTo("{\"a\":1}");
        assertThat(l.connections()).isEqualTo(1);
    }

    @Test
    void aHandlerThatThrowsIsAnsweredWith500() throws Exception {
        HttpListener l = listen(Map.of(), ex -> {
            throw new IllegalStateException("boom");
        });
        HttpResponse<String> r = client().send(post(l, "{}".getBytes()), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("micro-error")).hasValueSatisfying(e ->
                assertThat(e).contains("\"code\":500").contains("boom"));
    }

    @Test
    void drainingAnswersTheStreamsInFlightThenCloses() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        ConcurrentLinkedQueue<Exchange> held = new ConcurrentLinkedQueue<>();
        HttpListener l = listen(Map.of(), ex -> {
            held.add(ex);
            entered.countDown();
        });
        // curl, not the JDK 17 client: that one fails every stream on a GOAWAY, even those the GOAWAY lets finish
        CompletableFuture<Curl.Result> pending = CompletableFuture.supplyAsync(() -> {
            try {
                return Curl.call("https://" + l.address() + "/", "Greeter.Hello", "{\"x\":1}", "--http2",
                        "--cacert", pki.ca().toString());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(entered.await(20, TimeUnit.SECONDS)).isTrue();
        l.stopAccepting(); // GOAWAY: no new stream here, the open one is served
        assertThat(l.connections()).isEqualTo(1);
        held.forEach(Http2TransportTest::echo);
        Curl.Result r = pending.get(30, TimeUnit.SECONDS);
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.body()).isEqualTo("{\"x\":1}");
        assertThat(r.httpVersion()).isEqualTo("2");
        assertThat(l.awaitConnectionsClosed(Duration.ofSeconds(10))).isTrue();
    }

    @Test
    void anIdleHttp2ConnectionIsClosed() throws Exception {
        HttpListener l = listen(Map.of("micro.transport.http.idle-timeout", "300ms"), Http2TransportTest::echo);
        HttpResponse<String> r = client().send(post(l, "{}".getBytes()), HttpResponse.BodyHandlers.ofString());
        assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_2);
        await().atMost(Duration.ofSeconds(5)).until(() -> l.connections() == 0);
    }

    @Test
    void aPlainTextConnectionThatNeverSpeaksOrStopsMidPrefaceIsClosedWhenIdle() throws Exception {
        HttpTransport t = new HttpTransport(HttpTransportConfig.from(DefaultMicroConfig.of(
                Map.of("micro.transport.http.idle-timeout", "300ms"))));
        closing.add(t);
        HttpListener l = (HttpListener) t.listen("127.0.0.1:0", Http2TransportTest::echo);
        InetSocketAddress at = HttpWire.parse(l.address(), true);
        AtomicInteger closedByServer = new AtomicInteger();
        for (String sent : List.of("", "PRI * HTTP/2")) {
            try (Socket s = new Socket()) {
                s.connect(at, 5000);
                s.setSoTimeout(10_000);
                s.getOutputStream().write(sent.getBytes(StandardCharsets.US_ASCII));
                s.getOutputStream().flush();
                if (s.getInputStream().read() == -1) {
                    closedByServer.incrementAndGet();
                }
            }
        }
        assertThat(closedByServer).hasValue(2);
    }

    @Test
    void aRefusedUploadIsAnsweredWhenItEndsAndAHugeOneIsCut() throws Exception {
        HttpListener l = listen(Map.of("micro.transport.http.max-body-size", "1k"), Http2TransportTest::echo);
        String url = "https://" + l.address() + "/";
        // 512 KiB of unknown length, over the limit: dropped as it arrives, answered when it ends
        Path upload = Files.write(certDir.resolve("upload.json"), new byte[512 * 1024]);
        Curl.Result r = Curl.run("-sS", "--max-time", "20", "--http2", "--cacert", pki.ca().toString(),
                "-H", "Content-Type: application/json", "-H", "Transfer-Encoding: chunked",
                "--data-binary", "@" + upload, "-D", "-", "-o", "/dev/null", url);
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("HTTP/2 200").contains("\"code\":413");

        // 8 MiB: past the discard budget (1 MiB here) the answer goes out and the upload is reset; the JDK 17 client
        // does not take that well (it waits for its timeout), but the connection lives on and serves the next call
        HttpClient client = client();
        HttpRequest huge = HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(2)).POST(HttpRequest.BodyPublishers.ofByteArray(new byte[8 << 20])).build();
        try {
            client.send(huge, HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException cut) {
            // expected with this client
        }
        HttpResponse<String> next = client.send(post(l, "{}".getBytes()), HttpResponse.BodyHandlers.ofString());
        assertThat(next.body()).isEqualTo("{}");
        assertThat(next.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(l.connections()).isEqualTo(1);
    }

    @Test
    void aMalformedHttp2FrameClosesOnlyItsConnection() throws Exception {
        HttpTransport t = new HttpTransport(HttpTransportConfig.defaults());
        closing.add(t);
        HttpListener l = (HttpListener) t.listen("127.0.0.1:0", Http2TransportTest::echo);
        try (Socket s = new Socket()) {
            s.connect(HttpWire.parse(l.address(), true), 5000);
            s.setSoTimeout(10_000);
            // the preface, then a SETTINGS frame on stream 1 with a length that is not a multiple of 6
            s.getOutputStream().write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().write(new byte[] {0, 0, 5, 4, 0, 0, 0, 0, 1, 1, 2, 3, 4, 5});
            s.getOutputStream().flush();
            InputStream in = s.getInputStream();
            while (in.read() != -1) {
                // our SETTINGS, then GOAWAY, then the end
            }
        }
        Curl.Result next = Curl.call("http://" + l.address() + "/", "Greeter.Hello", "{}", "--http2-prior-knowledge");
        assertThat(next.exit()).as(next.err()).isZero();
        assertThat(next.body()).isEqualTo("{}");
    }

    @Test
    void aBodyLongerThanItsFirstBufferArrivesWhole() throws Exception {
        // the buffer for a content-length body starts at 64 KiB and grows as DATA arrives
        HttpListener l = listen(Map.of("micro.transport.http.max-body-size", "1m"), Http2TransportTest::echo);
        byte[] body = new byte[300 * 1024 + 7];
        for (int i = 0; i < body.length; i++) {
            body[i] = (byte) ('a' + i % 26);
        }
        HttpResponse<byte[]> r = client().send(post(l, body), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(r.body()).isEqualTo(body);
    }

    @Test
    void expectContinueIsAnsweredAtOnce() throws Exception {
        HttpTransport t = new HttpTransport(HttpTransportConfig.defaults());
        closing.add(t);
        HttpListener l = (HttpListener) t.listen("127.0.0.1:0", Http2TransportTest::echo);
        // curl would wait 10 s for the 100 before sending the body; --max-time 5 fails the call if it never comes
        Curl.Result r = Curl.run("-sS", "--max-time", "5", "--expect100-timeout", "10", "--http2-prior-knowledge",
                "-H", "Expect: 100-continue", "-H", "Content-Type: application/json", "-d", "{\"e\":1}",
                "http://" + l.address() + "/");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo("{\"e\":1}");
    }
}
