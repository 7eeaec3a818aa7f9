package io.microcdi.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.microcdi.errors.MicroException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Go Micro's wire protocol against a real greeter process, spoken by a plain {@link HttpClient} (what curl or a Go
 * Micro peer sends), not by MicroCDI's client: headers, both header spellings, and every error shape (always HTTP 200,
 * the error JSON in {@code Micro-Error} and in the body). After each test the server must still greet correctly.
 */
class WireIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_BODY = 4 * 1024 * 1024; // micro.transport.http.max-body-size default: 4m

    @RegisterExtension
    static final Processes PROCESSES = Processes.perClass();

    private static GreeterProcess greeter;
    private static String address;
    private static URI uri;
    private static HttpClient http;

    @BeforeAll
    static void startGreeter() {
        // the memory registry: this test is about the wire, not discovery, so it needs no multicast. Both settings
        // come from the environment, as the README tells users, through MicroProfile Config's env mapping.
        address = "127.0.0.1:" + freePort();
        greeter = PROCESSES.start(GreeterProcess.server("wire")
                .env("MICRO_REGISTRY", "memory")
                .env("MICRO_SERVER_ADDRESS", address));
        uri = URI.create("http://" + greeter.awaitServing(Duration.ofSeconds(60)) + "/");
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    /** Bad input never stops the server: it still greets, and the process is alive. */
    @AfterEach
    void stillServes() throws Exception {
        HttpResponse<String> r = send("POST", uri, hello(), "{\"name\":\"John\"}");
        assertThat(r.headers().firstValue("Micro-Error")).as("after the test: %s", greeter.diagnostics()).isEmpty();
        assertThat(r.body()).isEqualTo("{\"greeting\":\"Hello John\"}");
        assertThat(greeter.process().isAlive()).isTrue();
    }

    private static int freePort() {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    // ---- configuration from the environment ----

    @Test
    void environmentVariablesConfigureTheGreeter() {
        assertThat(greeter.address()).isEqualTo(address);
        assertThat(greeter.stderr()).contains("(registry memory, transport http)");
    }

    // ---- success ----

    @Test
    void helloWithMicroHeaders() throws Exception {
        HttpResponse<String> r = send("POST", uri, hello(), "{\"name\":\"John\"}");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("{\"greeting\":\"Hello John\"}");
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(
                ct -> assertThat(ct).startsWith("application/json"));
        assertThat(r.headers().firstValue("Micro-Error")).isEmpty();
        assertThat(r.headers().firstValue("X-Micro-Error")).isEmpty();
    }

    @Test
    void helloNowAnswersAsHelloDoesFromTheEventLoop() throws Exception {
        Map<String, String> h = Map.of("Content-Type", "application/json", "Micro-Service", "greeter",
                "Micro-Endpoint", "Greeter.HelloNow", "Micro-Id", "7");
        HttpResponse<String> r = send("POST", uri, h, "{\"name\":\"John\"}");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("{\"greeting\":\"Hello John\"}");
        assertThat(r.headers().firstValue("Micro-Id")).hasValue("7");
        assertThat(r.headers().firstValue("Micro-Error")).isEmpty();
        // its errors are Hello's: a blank name is the caller's mistake
        assertError(send("POST", uri, h, "{\"name\":\" \"}"), 400, "greeter.hello");
    }

    @Test
    void legacyMicroMethodHeader() throws Exception {
        Map<String, String> h = Map.of("Content-Type", "application/json", "Micro-Service", "greeter",
                "Micro-Method", "Greeter.Hello");
        assertThat(send("POST", uri, h, "{\"name\":\"John\"}").body()).isEqualTo("{\"greeting\":\"Hello John\"}");
    }

    @Test
    void legacyXMicroHeaders() throws Exception {
        Map<String, String> h = Map.of("Content-Type", "application/json", "X-Micro-Service", "greeter",
                "X-Micro-Endpoint", "Greeter.Hello");
        assertThat(send("POST", uri, h, "{\"name\":\"John\"}").body()).isEqualTo("{\"greeting\":\"Hello John\"}");

        Map<String, String> method = Map.of("Content-Type", "application/json", "X-Micro-Method", "Greeter.Hello");
        assertThat(send("POST", uri, method, "{\"name\":\"John\"}").body())
                .isEqualTo("{\"greeting\":\"Hello John\"}");
    }

    @Test
    void goMicroClientHeadersBothSpellingsAndTimeout() throws Exception {
        // what a Go Micro v1 client sends (wire capture 5.4), with a 5 s budget
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Accept", "application/json");
        h.put("Content-Type", "application/json");
        h.put("Micro-Endpoint", "Greeter.Hello");
        h.put("Micro-Id", "0");
        h.put("Micro-Method", "Greeter.Hello");
        h.put("Micro-Service", "greeter");
        h.put("Timeout", "4999967770");
        h.put("X-Custom", "abc");
        h.put("X-Micro-Endpoint", "Greeter.Hello");
        h.put("X-Micro-Id", "0");
        h.put("X-Micro-Method", "Greeter.Hello");
        h.put("X-Micro-Service", "greeter");

        HttpResponse<String> r = send("POST", uri, h, "{\"name\":\"John\"}\n"); // json.Encoder's trailing newline
        assertThat(r.body()).isEqualTo("{\"greeting\":\"Hello John\"}");
        assertThat(r.headers().firstValue("Micro-Id")).hasValue("0");
    }

    @Test
    void microIdIsEchoedInBothSpellings() throws Exception {
        Map<String, String> h = new LinkedHashMap<>(hello());
        h.put("Micro-Id", "42");
        HttpResponse<String> r = send("POST", uri, h, "{\"name\":\"John\"}");

        assertThat(r.body()).isEqualTo("{\"greeting\":\"Hello John\"}");
        assertThat(r.headers().firstValue("Micro-Id")).hasValue("42");
        assertThat(r.headers().firstValue("X-Micro-Id")).hasValue("42");
    }

    @Test
    void microIdIsEchoedOnErrorsToo() throws Exception {
        Map<String, String> h = Map.of("Content-Type", "application/json", "Micro-Endpoint", "Greeter.Nope",
                "Micro-Id", "43");
        HttpResponse<String> r = send("POST", uri, h, "{}");
        assertError(r, 404, "go.micro.server");
        assertThat(r.headers().firstValue("Micro-Id")).hasValue("43");
        assertThat(r.headers().firstValue("X-Micro-Id")).hasValue("43");
    }

    @Test
    void curlLikeGetAndAnyPathAreHandledLikePost() throws Exception {
        // Go Micro ignores the method and the path: curl -X GET ... -d '{"name":"John"}' http://host:port/
        assertThat(send("GET", uri, hello(), "{\"name\":\"John\"}").body())
                .isEqualTo("{\"greeting\":\"Hello John\"}");
        assertThat(send("POST", uri.resolve("/foo/bar"), hello(), "{\"name\":\"John\"}").body())
                .isEqualTo("{\"greeting\":\"Hello John\"}");
        // a bodiless GET reaches the handler with an empty request: the greeter's own 400, not a routing error
        JsonNode e = assertError(send("GET", uri, hello(), null), 400, "greeter.hello");
        assertThat(e.get("detail").asText()).isEqualTo("name is required");
    }

    @Test
    void requestWithoutContentTypeIsReadAsJson() throws Exception {
        Map<String, String> h = Map.of("Micro-Service", "greeter", "Micro-Endpoint", "Greeter.Hello");
        assertThat(send("POST", uri, h, "{\"name\":\"John\"}").body()).isEqualTo("{\"greeting\":\"Hello John\"}");
    }

    // ---- errors: HTTP 200, Micro-Error header = body = {"id","code","detail","status"} ----

    @Test
    void unknownEndpointIs404() throws Exception {
        Map<String, String> h = Map.of("Content-Type", "application/json", "Micro-Service", "greeter",
                "Micro-Endpoint", "Greeter.Nope");
        JsonNode e = assertError(send("POST", uri, h, "{}"), 404, "go.micro.server");
        assertThat(e.get("detail").asText()).contains("Greeter.Nope").contains("Greeter.Hello");
    }

    @Test
    void malformedJsonIs400NamingTheProblem() throws Exception {
        JsonNode e = assertError(send("POST", uri, hello(), "{\"name\":"), 400, null);
        assertThat(e.get("id").asText()).startsWith("greeter");
        assertThat(e.get("detail").asText()).contains("Greeter.Hello").contains("json")
                .containsPattern("line \\d+, column \\d+");
    }

    @Test
    void wrongJsonShapeIs400NamingTheField() throws Exception {
        JsonNode e = assertError(send("POST", uri, hello(), "{\"name\":{\"a\":1}}"), 400, null);
        assertThat(e.get("id").asText()).startsWith("greeter");
        assertThat(e.get("detail").asText()).contains("name");
    }

    @Test
    void unsupportedContentTypeIs415ListingTheSupportedOnes() throws Exception {
        Map<String, String> h = Map.of("Content-Type", "text/plain", "Micro-Service", "greeter",
                "Micro-Endpoint", "Greeter.Hello");
        JsonNode e = assertError(send("POST", uri, h, "{\"name\":\"John\"}"), 415, "go.micro.server");
        assertThat(e.get("detail").asText()).contains("text/plain").contains("application/json");
    }

    @Test
    void emptyNameIsTheGreetersOwn400() throws Exception {
        JsonNode e = assertError(send("POST", uri, hello(), "{\"name\":\"\"}"), 400, "greeter.hello");
        assertThat(e.get("detail").asText()).isEqualTo("name is required");
    }

    @Test
    void missingEndpointHeaderIs400() throws Exception {
        Map<String, String> h = Map.of("Content-Type", "application/json", "Micro-Service", "greeter");
        JsonNode e = assertError(send("POST", uri, h, "{\"name\":\"John\"}"), 400, "go.micro.server");
        assertThat(e.get("detail").asText()).contains("Micro-Endpoint");
    }

    @Test
    void expiredTimeoutIs408AndTheHandlerDoesNotRun() throws Exception {
        Map<String, String> h = new LinkedHashMap<>(hello());
        h.put("Timeout", "1"); // 1 ns of budget: gone before any handler could start
        JsonNode e = assertError(send("POST", uri, h, "{\"name\":\"John\"}"), 408, "go.micro.server");
        assertThat(e.get("detail").asText()).contains("Greeter.Hello");
    }

    @Test
    void bodyOverMaxSizeIs413AndANewConnectionStillWorks() throws Exception {
        byte[] body = new byte[MAX_BODY + 1];
        Arrays.fill(body, (byte) 'x');
        byte[] prefix = "{\"name\":\"".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(prefix, 0, body, 0, prefix.length);
        body[body.length - 2] = '"';
        body[body.length - 1] = '}';

        RawResponse r = rawPost(body);

        assertThat(r.status()).as("status line of %s", r).isEqualTo(200);
        JsonNode h = JSON.readTree(r.header("micro-error"));
        assertThat(JSON.readTree(r.body())).isEqualTo(h);
        assertThat(h.get("code").asInt()).isEqualTo(413);
        assertThat(h.get("id").asText()).isEqualTo("go.micro.server");
        assertThat(h.get("status").asText()).isEqualTo(MicroException.statusText(413));
        assertThat(h.get("detail").asText()).contains("micro.transport.http.max-body-size");
        assertThat(r.closedAfter()).as("the server closes the connection whose body it did not read").isTrue();
        // the @AfterEach then calls on a new connection (HttpClient's pool never saw the raw socket)
    }

    @Test
    void bodyOverMaxSizeErrorCarriesBothSpellings() throws Exception {
        byte[] body = new byte[MAX_BODY + 1];
        Arrays.fill(body, (byte) ' ');
        RawResponse r = rawPost(body);
        assertThat(r.header("x-micro-error")).isEqualTo(r.header("micro-error")).isNotNull();
    }

    @Test
    void severalBadRequestsInARowOnOneKeptAliveConnection() throws Exception {
        for (int i = 0; i < 20; i++) {
            assertError(send("POST", uri, hello(), "{\"name\":"), 400, null);
            assertError(send("POST", uri, Map.of("Micro-Endpoint", "Greeter.Nope"), "{}"), 404, "go.micro.server");
            assertThat(send("POST", uri, hello(), "{\"name\":\"John " + i + "\"}").body())
                    .isEqualTo("{\"greeting\":\"Hello John " + i + "\"}");
        }
    }

    // ---- helpers ----

    private static Map<String, String> hello() {
        return Map.of("Content-Type", "application/json", "Micro-Service", "greeter",
                "Micro-Endpoint", "Greeter.Hello");
    }

    private static HttpResponse<String> send(String method, URI target, Map<String, String> headers, String body)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(target).timeout(Duration.ofSeconds(10))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(b::header);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Asserts Go Micro's error shape and returns the error JSON. {@code id} {@code null}: any id. */
    private static JsonNode assertError(HttpResponse<String> r, int code, String id) throws IOException {
        assertThat(r.statusCode()).as("HTTP status (errors travel in Micro-Error)").isEqualTo(200);
        String header = r.headers().firstValue("Micro-Error").orElse(null);
        assertThat(header).as("Micro-Error header; body was %s", r.body()).isNotNull();
        assertThat(r.headers().firstValue("X-Micro-Error")).hasValue(header);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(
                ct -> assertThat(ct).startsWith("application/json"));
        JsonNode e = JSON.readTree(header);
        assertThat(JSON.readTree(r.body())).as("body = Micro-Error").isEqualTo(e);
        assertThat(iterable(e)).containsExactlyInAnyOrder("id", "code", "detail", "status");
        assertThat(e.get("code").isInt()).as("code is a JSON number: %s", e).isTrue();
        assertThat(e.get("code").asInt()).as("%s", e).isEqualTo(code);
        if (id != null) {
            assertThat(e.get("id").asText()).as("%s", e).isEqualTo(id);
        }
        assertThat(e.get("status").asText()).isEqualTo(MicroException.statusText(code));
        assertThat(e.get("detail").asText()).isNotBlank().doesNotContain("\tat ");
        return e;
    }

    private static Iterable<String> iterable(JsonNode node) {
        return node::fieldNames;
    }

    /** A response read from a raw socket. */
    private record RawResponse(int status, Map<String, String> headers, byte[] body, boolean closedAfter) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        @Override
        public String toString() {
            return status + " " + headers + " " + new String(body, StandardCharsets.UTF_8);
        }
    }

    /**
     * POSTs {@code body} on a raw socket. The server may answer 413 as soon as it sees the length and close without
     * reading the rest, so the body is written by another thread (its failure is expected) while this one reads.
     */
    private static RawResponse rawPost(byte[] body) throws Exception {
        String[] hostPort = greeter.address().split(":");
        Socket socket = new Socket();
        Thread writer = new Thread(() -> {
            try {
                OutputStream out = socket.getOutputStream();
                for (int off = 0; off < body.length; off += 65536) {
                    out.write(body, off, Math.min(65536, body.length - off));
                }
                out.flush();
            } catch (IOException expected) {
                // the server closed the connection after its 413
            }
        }, "it-raw-body-writer");
        writer.setDaemon(true);
        try (socket) {
            socket.connect(new InetSocketAddress(hostPort[0], Integer.parseInt(hostPort[1])), 5000);
            socket.setSoTimeout(10_000);
            String head = "POST / HTTP/1.1\r\nHost: " + greeter.address() + "\r\n"
                    + "Content-Type: application/json\r\nMicro-Service: greeter\r\nMicro-Endpoint: Greeter.Hello\r\n"
                    + "Content-Length: " + body.length + "\r\n\r\n";
            socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            writer.start();
            InputStream in = socket.getInputStream();
            RawResponse r = readResponse(in);
            return new RawResponse(r.status(), r.headers(), r.body(), closed(in));
        } finally {
            writer.join(10_000); // the socket is closed by now, which ends any write still going on
        }
    }

    private static RawResponse readResponse(InputStream in) throws IOException {
        String statusLine = readLine(in);
        int status = Integer.parseInt(statusLine.split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
            int colon = line.indexOf(':');
            headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
        }
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            for (int size = Integer.parseInt(readLine(in).trim(), 16); size > 0;
                 size = Integer.parseInt(readLine(in).trim(), 16)) {
                body.write(in.readNBytes(size));
                readLine(in);
            }
            return new RawResponse(status, headers, body.toByteArray(), false);
        }
        int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
        return new RawResponse(status, headers, in.readNBytes(length), false);
    }

    /** Whether the peer closed the connection: EOF or a reset, rather than more bytes or the read timeout. */
    private static boolean closed(InputStream in) throws IOException {
        try {
            return in.read() < 0;
        } catch (java.net.SocketException reset) {
            return true;
        }
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new IOException("connection closed after: " + line);
            }
            if (c != '\r') {
                line.write(c);
            }
        }
        return line.toString(StandardCharsets.ISO_8859_1);
    }
}
