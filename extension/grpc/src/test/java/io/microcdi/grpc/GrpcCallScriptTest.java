package io.microcdi.grpc;

import io.microcdi.codec.Codecs;
import io.microcdi.codec.json.JsonCodec;
import io.microcdi.codec.proto.ProtoCodec;
import io.microcdi.config.MicroConfig;
import io.microcdi.internal.model.ServiceModel;
import io.microcdi.registry.memory.MemoryRegistry;
import io.microcdi.server.grpc.GrpcServer;
import io.microcdi.server.grpc.GrpcServerConfig;
import io.microcdi.testing.Engines;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A gRPC client of another implementation, with no {@code .proto} file, calls the greeters through server reflection:
 * {@code scripts/grpc-call}, on Debian's python3-grpcio (gRPC's C core), as grpcurl would. The services are laid out
 * as {@code examples/greeter}'s: records as service {@code greeter} and generated messages of the {@code greeter}
 * protobuf package as {@code greeter-proto}, so the synthesized messages must stay clear of the generated names
 * (reflection serves every file from one index, where {@code greeter.HelloRequest} may be defined once).
 */
class GrpcCallScriptTest {

    private static final Path PYTHON = Path.of("/usr/bin/python3");

    /** Records named as the generated messages are, in the same package. */
    public record HelloRequest(String name) {
    }

    public record HelloReply(String greeting) {
    }

    public static class Greeter {
        public HelloReply hello(HelloRequest req) {
            return new HelloReply("Hello " + req.name());
        }
    }

    private final MemoryRegistry registry = new MemoryRegistry();
    private GrpcServer server;

    @BeforeEach
    void start() {
        Engines.assumeInstalled("python3 with grpc, grpc_tools and grpc-proto",
                "python3-grpcio python3-grpc-tools grpc-proto", clientInstalled(), Engines.required());
        server = new GrpcServer(GrpcServerConfig.from(MicroConfig.of(Map.of("micro.server.shutdown-grace", "0"))),
                registry, null, Codecs.of(List.of(new JsonCodec(), new ProtoCodec())));
        server.handle(ServiceModel.define(Greeter.class, new Greeter(), "greeter", "1.0.0"));
        server.handle(ServiceModel.define(Greeters.ProtoGreeter.class, new Greeters.ProtoGreeter(), "greeter-proto",
                "1.0.0"));
        server.start();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
        registry.close();
    }

    @Test
    void listsDescribesAndCallsWithoutAProtoFile() throws Exception {
        assertThat(run("list")).isEqualTo("""
                greeter.Greeter
                greeter_proto.ProtoGreeter
                grpc.health.v1.Health
                grpc.reflection.v1.ServerReflection
                grpc.reflection.v1alpha.ServerReflection
                """);
        assertThat(run("describe", "greeter.Greeter")).isEqualTo("""
                service greeter.Greeter {
                  rpc Hello(greeter.HelloRequest_2) returns (greeter.HelloReply_2);
                }
                message greeter.HelloRequest_2 {
                  string name = 1;
                }
                message greeter.HelloReply_2 {
                  string greeting = 1;
                }
                """);
        assertThat(run("call", "greeter.Greeter/Hello", "{\"name\":\"John\"}"))
                .isEqualTo("{\"greeting\": \"Hello John\"}\n");
        // the generated file describes the other service: its own messages, greeter.HelloRequest
        assertThat(run("describe", "greeter_proto.ProtoGreeter")).contains(
                "rpc Hello(greeter.HelloRequest) returns (greeter.HelloReply);");
        assertThat(run("call", "greeter_proto.ProtoGreeter/Hello", "{\"name\":\"Ann\"}"))
                .isEqualTo("{\"greeting\": \"Hello Ann\"}\n");
        assertThat(run("call", "grpc.health.v1.Health/Check", "{}")).isEqualTo("{\"status\": \"SERVING\"}\n");
    }

    @Test
    void anErrorComesBackAsItsGrpcStatus() throws Exception {
        Result r = exec("call", "greeter_proto.ProtoGreeter/Hello", "{\"name\":\"\"}");
        assertThat(r.code).isEqualTo(1);
        assertThat(r.err).contains("Code: INVALID_ARGUMENT").contains("name is required");
    }

    private String run(String... args) throws Exception {
        Result r = exec(args);
        assertThat(r.code).as("exit status of grpc-call %s; stderr: %s", List.of(args), r.err).isZero();
        return r.out;
    }

    private record Result(int code, String out, String err) {
    }

    private Result exec(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(PYTHON.toString(), script().toString(), server.address()));
        command.addAll(List.of(args));
        Path out = Files.createTempFile("grpc-call", ".out");
        Path err = Files.createTempFile("grpc-call", ".err");
        try {
            Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("grpc-call " + List.of(args) + " did not end within 60 s");
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    private static Path script() {
        Path dir = Path.of(System.getProperty("basedir", ".")).toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("scripts/grpc-call"))) {
            dir = dir.getParent();
        }
        assertThat(dir).as("the project root, holding scripts/grpc-call").isNotNull();
        return dir.resolve("scripts/grpc-call");
    }

    private static boolean clientInstalled() {
        if (!Files.isExecutable(PYTHON) || !Files.exists(Path.of("/usr/share/grpc-proto/grpc/reflection/v1/reflection.proto"))) {
            return false;
        }
        try {
            Process p = new ProcessBuilder(PYTHON.toString(), "-c", "import grpc, grpc_tools.protoc")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }
}
