package io.microcdi.transport.http;

import io.microcdi.internal.transport.PathTransport;
import io.microcdi.metadata.Metadata;
import io.microcdi.transport.Listener;
import io.microcdi.transport.Message;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What the HTTP broker needs of the transport: posting to a path, and the request line and status on the server. */
class HttpTransportPostTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final HttpTransport transport = new HttpTransport();

    @AfterEach
    void close() {
        transport.close();
    }

    @Test
    void aPostToAPathReachesTheHandlerWithItsRequestLineAndComesBackWithItsStatus() {
        List<String> seen = new CopyOnWriteArrayList<>();
        Listener l = transport.listen("127.0.0.1:0", ex -> {
            seen.add(ex.method() + " " + ex.path());
            ex.reply(404, new Message(Metadata.of("Content-Type", "application/json"),
                    "{\"code\":404}".getBytes(StandardCharsets.UTF_8)));
        });

        PathTransport.Reply reply = transport.post(l.address(), "/_sub?id=broker-1",
                new Message(Metadata.of("Content-Type", "application/json"), "{}".getBytes(StandardCharsets.UTF_8)),
                TIMEOUT).join();

        assertThat(seen).containsExactly("POST /_sub?id=broker-1");
        assertThat(reply.status()).isEqualTo(404);
        assertThat(reply.message().header().get("content-type")).isEqualTo("application/json");
        assertThat(new String(reply.message().body(), StandardCharsets.UTF_8)).isEqualTo("{\"code\":404}");
    }

    @Test
    void rpcSendsAndPostsShareTheConnectionsAndRpcStillSeesPostSlash() {
        List<String> seen = new CopyOnWriteArrayList<>();
        Listener l = transport.listen("127.0.0.1:0", ex -> {
            seen.add(ex.method() + " " + ex.path());
            ex.reply(ex.path().equals("/") ? 200 : 201, ex.request());
        });
        Message m = new Message(Metadata.empty(), new byte[] {1});

        for (int i = 0; i < 3; i++) {
            assertThat(transport.send(l.address(), m, TIMEOUT).join().body()).containsExactly(1);
            assertThat(transport.post(l.address(), "/x", m, TIMEOUT).join().status()).isEqualTo(201);
        }

        assertThat(seen).containsExactly("POST /", "POST /x", "POST /", "POST /x", "POST /", "POST /x");
        assertThat(transport.connectionsDialed(l.address())).isEqualTo(1);
    }

    @Test
    void theServerAnswersAnyStatusWithItsReasonAndKeepsTheConnection() throws Exception {
        Listener l = transport.listen("127.0.0.1:0", ex -> ex.reply(ex.method().equals("GET") ? 405 : 200,
                new Message(Metadata.empty(), ex.method().getBytes(StandardCharsets.US_ASCII))));
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

        HttpResponse<String> get = client.send(HttpRequest.newBuilder(URI.create("http://" + l.address() + "/a?b=c"))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> put = client.send(HttpRequest.newBuilder(URI.create("http://" + l.address() + "/"))
                .PUT(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(get.statusCode()).isEqualTo(405);
        assertThat(get.body()).isEqualTo("GET");
        assertThat(put.statusCode()).isEqualTo(200);
        assertThat(put.body()).isEqualTo("PUT");
    }

    @Test
    void theStartLineCarriesTheReasonPhrase() throws Exception {
        Listener l = transport.listen("127.0.0.1:0", ex -> ex.reply(Integer.parseInt(ex.path().substring(1)),
                new Message(Metadata.empty(), new byte[0])));
        for (int status : new int[] {400, 404, 405, 500, 503, 418}) {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port(l.address()))) {
                s.setSoTimeout(5000);
                s.getOutputStream().write(("POST /" + status + " HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n"
                        + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                String response = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
                String reason = status == 418 ? "Status 418" : io.microcdi.errors.MicroException.statusText(status);
                assertThat(response).startsWith("HTTP/1.1 " + status + " " + reason + "\r\n");
            }
        }
    }

    @Test
    void thePostRequestLineIsWhatGoMicroSends() throws Exception {
        try (ServerSocket ss = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            String address = "127.0.0.1:" + ss.getLocalPort();
            var reply = transport.post(address, "/_sub?id=broker-1", new Message(
                    Metadata.of("Content-Type", "application/json"), "{}".getBytes(StandardCharsets.UTF_8)), TIMEOUT);
            try (Socket s = ss.accept()) {
                s.setSoTimeout(5000);
                String head = readHead(s.getInputStream());
                assertThat(head).startsWith("POST /_sub?id=broker-1 HTTP/1.1\r\nHost: " + address + "\r\n")
                        .contains("Content-Type: application/json\r\n", "Content-Length: 2\r\n");
                s.getOutputStream().write("HTTP/1.1 500 Internal Server Error\r\nContent-Length: 4\r\n\r\nboom"
                        .getBytes(StandardCharsets.US_ASCII));
                PathTransport.Reply r = reply.get(5, TimeUnit.SECONDS);
                assertThat(r.status()).isEqualTo(500); // an answer, not a failure: the caller reads the status
                assertThat(r.message().body()).asString(StandardCharsets.US_ASCII).isEqualTo("boom");
            }
        }
    }

    @Test
    void aPathMustBeSafeForTheRequestLine() {
        Message m = new Message(Metadata.empty(), new byte[0]);
        assertThatThrownBy(() -> transport.post("127.0.0.1:1", "_sub", m, TIMEOUT))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("starting with /");
        assertThatThrownBy(() -> transport.post("127.0.0.1:1", "/a b", m, TIMEOUT))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> transport.post("127.0.0.1:1", "/a\r\nX: y", m, TIMEOUT))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static int port(String address) {
        return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
    }

    /** The request head and the body, up to the two bytes of "{}". */
    private static String readHead(InputStream in) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            out.write(b);
            String s = out.toString(StandardCharsets.US_ASCII);
            if (s.endsWith("\r\n\r\n{}")) {
                return s;
            }
        }
        return out.toString(StandardCharsets.US_ASCII);
    }
}
