package io.microcdi.bench.load;

import io.microcdi.bench.load.grpc.HelloReply;
import io.microcdi.bench.load.grpc.HelloRequest;
import io.microcdi.codec.Codecs;
import io.microcdi.codec.json.JsonCodec;
import io.microcdi.codec.proto.ProtoCodec;
import io.microcdi.config.MicroConfig;
import io.microcdi.internal.model.ServiceModel;
import io.microcdi.registry.memory.MemoryRegistry;
import io.microcdi.server.grpc.GrpcServer;
import io.microcdi.server.grpc.GrpcServerConfig;

import java.util.List;
import java.util.Map;

/**
 * The same greeter as {@link GrpcGreeter}'s, served by MicroCDI's gRPC server ({@code micro.server=grpc}): service
 * {@code greeter}, handler {@code Greeter}, so the path is the peer's, {@code /greeter.Greeter/Hello}, and the peer's
 * client calls both. The handler is the peer's (one greeting built from the request).
 *
 * <pre>{@code
 * java -jar load-bench.jar microcdi-grpc --port 9091
 * }</pre>
 */
final class MicroGrpcGreeter {

    private MicroGrpcGreeter() {
    }

    /** The handler, a plain class as an {@code @Service} bean is. */
    public static class Greeter {
        public HelloReply hello(HelloRequest req) {
            return HelloReply.newBuilder().setGreeting("Hello " + req.getName()).build();
        }
    }

    static GrpcServer serve(String host, int port) {
        GrpcServer server = new GrpcServer(GrpcServerConfig.from(MicroConfig.of(Map.of(
                "micro.server.address", host + ":" + port, "micro.server.shutdown-grace", "0"))),
                new MemoryRegistry(), null, Codecs.of(List.of(new JsonCodec(), new ProtoCodec())));
        server.handle(ServiceModel.define(Greeter.class, new Greeter(), "greeter", "latest"));
        server.start();
        return server;
    }
}
