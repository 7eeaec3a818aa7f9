package io.microcdi.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.microcdi.examples.greeter.proto.GreeterProto;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The greeter's protobuf variant against a real greeter process: {@code ProtoGreeter.Hello} of service
 * {@code greeter-proto}, served next to the JSON {@code Greeter.Hello}, called with {@code Content-Type:
 * application/protobuf} by a plain {@link HttpClient} (what curl sends) and by {@code greeter.jar call-proto} (a
 * {@code @MicroClient} in its own process, found over mDNS). After each test the server must still greet in both.
 */
class ProtoGreeterIT {

    private static final String PROTOBUF = "application/protobuf";
    /** The server's start line names every service it serves: {@code serving [greeter-proto, greeter] on ...}. */
    private static final Pattern SERVING = Pattern.compile("serving \\[([^\\]]*)\\] on (\\S+)");
    /** HelloRequest{name: "John"} by hand: field 1, wire type 2 (tag 0x0a), length 4, the UTF-8 bytes. */
    private static final byte[] JOHN = {0x0a, 4, 'J', 'o', 'h', 'n'};
    /** HelloReply{greeting: "Hello John"}: field 1, length 10. */
    private static final byte[] HELLO_JOHN = {0x0a, 10, 'H', 'e', 'l', 'l', 'o', ' ', 'J', 'o', 'h', 'n'};
    private static final Duration START = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final Processes SERVERS = Processes.perClass();

    @RegisterExtension
    final Processes processes = Processes.perTest();

    private static GreeterProcess greeter;
    private static URI uri;
    private static HttpClient http;

    @BeforeAll
    static void startGreeter() {
        // the default registry (mDNS on loopback): the call-proto process must find greeter-proto by name
        greeter = SERVERS.start(GreeterProcess.server("proto"));
        uri = URI.create("http://" + awaitServing(greeter) + "/");
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    /** Bad input never stops the server: both variants still greet, and the process is alive. */
    @AfterEach
    void stillServesBoth() throws Exception {
        assertThat(GreeterProto.HelloReply.parseFrom(okBody(postProto(JOHN))).getGreeting()).isEqualTo("Hello John");
        HttpResponse<String> json = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json").header("Micro-Service", "greeter")
                .header("Micro-Endpoint", "Greeter.Hello")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"John\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(json.body()).as("the JSON greeter in the same process").isEqualTo("{\"greeting\":\"Hello John\"}");
        assertThat(greeter.process().isAlive()).as(greeter.diagnostics()).isTrue();
    }

    /** The generated class encodes what the README's {@code printf '\x0a\x04John'} writes. */
    @Test
    void generatedRequestIsTheHandEncodedOne() {
        assertThat(GreeterProto.HelloRequest.newBuilder().setName("John").build().toByteArray()).isEqualTo(JOHN);
    }

    /** A raw protobuf POST is answered with a protobuf HelloReply, in the request's content type. */
    @Test
    void rawProtobufPostAnswersHelloReply() throws Exception {
        HttpResponse<byte[]> r = postProto(JOHN);

        byte[] body = okBody(r);
        assertThat(r.headers().firstValue("Content-Type"))
                .hasValueSatisfying(ct -> assertThat(ct).startsWith(PROTOBUF));
        assertThat(body).as("HelloReply{greeting: \"Hello John\"}, byte for byte").isEqualTo(HELLO_JOHN);
        assertThat(GreeterProto.HelloReply.parseFrom(body).getGreeting()).isEqualTo("Hello John");
    }

    /** Unicode names survive both directions; the generated classes do the encoding. */
    @Test
    void generatedMessagesRoundTrip() throws Exception {
        byte[] req = GreeterProto.HelloRequest.newBuilder().setName("Jürgen 世界").build().toByteArray();

        GreeterProto.HelloReply reply = GreeterProto.HelloReply.parseFrom(okBody(postProto(req)));

        assertThat(reply.getGreeting()).isEqualTo("Hello Jürgen 世界");
    }

    /** An empty body is proto3's empty HelloRequest: the handler's own 400, under the service's error id. */
    @Test
    void emptyNameIsTheHandlersBadRequest() throws Exception {
        JsonNode e = microError(postProto(new byte[0]));

        assertThat(e.get("code").asInt()).as("%s", e).isEqualTo(400);
        assertThat(e.get("id").asText()).as("%s", e).isEqualTo("greeter-proto.hello");
        assertThat(e.get("detail").asText()).isEqualTo("name is required");
    }

    /** Bytes that are not a HelloRequest (a length running past the end) are a 400, not a dead connection. */
    @Test
    void truncatedMessageIsBadRequest() throws Exception {
        JsonNode e = microError(postProto(new byte[]{0x0a, 10, 'J', 'o'}));

        assertThat(e.get("code").asInt()).as("%s", e).isEqualTo(400);
    }

    /** JSON is not protobuf: a JSON body sent to the protobuf endpoint is refused with an error, not answered. */
    @Test
    void jsonBodyToTheProtobufEndpointIsRefused() throws Exception {
        HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json").header("Micro-Service", "greeter-proto")
                .header("Micro-Endpoint", "ProtoGreeter.Hello")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"John\"}")).build(),
                HttpResponse.BodyHandlers.ofByteArray());

        assertThat(microError(r).get("code").asInt()).isIn(400, 415);
    }

    /**
     * ProtoGreeter's endpoint has a name of its own, so a caller that names no service still reaches Greeter.Hello:
     * the legacy JSON-RPC envelope without routing headers is answered as before greeter-proto joined the process.
     */
    @Test
    void legacyEnvelopeStillReachesTheJsonGreeter() throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"method\":\"Greeter.Hello\",\"params\":[{\"name\":\"John\"}],\"id\":1}")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(JSON.readTree(r.body())).isEqualTo(
                JSON.readTree("{\"id\":1,\"result\":{\"greeting\":\"Hello John\"},\"error\":null}"));
    }

    /**
     * {@code greeter.jar call-proto John 3}: a {@code @MicroClient} whose content type is protobuf finds greeter-proto
     * over mDNS and is answered three times. ProtoGreeter.Hello decodes nothing but protobuf, so an answer proves the
     * client encoded its request in it.
     */
    @Test
    void callProtoProcessIsAnswered() {
        GreeterProcess call = processes.start(GreeterProcess.server("call-proto").args("call-proto", "John", "3"));
        long t0 = System.nanoTime();

        int exit = call.awaitExit(START);
        System.out.printf("[ProtoGreeterIT] call-proto process: 3 calls, exit %d after %d ms (JVM start included)%n",
                exit, (System.nanoTime() - t0) / 1_000_000);

        assertThat(exit).as("exit code of `GreeterMain call-proto John 3`\n%s", call.diagnostics()).isZero();
        assertThat(call.stdout().lines().toList()).as(call.diagnostics()).hasSize(3).containsOnly("Hello John");
    }

    // ---- helpers ----

    /** Waits for the start line naming greeter-proto and returns the address it listens on. */
    private static String awaitServing(GreeterProcess p) {
        String[] address = new String[1];
        await(p.name() + " serving greeter-proto").atMost(START).pollInterval(Duration.ofMillis(50)).until(() -> {
            if (!p.process().isAlive()) {
                throw new AssertionError(p.name() + " exited before serving\n" + p.diagnostics());
            }
            Matcher m = SERVING.matcher(p.stderr());
            if (m.find()) {
                assertThat(m.group(1).split(", ")).as("services of %s", p.name())
                        .contains("greeter", "greeter-proto");
                address[0] = m.group(2);
            }
            return address[0] != null;
        });
        return address[0];
    }

    private static HttpResponse<byte[]> postProto(byte[] body) throws Exception {
        return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
                .header("Content-Type", PROTOBUF).header("Micro-Service", "greeter-proto")
                .header("Micro-Endpoint", "ProtoGreeter.Hello")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** The body of a successful answer: HTTP 200 and no {@code Micro-Error}. */
    private static byte[] okBody(HttpResponse<byte[]> r) {
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Micro-Error")).as("%s", r.headers().map()).isEmpty();
        return r.body();
    }

    /** The Go Micro error of a failed call: HTTP 200, its JSON in {@code Micro-Error}. */
    private static JsonNode microError(HttpResponse<byte[]> r) throws Exception {
        assertThat(r.statusCode()).as("HTTP status (errors travel in Micro-Error)").isEqualTo(200);
        String header = r.headers().firstValue("Micro-Error").orElse(null);
        assertThat(header).as("Micro-Error header; body was %s", new String(r.body(), StandardCharsets.UTF_8))
                .isNotNull();
        return JSON.readTree(header);
    }
}
