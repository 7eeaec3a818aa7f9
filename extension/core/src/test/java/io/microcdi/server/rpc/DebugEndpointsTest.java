package io.microcdi.server.rpc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.CodedInputStream;
import io.microcdi.codec.Codecs;
import io.microcdi.codec.bytes.BytesCodec;
import io.microcdi.codec.json.JsonCodec;
import io.microcdi.codec.jsonrpc.JsonRpcCodec;
import io.microcdi.codec.proto.ProtoCodec;
import io.microcdi.codec.protorpc.ProtoRpcCodec;
import io.microcdi.errors.ErrorJson;
import io.microcdi.errors.MicroException;
import io.microcdi.internal.config.DefaultMicroConfig;
import io.microcdi.internal.model.ServiceModel;
import io.microcdi.metadata.Metadata;
import io.microcdi.registry.Endpoint;
import io.microcdi.registry.memory.MemoryRegistry;
import io.microcdi.transport.Message;
import io.microcdi.transport.memory.MemoryTransport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every rpc server answers Go Micro's {@code Debug.Health} and {@code Debug.Stats}, under any service name, in JSON and
 * protobuf, plain or enveloped, without advertising them; the counts follow the calls.
 */
class DebugEndpointsTest {

    public record Hello(String name) {
    }

    public record Reply(String greeting) {
    }

    public static class Greeter {
        public Reply hello(Hello h) {
            return new Reply("Hello " + h.name());
        }

        public Reply fail(Hello h) {
            throw new IllegalArgumentException("no " + h.name());
        }
    }

    /** A service with a {@code Debug} handler of its own: its endpoints win over the server's. */
    @io.microcdi.annotation.Endpoint("Debug")
    public static class OwnDebug {
        public Reply health(Hello h) {
            return new Reply("mine");
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final MemoryRegistry registry = new MemoryRegistry();
    private final MemoryTransport transport = new MemoryTransport();
    private RpcServer server;

    private RpcServer start(Map<String, String> config, Object... services) {
        Map<String, String> c = new HashMap<>(config);
        c.put("micro.server.address", "memory:0");
        server = new RpcServer(RpcServerConfig.from(DefaultMicroConfig.of(c)), registry, transport,
                Codecs.of(List.of(new JsonCodec(), new JsonRpcCodec(), new ProtoCodec(), new ProtoRpcCodec(),
                        new BytesCodec())));
        for (Object s : services) {
            server.handle(ServiceModel.define(s.getClass(), s, s.getClass().getSimpleName().toLowerCase(), "1.0.0"));
        }
        server.start();
        return server;
    }

    @AfterEach
    void tearDown() {
        if (server != null) {
            server.stop();
        }
        registry.close();
        transport.close();
    }

    private Message call(String contentType, Metadata extra, byte[] body) {
        Metadata.Builder h = Metadata.builder(4).put("Content-Type", contentType);
        extra.forEach(h::put);
        return transport.send(server.address(), new Message(h.build(), body), Duration.ofSeconds(5)).join();
    }

    private Message call(String contentType, String service, String endpoint, String body) {
        Metadata.Builder h = Metadata.builder(2).put("Micro-Endpoint", endpoint);
        if (service != null) {
            h.put("Micro-Service", service);
        }
        return call(contentType, h.build(), body.getBytes(StandardCharsets.UTF_8));
    }

    private static String text(Message m) {
        return new String(m.body(), StandardCharsets.UTF_8);
    }

    @Test
    void healthIsOkUnderAnyServiceNameOrNone() {
        start(Map.of(), new Greeter());

        for (String service : new String[] {"greeter", "go.micro.srv.anything", null}) {
            Message m = call("application/json", service, "Debug.Health", "{}");
            assertThat(m.header().get("Micro-Error")).isNull();
            assertThat(text(m)).isEqualTo("{\"status\":\"ok\"}");
            assertThat(m.header().get("Content-Type")).isEqualTo("application/json");
        }
        // an empty body, as curl -d '' sends
        assertThat(text(call("application/json", "greeter", "Debug.Health", ""))).isEqualTo("{\"status\":\"ok\"}");
    }

    @Test
    void healthInProtobufIsGoMicrosHealthResponse() throws IOException {
        start(Map.of(), new Greeter());

        // what a Go Micro client sends by default (the monitor's Debug.Health): an empty HealthRequest in protobuf
        Message m = call("application/protobuf", Metadata.of("Micro-Service", "greeter",
                "Micro-Endpoint", "Debug.Health"), new byte[0]);

        assertThat(m.header().get("Micro-Error")).isNull();
        CodedInputStream in = CodedInputStream.newInstance(m.body());
        assertThat(in.readTag()).isEqualTo(1 << 3 | 2); // field 1, length-delimited
        assertThat(in.readString()).isEqualTo("ok");
        assertThat(in.isAtEnd()).isTrue();
    }

    @Test
    void statsInJsonCountCallsAndErrors() throws IOException {
        Instant before = Instant.now().minusSeconds(1);
        start(Map.of(), new Greeter());

        JsonNode first = JSON.readTree(call("application/json", "greeter", "Debug.Stats", "{}").body());
        call("application/json", "greeter", "Greeter.Hello", "{\"name\":\"a\"}");
        call("application/json", "greeter", "Greeter.Fail", "{\"name\":\"b\"}");       // 500 from the handler
        call("application/json", "greeter", "Greeter.Nope", "{}");                     // 404
        call("application/json", "greeter", "Greeter.Hello", "[1,2");                  // 400
        JsonNode second = JSON.readTree(call("application/json", "greeter", "Debug.Stats", "{}").body());

        assertThat(first.fieldNames()).toIterable().containsExactly("started", "uptime", "memory", "threads", "gc",
                "requests", "errors");
        assertThat(first.get("started").asLong()).isBetween(before.getEpochSecond(), Instant.now().getEpochSecond());
        assertThat(first.get("uptime").asLong()).isGreaterThanOrEqualTo(0);
        assertThat(first.get("memory").asLong()).isPositive();
        assertThat(first.get("threads").asLong()).isPositive();
        assertThat(first.get("gc").asLong()).isGreaterThanOrEqualTo(0);
        assertThat(first.get("requests").asLong()).isEqualTo(1);                       // this very call
        assertThat(first.get("errors").asLong()).isZero();
        assertThat(second.get("requests").asLong()).isEqualTo(6);
        assertThat(second.get("errors").asLong()).isEqualTo(3);
        assertThat(second.get("started").asLong()).isEqualTo(first.get("started").asLong());
        assertThat(server.stats().requests()).isEqualTo(6);
        assertThat(server.stats().errors()).isEqualTo(3);
    }

    @Test
    void statsInProtobufUseGoMicrosFieldNumbers() throws IOException {
        start(Map.of(), new Greeter());
        call("application/json", "greeter", "Greeter.Nope", "{}");

        Message m = call("application/protobuf", Metadata.of("Micro-Service", "greeter",
                "Micro-Endpoint", "Debug.Stats"), new byte[0]);

        Map<Integer, Long> fields = new HashMap<>();
        CodedInputStream in = CodedInputStream.newInstance(m.body());
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            assertThat(tag & 7).as("wire type of field %d", tag >>> 3).isZero();       // every field a varint
            fields.put(tag >>> 3, in.readUInt64());
        }
        assertThat(fields.get(1)).isEqualTo(server.stats().started().getEpochSecond()); // started
        assertThat(fields.get(3)).isPositive();                                         // memory
        assertThat(fields.get(4)).isPositive();                                         // threads
        assertThat(fields.get(7)).isEqualTo(2);                                         // requests
        assertThat(fields.get(8)).isEqualTo(1);                                         // errors
        assertThat(fields.keySet()).isSubsetOf(1, 2, 3, 4, 5, 7, 8);
    }

    @Test
    void debugAnswersGoMicrosLegacyEnvelopes() throws IOException {
        start(Map.of(), new Greeter());

        // JSON-RPC without routing headers: Go Micro's legacy form
        Message json = call("application/json", Metadata.empty(),
                "{\"method\":\"Debug.Health\",\"params\":[{}],\"id\":7}".getBytes(StandardCharsets.UTF_8));
        JsonNode answer = JSON.readTree(json.body());
        assertThat(answer.get("id").asInt()).isEqualTo(7);
        assertThat(answer.get("result").get("status").asText()).isEqualTo("ok");

        // proto-RPC: the answer's message frame is the protobuf HealthResponse
        ProtoRpcCodec protoRpc = new ProtoRpcCodec();
        byte[] request = protoRpc.writeRequest("Debug.Health", "3", new byte[0]);
        Message proto = call("application/proto-rpc", Metadata.of("Micro-Endpoint", "Debug.Health"), request);
        var frame = protoRpc.readResponse(proto.body());
        assertThat(frame.error()).isNullOrEmpty();
        assertThat(frame.message()).containsExactly(0x0a, 0x02, 'o', 'k');
    }

    @Test
    void debugEndpointsAreNotAdvertised() {
        start(Map.of(), new Greeter());

        assertThat(registry.getService("greeter").get(0).endpoints()).extracting(Endpoint::name)
                .containsExactlyInAnyOrder("Greeter.Hello", "Greeter.Fail");
        // nor listed as served in a 404
        assertThat(ErrorJson.parse(call("application/json", "greeter", "Greeter.Nope", "{}")
                .header().get("Micro-Error")).detail())
                .startsWith("unknown endpoint Greeter.Nope of service greeter (serving: ").doesNotContain("Debug");
    }

    @Test
    void aServicesOwnDebugEndpointWins() {
        start(Map.of(), new OwnDebug(), new Greeter());

        assertThat(text(call("application/json", "owndebug", "Debug.Health", "{\"name\":\"x\"}")))
                .isEqualTo("{\"greeting\":\"mine\"}");
        assertThat(text(call("application/json", "greeter", "Debug.Health", "{}")))
                .isEqualTo("{\"greeting\":\"mine\"}");                                // unambiguous, so Go Micro's rule
        assertThat(text(call("application/json", "greeter", "Debug.Stats", "{}"))).contains("\"requests\":");
    }

    @Test
    void aCodecThatIsNeitherJsonNorProtobufIsRefused() {
        start(Map.of(), new Greeter());

        Message m = call("application/octet-stream", Metadata.of("Micro-Service", "greeter",
                "Micro-Endpoint", "Debug.Health"), new byte[0]);

        MicroException e = ErrorJson.parse(m.header().get("Micro-Error"));
        assertThat(e.code()).isEqualTo(415);
        assertThat(e.detail()).startsWith("Debug.Health: the Debug endpoints answer in JSON or protobuf (expected: "
                + "one of ").contains("application/json", "application/protobuf");
    }

    @Test
    void turnedOffTheyAreUnknown() {
        start(Map.of("micro.server.debug", "false"), new Greeter());

        MicroException e = ErrorJson.parse(call("application/json", "greeter", "Debug.Health", "{}")
                .header().get("Micro-Error"));
        assertThat(e.code()).isEqualTo(404);
    }
}
