package io.microcdi.grpc;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.microcdi.annotation.Endpoint;
import io.microcdi.annotation.NonBlocking;
import io.microcdi.codec.Codecs;
import io.microcdi.codec.json.JsonCodec;
import io.microcdi.codec.proto.ProtoCodec;
import io.microcdi.config.MicroConfig;
import io.microcdi.grpc.test.GreeterProtos.HelloReply;
import io.microcdi.grpc.test.GreeterProtos.HelloRequest;
import io.microcdi.grpc.test.ProtoGreeterGrpc;
import io.microcdi.internal.model.ServiceModel;
import io.microcdi.registry.memory.MemoryRegistry;
import io.microcdi.server.grpc.GrpcServer;
import io.microcdi.server.grpc.GrpcServerConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The gRPC server runs a unary endpoint that never blocks on the event loop that read the call (grpc-java's Netty
 * worker, {@code grpc-*-worker-ELG-*}), and every other call, health's included, on a handler thread.
 */
class GrpcNonBlockingTest {

    /** Each endpoint answers with the name of the thread it ran on. */
    @Endpoint("ProtoGreeter")
    public static class Where {

        @NonBlocking
        public HelloReply hello(HelloRequest req) {
            if (req.getName().equals("boom")) {
                throw new IllegalStateException("boom on the loop");
            }
            return thread();
        }

        public CompletionStage<HelloReply> stage(HelloRequest req) {
            return CompletableFuture.completedFuture(thread());
        }

        public HelloReply blocking(HelloRequest req) {
            return thread();
        }

        private static HelloReply thread() {
            return HelloReply.newBuilder().setGreeting(Thread.currentThread().getName()).build();
        }
    }

    private final MemoryRegistry registry = new MemoryRegistry();
    private GrpcServer server;
    private ManagedChannel channel;

    @BeforeEach
    void start() {
        server = new GrpcServer(GrpcServerConfig.from(MicroConfig.of(Map.of("micro.server.shutdown-grace", "0"))),
                registry, null, Codecs.of(List.of(new JsonCodec(), new ProtoCodec())));
        server.handle(ServiceModel.define(Where.class, new Where(), "greeter", "1.0.0"));
        server.start();
        channel = NettyChannelBuilder.forTarget(server.address()).usePlaintext().build();
    }

    @AfterEach
    void stop() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        server.stop();
        registry.close();
    }

    private String threadOf(String method, String name) {
        MethodDescriptor<HelloRequest, HelloReply> m = ProtoGreeterGrpc.getHelloMethod().toBuilder()
                .setFullMethodName("greeter.ProtoGreeter/" + method).build();
        return ClientCalls.blockingUnaryCall(channel, m, CallOptions.DEFAULT,
                HelloRequest.newBuilder().setName(name).build()).getGreeting();
    }

    @Test
    void nonBlockingEndpointsRunOnTheEventLoop() {
        assertThat(threadOf("Hello", "x")).contains("worker-ELG");
        assertThat(threadOf("Stage", "x")).contains("worker-ELG");
    }

    @Test
    void blockingEndpointsRunOnAHandlerThread() {
        assertThat(threadOf("Blocking", "x")).doesNotContain("worker-ELG");
    }

    @Test
    void anExceptionOnTheEventLoopIsAStatusAndTheLoopGoesOn() {
        assertThatThrownBy(() -> threadOf("Hello", "boom")).isInstanceOfSatisfying(StatusRuntimeException.class,
                e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INTERNAL);
                    assertThat(e.getStatus().getDescription()).contains("boom on the loop");
                });
        assertThat(threadOf("Hello", "x")).contains("worker-ELG");
    }
}
