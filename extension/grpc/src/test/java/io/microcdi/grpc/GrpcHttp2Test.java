package io.microcdi.grpc;

import io.microcdi.codec.Codecs;
import io.microcdi.codec.json.JsonCodec;
import io.microcdi.codec.proto.ProtoCodec;
import io.microcdi.config.MicroConfig;
import io.microcdi.grpc.test.GreeterProtos.HelloReply;
import io.microcdi.grpc.test.GreeterProtos.HelloRequest;
import io.microcdi.internal.model.ServiceModel;
import io.microcdi.registry.memory.MemoryRegistry;
import io.microcdi.server.grpc.GrpcServer;
import io.microcdi.server.grpc.GrpcServerConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A plain HTTP/2 client, the real {@code curl} (nghttp2, cleartext with prior knowledge), calls the greeters with
 * hand-made gRPC frames (a flag byte, a 4-byte length, the message): JSON, protobuf, a bidirectional stream, and reads
 * the status in the trailers.
 */
class GrpcHttp2Test {

    private final MemoryRegistry registry = new MemoryRegistry();
    private GrpcServer server;
    @TempDir
    Path dir;

    @BeforeEach
    void start() {
        server = new GrpcServer(GrpcServerConfig.from(MicroConfig.of(Map.of("micro.server.shutdown-grace", "0"))),
                registry, null, Codecs.of(List.of(new JsonCodec(), new ProtoCodec())));
        server.handle(ServiceModel.define(Greeters.ProtoGreeter.class, new Greeters.ProtoGreeter(), "greeter", "1"));
        server.handle(ServiceModel.define(Greeters.Greeter.class, new Greeters.Greeter(), "greeter-records", "1"));
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop();
        registry.close();
    }

    @Test
    void unaryInJson() throws Exception {
        Answer a = curl("/greeter_records.Greeter/Hello", "application/grpc+json",
                frame("{\"name\":\"Ann\",\"times\":2}".getBytes(StandardCharsets.UTF_8)));
        assertThat(a.messages()).containsExactly("{\"greeting\":\"Hello Ann\",\"parts\":[\"Ann\",\"Ann\"]}");
        assertThat(a.headers()).containsIgnoringCase("grpc-status: 0");
    }

    @Test
    void unaryInProtobuf() throws Exception {
        Answer a = curl("/greeter.ProtoGreeter/Hello", "application/grpc",
                frame(HelloRequest.newBuilder().setName("John").build().toByteArray()));
        assertThat(a.frames()).hasSize(1);
        assertThat(HelloReply.parseFrom(a.frames().get(0)).getGreeting()).isEqualTo("Hello John");
    }

    @Test
    void bidiStreamInJson() throws Exception {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (String n : List.of("a", "b", "c")) {
            body.write(frame(("{\"name\":\"" + n + "\"}").getBytes(StandardCharsets.UTF_8)));
        }
        Answer a = curl("/greeter_records.Greeter/Chat", "application/grpc+json", body.toByteArray());
        assertThat(a.messages()).containsExactly("{\"greeting\":\"Hello a\",\"parts\":[\"a\"]}",
                "{\"greeting\":\"Hello b\",\"parts\":[\"b\"]}", "{\"greeting\":\"Hello c\",\"parts\":[\"c\"]}");
        assertThat(a.headers()).containsIgnoringCase("grpc-status: 0");
    }

    @Test
    void errorsInTheTrailers() throws Exception {
        Answer a = curl("/greeter_records.Greeter/Hello", "application/grpc+json",
                frame("{\"name\":\"\"}".getBytes(StandardCharsets.UTF_8)));
        assertThat(a.frames()).isEmpty();
        assertThat(a.headers()).containsIgnoringCase("grpc-status: 3");
    }

    private static byte[] frame(byte[] message) {
        return ByteBuffer.allocate(5 + message.length).put((byte) 0).putInt(message.length).put(message).array();
    }

    record Answer(List<byte[]> frames, String headers) {
        List<String> messages() {
            return frames.stream().map(f -> new String(f, StandardCharsets.UTF_8)).toList();
        }
    }

    private Answer curl(String path, String contentType, byte[] body) throws Exception {
        Path in = Files.write(dir.resolve("in"), body);
        Path out = dir.resolve("out");
        Path headers = dir.resolve("headers");
        Process p = new ProcessBuilder("curl", "-sS", "--http2-prior-knowledge", "--max-time", "10",
                "-H", "content-type: " + contentType, "-H", "te: trailers", "--data-binary", "@" + in,
                "-D", headers.toString(), "-o", out.toString(), "http://" + server.address() + path)
                .redirectErrorStream(true).start();
        String printed = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(15, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(printed).isZero();
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(out));
        List<byte[]> frames = new ArrayList<>();
        while (b.remaining() >= 5) {
            b.get();
            byte[] m = new byte[b.getInt()];
            b.get(m);
            frames.add(m);
        }
        return new Answer(frames, Files.readString(headers));
    }
}
