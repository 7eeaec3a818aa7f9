package io.microcdi.rpc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.StringValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.microcdi.annotation.ContentType;
import io.microcdi.annotation.Endpoint;
import io.microcdi.client.CallOptions;
import io.microcdi.client.Request;
import io.microcdi.client.Response;
import io.microcdi.client.RetryPolicy;
import io.microcdi.client.rpc.RpcClient;
import io.microcdi.client.rpc.RpcClientConfig;
import io.microcdi.codec.Codecs;
import io.microcdi.codec.Envelope;
import io.microcdi.codec.protorpc.ProtoRpcCodec;
import io.microcdi.config.MicroConfig;
import io.microcdi.errors.MicroException;
import io.microcdi.internal.client.ClientInterception;
import io.microcdi.internal.client.ClientProxies;
import io.microcdi.internal.config.DefaultMicroConfig;
import io.microcdi.config.Plugins;
import io.microcdi.internal.model.ServiceModel;
import io.microcdi.metadata.Metadata;
import io.microcdi.registry.Node;
import io.microcdi.registry.Service;
import io.microcdi.registry.memory.MemoryRegistry;
import io.microcdi.selector.cache.CachingSelector;
import io.microcdi.server.rpc.RpcServer;
import io.microcdi.server.rpc.RpcServerConfig;
import io.microcdi.transport.Listener;
import io.microcdi.transport.Message;
import io.microcdi.transport.http.HttpTransport;
import io.microcdi.transport.http.HttpTransportConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every codec both ways (typed client, server, reply) over the real HTTP transport on loopback, the legacy envelopes
 * of requests without routing headers as raw HTTP POSTs, 415, and bad input answered 400 while the server keeps
 * serving.
 */
class CodecRoundTripTest {

    public record Hello(String name) {
    }

    public record Reply(String greeting) {
    }

    /** The greeter of the issue: Greeter.Hello answers {"greeting":"Hello John"}. */
    public static class Greeter {
        public Reply hello(Hello h) {
            if (h.name() == null || h.name().isEmpty()) {
                throw MicroException.badRequest("greeter.hello", "name is required");
            }
            return new Reply("Hello " + h.name());
        }

        public CompletionStage<Reply> later(Hello h) {
            return CompletableFuture.supplyAsync(() -> new Reply("Later " + h.name()));
        }

        public void forget(Hello h) {
        }
    }

    /** The same in protobuf, with protobuf-java's own generated well-known types as messages. */
    public static class ProtoGreeter {
        public StringValue hello(StringValue name) {
            if (name.getValue().isEmpty()) {
                throw MicroException.badRequest("proto.hello", "name is required");
            }
            return StringValue.of("Hello " + name.getValue());
        }

        public Struct echo(Struct s) {
            return s.toBuilder().putFields("echoed", Value.newBuilder().setBoolValue(true).build()).build();
        }
    }

    /** Raw bytes. */
    public static class Blobs {
        public byte[] reverse(byte[] in) {
            byte[] out = new byte[in.length];
            for (int i = 0; i < in.length; i++) {
                out[i] = in[in.length - 1 - i];
            }
            return out;
        }

        public ByteBuffer count(ByteBuffer in) {
            return ByteBuffer.allocate(4).putInt(0, in.remaining());
        }
    }

    public interface GreeterApi {
        Reply hello(Hello h);

        CompletionStage<Reply> laterAsync(Hello h);

        void forget(Hello h);
    }

    @Endpoint("Greeter")
    @ContentType("application/json-rpc")
    public interface GreeterRpcApi {
        Reply hello(Hello h);

        CompletionStage<Reply> laterAsync(Hello h);

        void forget(Hello h);
    }

    @ContentType("application/protobuf")
    public interface ProtoGreeterApi {
        StringValue hello(StringValue name);

        Struct echo(Struct s);
    }

    @Endpoint("ProtoGreeter")
    @ContentType("application/proto-rpc")
    public interface ProtoGreeterRpcApi {
        StringValue hello(StringValue name);

        Struct echo(Struct s);
    }

    @ContentType("application/octet-stream")
    public interface BlobsApi {
        byte[] reverse(byte[] in);

        ByteBuffer count(ByteBuffer in);
    }

    /** One interface, three content types: the method's annotation wins over the interface's, which wins over config. */
    @Endpoint("Greeter")
    @ContentType("application/json-rpc")
    public interface MixedApi {
        Reply hello(Hello h);

        @Endpoint("ProtoGreeter.Hello")
        @ContentType("application/protobuf")
        StringValue protoHello(StringValue name);

        @Endpoint("Blobs.Reverse")
        @ContentType("application/octet-stream")
        byte[] reverse(byte[] in);
    }

    @ContentType("application/protobuf")
    public interface WrongTypesApi {
        Reply hello(Hello h);
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final MicroConfig config = DefaultMicroConfig.of(Map.of());
    private final MemoryRegistry registry = new MemoryRegistry();
    private final HttpTransport transport = new HttpTransport(HttpTransportConfig.defaults());
    /** Every codec the core finds through META-INF/services. */
    private final Codecs codecs = Plugins.load(getClass().getClassLoader(), List.of()).codecs(config);
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final List<Listener> fakes = new ArrayList<>();
    private RpcServer server;
    private CachingSelector selector;
    private RpcClient client;
    private URI uri;

    @BeforeEach
    void setUp() {
        server = new RpcServer(RpcServerConfig.from(config), registry, transport, codecs);
        server.handle(ServiceModel.define(Greeter.class, new Greeter(), "greeter", "1.0.0"));
        server.handle(ServiceModel.define(ProtoGreeter.class, new ProtoGreeter(), "proto", "1.0.0"));
        server.handle(ServiceModel.define(Blobs.class, new Blobs(), "blobs", "1.0.0"));
        server.start();
        uri = URI.create("http://" + server.address() + "/");
        selector = CachingSelector.of("random", registry);
        client = new RpcClient(RpcClientConfig.from(config), config, selector, transport, RetryPolicy.defaults(),
                codecs);
    }

    @AfterEach
    void tearDown() {
        client.close();
        selector.close();
        server.stop();
        fakes.forEach(Listener::close);
        registry.close();
        transport.close();
    }

    private <T> T api(Class<T> type, String service) {
        return ClientProxies.create(type, service, client, codecs, "application/json", ClientInterception.NONE);
    }

    // ---- typed client -> server -> reply, every codec ----

    @Test
    void allFiveCodecsAreFound() {
        assertThat(codecs.contentTypes()).containsExactly("application/json", "application/json-rpc",
                "application/octet-stream", "application/proto-rpc", "application/protobuf");
    }

    @Test
    void json() throws Exception {
        GreeterApi api = api(GreeterApi.class, "greeter");
        assertThat(api.hello(new Hello("John"))).isEqualTo(new Reply("Hello John"));
        assertThat(api.laterAsync(new Hello("Ann")).toCompletableFuture().get()).isEqualTo(new Reply("Later Ann"));
        api.forget(new Hello("x"));
        assertThatThrownBy(() -> api.hello(new Hello(""))).isInstanceOfSatisfying(MicroException.class,
                e -> assertThat(e.code()).isEqualTo(400));
    }

    @Test
    void jsonRpc() throws Exception {
        GreeterRpcApi api = api(GreeterRpcApi.class, "greeter");
        assertThat(api.hello(new Hello("John"))).isEqualTo(new Reply("Hello John"));
        assertThat(api.laterAsync(new Hello("Ann")).toCompletableFuture().get()).isEqualTo(new Reply("Later Ann"));
        api.forget(new Hello("x"));
        assertThatThrownBy(() -> api.hello(new Hello(""))).isInstanceOfSatisfying(MicroException.class, e -> {
            assertThat(e.code()).isEqualTo(400);
            assertThat(e.id()).isEqualTo("greeter.hello");
            assertThat(e.detail()).isEqualTo("name is required");
        });
    }

    @Test
    void protobuf() {
        ProtoGreeterApi api = api(ProtoGreeterApi.class, "proto");
        assertThat(api.hello(StringValue.of("John")).getValue()).isEqualTo("Hello John");
        Struct s = Struct.newBuilder().putFields("n", Value.newBuilder().setNumberValue(7).build()).build();
        assertThat(api.echo(s).getFieldsMap()).containsKeys("n", "echoed");
        assertThatThrownBy(() -> api.hello(StringValue.of(""))).isInstanceOfSatisfying(MicroException.class,
                e -> assertThat(e.id()).isEqualTo("proto.hello"));
    }

    @Test
    void protoRpc() {
        ProtoGreeterRpcApi api = api(ProtoGreeterRpcApi.class, "proto");
        assertThat(api.hello(StringValue.of("John")).getValue()).isEqualTo("Hello John");
        Struct s = Struct.newBuilder().putFields("n", Value.newBuilder().setNumberValue(7).build()).build();
        assertThat(api.echo(s).getFieldsMap()).containsKeys("n", "echoed");
        assertThatThrownBy(() -> api.hello(StringValue.of(""))).isInstanceOfSatisfying(MicroException.class, e -> {
            assertThat(e.code()).isEqualTo(400);
            assertThat(e.detail()).isEqualTo("name is required");
        });
    }

    @Test
    void rawBytes() {
        BlobsApi api = api(BlobsApi.class, "blobs");
        assertThat(api.reverse(new byte[]{1, 2, 3})).containsExactly(3, 2, 1);
        assertThat(api.reverse(new byte[0])).isEmpty();
        assertThat(api.count(ByteBuffer.wrap(new byte[10], 2, 5)).getInt(0)).isEqualTo(5);
    }

    @Test
    void theMethodsContentTypeWinsOverTheInterfacesWhichWinsOverConfiguration() {
        MixedApi api = api(MixedApi.class, "greeter");
        assertThat(api.hello(new Hello("John"))).isEqualTo(new Reply("Hello John"));
        assertThat(api.protoHello(StringValue.of("John")).getValue()).isEqualTo("Hello John");
        assertThat(api.reverse(new byte[]{1, 2})).containsExactly(2, 1);
    }

    @Test
    void aContentTypeThatCannotCarryTheTypesFailsWhenTheClientIsMade() {
        assertThatThrownBy(() -> api(WrongTypesApi.class, "greeter"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("WrongTypesApi.hello")
                .hasMessageContaining("application/protobuf cannot carry")
                .hasMessageContaining("not a protobuf message");
        assertThatThrownBy(() -> ClientProxies.create(GreeterApi.class, "greeter", client, codecs, "text/plain",
                ClientInterception.NONE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("content type text/plain")
                .hasMessageContaining("application/json, application/json-rpc");
    }

    @Test
    void rawClientCallsWrapAndUnwrapTheEnvelope() {
        Response r = client.call(new Request("greeter", "Greeter.Hello", "application/json-rpc",
                "{\"name\":\"John\"}".getBytes(StandardCharsets.UTF_8), Metadata.empty()), CallOptions.defaults())
                .join();
        assertThat(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo("{\"greeting\":\"Hello John\"}");
        assertThat(r.header().get("Content-Type")).isEqualTo("application/json-rpc");
    }

    @Test
    void anErrorOnlyInTheEnvelopeIsRaisedAsMicroException() {
        // a Go Micro server of the first era: no Micro-Error header, the error text in the envelope only
        Listener old = transport.listen("127.0.0.1:0", exchange -> {
            Envelope.Frame in = codecs.envelope("application/json-rpc").readRequest(exchange.request().body());
            String error = in.id().equals("0")
                    ? "{\"id\":\"go.micro.srv.old\",\"code\":409,\"detail\":\"taken\",\"status\":\"Conflict\"}"
                    : "rpc: can't find method " + in.method();
            exchange.reply(new Message(Metadata.of("Content-Type", "application/json"), codecs
                    .envelope("application/json-rpc").writeResponse(in.method(), in.id(), error, new byte[0])));
        });
        fakes.add(old);
        registry.register(new Service("old", "1", Map.of(), List.of(),
                List.of(new Node("old-1", old.address(), Map.of()))), Duration.ofMinutes(1));
        GreeterRpcApi api = ClientProxies.create(GreeterRpcApi.class, "old", client, codecs, "application/json",
                ClientInterception.NONE);

        assertThatThrownBy(() -> api.hello(new Hello("John"))).isInstanceOfSatisfying(MicroException.class, e -> {
            assertThat(e.id()).isEqualTo("go.micro.srv.old");
            assertThat(e.code()).isEqualTo(409);
            assertThat(e.detail()).isEqualTo("taken");
        });
        assertThatThrownBy(() -> api.hello(new Hello("John"))).isInstanceOfSatisfying(MicroException.class, e -> {
            assertThat(e.code()).isZero(); // errors.Parse of plain text: the detail, code 0
            assertThat(e.detail()).isEqualTo("rpc: can't find method Greeter.Hello");
        });
    }

    // ---- raw HTTP: the legacy envelopes of requests without routing headers ----

    private HttpResponse<byte[]> post(Map<String, String> headers, byte[] body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(b::header);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private HttpResponse<byte[]> post(Map<String, String> headers, String body) throws Exception {
        return post(headers, body.getBytes(StandardCharsets.UTF_8));
    }

    private static String text(HttpResponse<byte[]> r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    private static JsonNode microError(HttpResponse<byte[]> r) throws Exception {
        assertThat(r.statusCode()).isEqualTo(200);
        return JSON.readTree(r.headers().firstValue("Micro-Error").orElseThrow());
    }

    private static final String ISSUE_REQUEST = "{\"method\":\"Greeter.Hello\",\"params\":[{\"name\":\"John\"}],\"id\":1}";
    private static final String ISSUE_ANSWER = "{\"id\":1,\"result\":{\"greeting\":\"Hello John\"},\"error\":null}";

    @Test
    void theIssuesExampleWithOnlyContentType() throws Exception {
        HttpResponse<byte[]> r = post(Map.of("Content-Type", "application/json"), ISSUE_REQUEST);

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(text(r)).isEqualTo(ISSUE_ANSWER);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(r.headers().firstValue("Micro-Id")).hasValue("1");
        assertThat(r.headers().firstValue("Micro-Error")).isEmpty();
    }

    @Test
    void withoutContentTypeTheLegacyFormIsJsonRpc() throws Exception {
        HttpResponse<byte[]> r = post(Map.of(), ISSUE_REQUEST);
        assertThat(text(r)).isEqualTo(ISSUE_ANSWER);
    }

    @Test
    void theJsonRpcIdIsEchoedAsSentInAnswersAndErrors() throws Exception {
        Map<String, String> ids = new LinkedHashMap<>();
        ids.put("\"1\"", "1");
        ids.put("1", "1");
        ids.put("1.0", "1.0");
        ids.put("18446744073709551615", "18446744073709551615");
        ids.put("\"a \\\"b\\\"\"", "a \"b\"");
        for (Map.Entry<String, String> id : ids.entrySet()) {
            HttpResponse<byte[]> ok = post(Map.of("Content-Type", "application/json"),
                    "{\"method\":\"Greeter.Hello\",\"params\":[{\"name\":\"John\"}],\"id\":" + id.getKey() + "}");
            assertThat(text(ok)).as(id.getKey()).isEqualTo("{\"id\":" + id.getKey()
                    + ",\"result\":{\"greeting\":\"Hello John\"},\"error\":null}");
            assertThat(ok.headers().firstValue("Micro-Id")).as(id.getKey()).hasValue(id.getValue());
            HttpResponse<byte[]> failed = post(Map.of("Content-Type", "application/json"),
                    "{\"method\":\"Greeter.Nope\",\"params\":[{}],\"id\":" + id.getKey() + "}");
            assertThat(text(failed)).as(id.getKey()).startsWith("{\"id\":" + id.getKey() + ",\"result\":null,");
        }
        for (String none : new String[]{",\"id\":null", ""}) {
            HttpResponse<byte[]> r = post(Map.of("Content-Type", "application/json"),
                    "{\"method\":\"Greeter.Hello\",\"params\":[{\"name\":\"John\"}]" + none + "}");
            assertThat(text(r)).as(none).isEqualTo("{\"id\":null,\"result\":{\"greeting\":\"Hello John\"},"
                    + "\"error\":null}");
        }
    }

    @Test
    void legacyAnswersCarryErrorsInTheEnvelope() throws Exception {
        HttpResponse<byte[]> handler = post(Map.of("Content-Type", "application/json"),
                "{\"method\":\"Greeter.Hello\",\"params\":[{\"name\":\"\"}],\"id\":\"abc\"}");
        JsonNode envelope = JSON.readTree(handler.body());
        assertThat(envelope.get("id").asText()).isEqualTo("abc");
        assertThat(envelope.get("result").isNull()).isTrue();
        JsonNode error = JSON.readTree(envelope.get("error").asText());
        assertThat(error).isEqualTo(JSON.readTree("{\"id\":\"greeter.hello\",\"code\":400,"
                + "\"detail\":\"name is required\",\"status\":\"Bad Request\"}"));
        assertThat(microError(handler)).isEqualTo(error);

        HttpResponse<byte[]> unknown = post(Map.of("Content-Type", "application/json"),
                "{\"method\":\"Greeter.Nope\",\"params\":[{}],\"id\":2}");
        JsonNode e = JSON.readTree(JSON.readTree(unknown.body()).get("error").asText());
        assertThat(e.get("code").asInt()).isEqualTo(404);
        assertThat(e.get("detail").asText()).contains("Greeter.Nope");
    }

    @Test
    void jsonRpcWithRoutingHeadersIsTheEnvelopeToo() throws Exception {
        HttpResponse<byte[]> r = post(Map.of("Content-Type", "application/json-rpc", "Micro-Service", "greeter",
                "Micro-Endpoint", "Greeter.Hello"), ISSUE_REQUEST);
        assertThat(text(r)).isEqualTo(ISSUE_ANSWER);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json-rpc");
    }

    @Test
    void microTargetForcesTheLegacyFormAndMicroProtocolTheNewOne() throws Exception {
        HttpResponse<byte[]> target = post(Map.of("Content-Type", "application/json", "Micro-Service", "greeter",
                "Micro-Target", "greeter"), ISSUE_REQUEST);
        assertThat(text(target)).isEqualTo(ISSUE_ANSWER);

        HttpResponse<byte[]> plain = post(Map.of("Content-Type", "application/json", "Micro-Service", "greeter",
                "Micro-Endpoint", "Greeter.Hello"), "{\"name\":\"John\"}");
        assertThat(text(plain)).isEqualTo("{\"greeting\":\"Hello John\"}");

        HttpResponse<byte[]> protocol = post(Map.of("Content-Type", "application/json", "Micro-Protocol", "mucp"),
                ISSUE_REQUEST);
        JsonNode e = microError(protocol);
        assertThat(e.get("code").asInt()).isEqualTo(400);
        assertThat(e.get("detail").asText()).contains("Micro-Endpoint");
    }

    @Test
    void aPlainJsonBodyWithoutRoutingHeadersIs400NamingBothForms() throws Exception {
        HttpResponse<byte[]> r = post(Map.of("Content-Type", "application/json"), "{\"name\":\"John\"}");
        JsonNode e = microError(r);
        assertThat(e.get("code").asInt()).isEqualTo(400);
        assertThat(e.get("id").asText()).isEqualTo("go.micro.server");
        assertThat(e.get("detail").asText()).contains("no method in the application/json-rpc envelope")
                .contains("Micro-Endpoint");
        assertThat(JSON.readTree(r.body()).get("error").asText()).isEqualTo(r.headers().firstValue("Micro-Error")
                .orElseThrow());
    }

    @Test
    void protoRpcLegacyOverRawPost() throws Exception {
        ProtoRpcCodec protorpc = new ProtoRpcCodec();
        byte[] request = protorpc.writeRequest("ProtoGreeter.Hello", "9", StringValue.of("John").toByteArray());
        for (String type : List.of("application/octet-stream", "application/protobuf")) {
            HttpResponse<byte[]> r = post(Map.of("Content-Type", type), request);

            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("Content-Type")).hasValue(type);
            assertThat(r.headers().firstValue("Micro-Error")).isEmpty();
            Envelope.Frame f = protorpc.readResponse(r.body());
            assertThat(f.id()).isEqualTo("9");
            assertThat(f.method()).isEqualTo("ProtoGreeter.Hello");
            assertThat(f.error()).isNull();
            assertThat(StringValue.parseFrom(f.message()).getValue()).isEqualTo("Hello John");
        }
        HttpResponse<byte[]> failed = post(Map.of("Content-Type", "application/proto-rpc"),
                protorpc.writeRequest("ProtoGreeter.Hello", "10", StringValue.of("").toByteArray()));
        Envelope.Frame f = protorpc.readResponse(failed.body());
        assertThat(f.id()).isEqualTo("10");
        assertThat(JSON.readTree(f.error()).get("detail").asText()).isEqualTo("name is required");
        assertThat(f.length()).isZero();
    }

    @Test
    void plainProtobufAndBytesOverRawPost() throws Exception {
        HttpResponse<byte[]> proto = post(Map.of("Content-Type", "application/protobuf", "Micro-Service", "proto",
                "Micro-Endpoint", "ProtoGreeter.Hello"), StringValue.of("John").toByteArray());
        assertThat(StringValue.parseFrom(proto.body()).getValue()).isEqualTo("Hello John");
        assertThat(proto.headers().firstValue("Content-Type")).hasValue("application/protobuf");

        HttpResponse<byte[]> bytes = post(Map.of("Content-Type", "application/octet-stream", "Micro-Endpoint",
                "Blobs.Reverse"), new byte[]{1, 2, 3});
        assertThat(bytes.body()).containsExactly(3, 2, 1);
    }

    // ---- 415 and bad input ----

    @Test
    void anUnsupportedContentTypeIs415ListingTheSupportedOnes() throws Exception {
        JsonNode e = microError(post(Map.of("Content-Type", "text/plain", "Micro-Endpoint", "Greeter.Hello"),
                "{\"name\":\"John\"}"));
        assertThat(e.get("code").asInt()).isEqualTo(415);
        assertThat(e.get("id").asText()).isEqualTo("go.micro.server");
        assertThat(e.get("status").asText()).isEqualTo("Unsupported Media Type");
        assertThat(e.get("detail").asText()).isEqualTo("unsupported Content-Type: text/plain (expected: one of "
                + "application/json, application/json-rpc, application/octet-stream, application/proto-rpc, "
                + "application/protobuf)");
    }

    @Test
    void aCodecThatCannotCarryTheEndpointsTypesIs415ListingThoseThatCan() throws Exception {
        JsonNode e = microError(post(Map.of("Content-Type", "application/protobuf", "Micro-Endpoint",
                "Greeter.Hello"), new byte[]{0x0a, 1, 'x'}));
        assertThat(e.get("code").asInt()).isEqualTo(415);
        assertThat(e.get("detail").asText()).startsWith("Greeter.Hello: application/protobuf cannot carry")
                .contains(Hello.class.getName())
                .endsWith("(expected: one of application/json, application/json-rpc)");

        JsonNode bytes = microError(post(Map.of("Content-Type", "application/octet-stream", "Micro-Endpoint",
                "ProtoGreeter.Hello"), new byte[]{0x0a, 1, 'x'}));
        assertThat(bytes.get("detail").asText()).startsWith("ProtoGreeter.Hello: application/octet-stream cannot "
                + "carry com.google.protobuf.StringValue").endsWith("(expected: one of application/proto-rpc, "
                + "application/protobuf)");

        // a protobuf message is no JSON bean: refused at start for JSON, so a JSON call gets 415 too, not a 400
        JsonNode json = microError(post(Map.of("Content-Type", "application/json", "Micro-Endpoint",
                "ProtoGreeter.Hello"), "{}".getBytes(StandardCharsets.UTF_8)));
        assertThat(json.get("code").asInt()).isEqualTo(415);
        assertThat(json.get("detail").asText()).contains("a protobuf message")
                .endsWith("(expected: one of application/proto-rpc, application/protobuf)");
    }

    @Test
    void malformedBodiesAndTruncatedEnvelopesAre400AndTheServerKeepsServing() throws Exception {
        Map<String, List<Object>> cases = new LinkedHashMap<>();
        cases.put("truncated json-rpc", List.of("application/json",
                "{\"method\":\"Greeter.Hello\",\"params\":[{\"name\":\"Jo".getBytes(StandardCharsets.UTF_8),
                "go.micro.server"));
        cases.put("malformed message in json-rpc", List.of("application/json-rpc",
                "{\"method\":\"Greeter.Hello\",\"params\":[{\"name\":5e}],\"id\":1}".getBytes(StandardCharsets.UTF_8),
                "go.micro.server"));
        cases.put("wrong message shape in json-rpc", List.of("application/json",
                "{\"method\":\"Greeter.Hello\",\"params\":[{\"name\":{}}],\"id\":1}".getBytes(StandardCharsets.UTF_8),
                "greeter"));
        byte[] protorpc = new ProtoRpcCodec().writeRequest("ProtoGreeter.Hello", "1",
                StringValue.of("John").toByteArray());
        for (int keep : new int[]{2, 20, protorpc.length - 1}) {
            cases.put("proto-rpc truncated to " + keep, List.of("application/octet-stream",
                    java.util.Arrays.copyOf(protorpc, keep), "go.micro.server"));
        }
        // Jackson reads these as UTF-16 and has no byte offsets: once a 500 with a stack trace
        cases.put("json-rpc in UTF-16LE", List.of("application/json", ISSUE_REQUEST.getBytes(StandardCharsets.UTF_16LE),
                "go.micro.server"));
        cases.put("json-rpc in UTF-16BE", List.of("application/json-rpc",
                ISSUE_REQUEST.getBytes(StandardCharsets.UTF_16BE), "go.micro.server"));
        cases.put("bytes after the json-rpc envelope", List.of("application/json",
                (ISSUE_REQUEST + "garbage").getBytes(StandardCharsets.UTF_8), "go.micro.server"));
        cases.put("a second json-rpc envelope", List.of("application/json",
                (ISSUE_REQUEST + " " + ISSUE_REQUEST).getBytes(StandardCharsets.UTF_8), "go.micro.server"));
        byte[] trailing = java.util.Arrays.copyOf(protorpc, protorpc.length + 3);
        cases.put("bytes after the proto-rpc message frame", List.of("application/proto-rpc", trailing,
                "go.micro.server"));
        cases.put("malformed protobuf message", List.of("application/proto-rpc",
                new ProtoRpcCodec().writeRequest("ProtoGreeter.Hello", "1", new byte[]{0x0a, 50, 'J'}), "proto"));

        for (Map.Entry<String, List<Object>> c : cases.entrySet()) {
            HttpResponse<byte[]> r = post(Map.of("Content-Type", (String) c.getValue().get(0)),
                    (byte[]) c.getValue().get(1));
            JsonNode e = microError(r);
            assertThat(e.get("code").asInt()).as(c.getKey() + ": " + e).isEqualTo(400);
            assertThat(e.get("id").asText()).as(c.getKey()).isEqualTo(c.getValue().get(2));
            assertThat(e.get("detail").asText()).as(c.getKey()).isNotBlank().doesNotContain("\n");
            // and the next request is served
            assertThat(text(post(Map.of("Content-Type", "application/json"), ISSUE_REQUEST))).as(c.getKey())
                    .isEqualTo(ISSUE_ANSWER);
        }
        GreeterApi api = api(GreeterApi.class, "greeter");
        assertThat(api.hello(new Hello("John"))).isEqualTo(new Reply("Hello John"));
    }
}
