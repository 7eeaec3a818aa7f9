package io.microcdi.grpc;

import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.Descriptors;
import com.google.protobuf.DynamicMessage;
import com.google.rpc.ErrorInfo;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.protobuf.StatusProto;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.microcdi.codec.Codecs;
import io.microcdi.codec.json.JsonCodec;
import io.microcdi.codec.proto.ProtoCodec;
import io.microcdi.config.MicroConfig;
import io.microcdi.grpc.test.GreeterProtos.HelloReply;
import io.microcdi.grpc.test.GreeterProtos.HelloRequest;
import io.microcdi.grpc.test.ProtoGreeterGrpc;
import io.microcdi.internal.model.ServiceModel;
import io.microcdi.registry.Node;
import io.microcdi.registry.memory.MemoryRegistry;
import io.microcdi.server.grpc.GrpcServer;
import io.microcdi.server.grpc.GrpcServerConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** MicroCDI's gRPC server on loopback, called by grpc-java's generated stubs, its health and reflection clients. */
class GrpcServerTest {

    private final MemoryRegistry registry = new MemoryRegistry();
    private GrpcServer server;
    private ManagedChannel channel;

    @BeforeEach
    void start() {
        server = new GrpcServer(GrpcServerConfig.from(MicroConfig.of(Map.of("micro.server.shutdown-grace", "0"))),
                registry, null, Codecs.of(List.of(new JsonCodec(), new ProtoCodec())));
        server.handle(ServiceModel.define(Greeters.ProtoGreeter.class, new Greeters.ProtoGreeter(), "greeter",
                "1.0.0"));
        server.handle(ServiceModel.define(Greeters.Greeter.class, new Greeters.Greeter(), "greeter-records",
                "1.0.0"));
        server.start();
        channel = NettyChannelBuilder.forTarget(server.address()).usePlaintext().build();
    }

    @AfterEach
    void stop() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        server.stop();
        registry.close();
    }

    private static HelloRequest name(String n) {
        return HelloRequest.newBuilder().setName(n).build();
    }

    @Test
    void registersGrpcNodes() {
        Node node = registry.getService("greeter").get(0).nodes().get(0);
        assertThat(node.address()).isEqualTo(server.address());
        assertThat(node.metadata()).containsEntry("protocol", "grpc").containsEntry("server", "grpc")
                .containsEntry("transport", "grpc");
    }

    @Test
    void generatedStubsCallEveryKind() throws Exception {
        var blocking = ProtoGreeterGrpc.newBlockingStub(channel);
        assertThat(blocking.hello(name("John")).getGreeting()).isEqualTo("Hello John");

        List<String> lots = new ArrayList<>();
        blocking.lots(name("Ann")).forEachRemaining(r -> lots.add(r.getGreeting()));
        assertThat(lots).containsExactly("Hello Ann 0", "Hello Ann 1", "Hello Ann 2");

        var async = ProtoGreeterGrpc.newStub(channel);
        Collected gathered = new Collected();
        StreamObserver<HelloRequest> gather = async.gather(gathered);
        gather.onNext(name("A"));
        gather.onNext(name("B"));
        gather.onCompleted();
        assertThat(gathered.done.get(5, TimeUnit.SECONDS)).containsExactly("Hello A and B");

        Collected chatted = new Collected();
        StreamObserver<HelloRequest> chat = async.chat(chatted);
        for (int i = 0; i < 100; i++) {
            chat.onNext(name("n" + i));
        }
        chat.onCompleted();
        List<String> replies = chatted.done.get(5, TimeUnit.SECONDS);
        assertThat(replies).hasSize(100).startsWith("Hello n0", "Hello n1").endsWith("Hello n99");
    }

    @Test
    void anyPackageReachesTheHandlerAsInGoMicro() {
        MethodDescriptor<HelloRequest, HelloReply> goMicroPath = ProtoGreeterGrpc.getHelloMethod().toBuilder()
                .setFullMethodName("go.micro.srv.greeter.ProtoGreeter/Hello").build();
        HelloReply r = ClientCalls.blockingUnaryCall(channel, goMicroPath, CallOptions.DEFAULT, name("Go"));
        assertThat(r.getGreeting()).isEqualTo("Hello Go");
    }

    @Test
    void metadataReachesTheCallContext() {
        Metadata md = new Metadata();
        md.put(Metadata.Key.of("x-tenant", Metadata.ASCII_STRING_MARSHALLER), "acme");
        var stub = ProtoGreeterGrpc.newBlockingStub(channel)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(md));
        assertThat(stub.hello(name("John")).getGreeting()).isEqualTo("Hello John of acme");
    }

    @Test
    void microErrorsBecomeStatusesWithDetails() {
        var stub = ProtoGreeterGrpc.newBlockingStub(channel);
        assertThatThrownBy(() -> stub.hello(name(" "))).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            // Go Micro's gRPC client parses the error JSON in grpc-message
            assertThat(e.getStatus().getDescription()).isEqualTo(
                    "{\"id\":\"greeter.hello\",\"code\":400,\"detail\":\"name is required\",\"status\":\"Bad Request\"}");
            com.google.rpc.Status rich = StatusProto.fromThrowable(e);
            assertThat(rich).isNotNull();
            ErrorInfo info;
            try {
                info = rich.getDetails(0).unpack(ErrorInfo.class);
            } catch (com.google.protobuf.InvalidProtocolBufferException x) {
                throw new AssertionError(x);
            }
            assertThat(info.getDomain()).isEqualTo("greeter.hello");
            assertThat(info.getMetadataMap()).containsEntry("code", "400").containsEntry("detail", "name is required");
        });
        assertThatThrownBy(() -> stub.hello(name("boom"))).isInstanceOfSatisfying(StatusRuntimeException.class,
                e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INTERNAL));
    }

    @Test
    void deadlinesReachTheHandler() {
        var stub = ProtoGreeterGrpc.newBlockingStub(channel).withDeadlineAfter(300, TimeUnit.MILLISECONDS);
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> stub.hello(name("slow"))).isInstanceOfSatisfying(StatusRuntimeException.class,
                e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED));
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isLessThan(3_000);
    }

    @Test
    void healthAnswersPerService() {
        var health = HealthGrpc.newBlockingStub(channel);
        for (String service : List.of("", "greeter", "greeter.ProtoGreeter", "greeter_records.Greeter")) {
            assertThat(health.check(HealthCheckRequest.newBuilder().setService(service).build()).getStatus())
                    .as(service).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
        }
        assertThatThrownBy(() -> health.check(HealthCheckRequest.newBuilder().setService("nope").build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
    }

    /**
     * What {@code grpcurl list}, {@code describe} and a call without a proto file do: list the services, fetch the
     * file of one, build its descriptors and call a method with a dynamic message in protobuf.
     */
    @Test
    @SuppressWarnings("unchecked")
    void reflectionListsDescribesAndLetsAClientCallWithoutProtoFiles() throws Exception {
        List<String> services = reflect(ServerReflectionRequest.newBuilder().setListServices("").build())
                .getListServicesResponse().getServiceList().stream().map(s -> s.getName()).toList();
        assertThat(services).contains("greeter.ProtoGreeter", "greeter_records.Greeter",
                "grpc.health.v1.Health", "grpc.reflection.v1.ServerReflection");

        Descriptors.FileDescriptor file = fileContaining("greeter_records.Greeter");
        Descriptors.ServiceDescriptor greeter = file.findServiceByName("Greeter");
        Descriptors.MethodDescriptor hello = greeter.findMethodByName("Hello");
        assertThat(hello.getInputType().getFields()).extracting(Descriptors.FieldDescriptor::getName)
                .containsExactly("name", "times");
        assertThat(hello.getOutputType().findFieldByName("parts").isRepeated()).isTrue();
        assertThat(greeter.findMethodByName("Chat").isClientStreaming()).isTrue();

        DynamicMessage req = DynamicMessage.newBuilder(hello.getInputType())
                .setField(hello.getInputType().findFieldByName("name"), "Zoe")
                .setField(hello.getInputType().findFieldByName("times"), 2).build();
        MethodDescriptor<DynamicMessage, DynamicMessage> call = MethodDescriptor.<DynamicMessage, DynamicMessage>newBuilder()
                .setType(MethodDescriptor.MethodType.UNARY)
                .setFullMethodName("greeter_records.Greeter/Hello")
                .setRequestMarshaller(ProtoUtils.marshaller(DynamicMessage.getDefaultInstance(hello.getInputType())))
                .setResponseMarshaller(ProtoUtils.marshaller(DynamicMessage.getDefaultInstance(hello.getOutputType())))
                .build();
        DynamicMessage reply = ClientCalls.blockingUnaryCall(channel, call, CallOptions.DEFAULT, req);
        assertThat(reply.getField(hello.getOutputType().findFieldByName("greeting"))).isEqualTo("Hello Zoe");
        assertThat((List<Object>) reply.getField(hello.getOutputType().findFieldByName("parts"))).containsExactly("Zoe",
                "Zoe");

        // the generated messages' own file is what describes their types
        Descriptors.FileDescriptor proto = fileContaining("greeter.ProtoGreeter");
        assertThat(proto.findServiceByName("ProtoGreeter").findMethodByName("Hello").getInputType().getFullName())
                .isEqualTo("greeter.HelloRequest");
    }

    private Descriptors.FileDescriptor fileContaining(String symbol) throws Exception {
        ServerReflectionResponse r = reflect(ServerReflectionRequest.newBuilder().setFileContainingSymbol(symbol)
                .build());
        Map<String, FileDescriptorProto> protos = new java.util.HashMap<>();
        for (var bytes : r.getFileDescriptorResponse().getFileDescriptorProtoList()) {
            FileDescriptorProto p = FileDescriptorProto.parseFrom(bytes);
            protos.put(p.getName(), p);
        }
        FileDescriptorProto first = FileDescriptorProto.parseFrom(
                r.getFileDescriptorResponse().getFileDescriptorProto(0));
        return build(first, protos, new java.util.HashMap<>());
    }

    private static Descriptors.FileDescriptor build(FileDescriptorProto p, Map<String, FileDescriptorProto> all,
                                                    Map<String, Descriptors.FileDescriptor> done) throws Exception {
        Descriptors.FileDescriptor known = done.get(p.getName());
        if (known != null) {
            return known;
        }
        List<Descriptors.FileDescriptor> deps = new ArrayList<>();
        for (String dep : p.getDependencyList()) {
            deps.add(build(all.get(dep), all, done));
        }
        Descriptors.FileDescriptor f = Descriptors.FileDescriptor.buildFrom(p,
                deps.toArray(Descriptors.FileDescriptor[]::new));
        done.put(p.getName(), f);
        return f;
    }

    private ServerReflectionResponse reflect(ServerReflectionRequest request) throws Exception {
        LinkedBlockingQueue<Object> answers = new LinkedBlockingQueue<>();
        StreamObserver<ServerReflectionRequest> out = ServerReflectionGrpc.newStub(channel).serverReflectionInfo(
                new StreamObserver<>() {
                    @Override
                    public void onNext(ServerReflectionResponse value) {
                        answers.add(value);
                    }

                    @Override
                    public void onError(Throwable t) {
                        answers.add(t);
                    }

                    @Override
                    public void onCompleted() {
                    }
                });
        out.onNext(request);
        Object answer = answers.poll(5, TimeUnit.SECONDS);
        out.onCompleted();
        if (answer instanceof Throwable t) {
            throw new AssertionError(t);
        }
        assertThat(answer).as("reflection answer").isNotNull();
        return (ServerReflectionResponse) answer;
    }

    /** Collects a stream's greetings. */
    static final class Collected implements StreamObserver<HelloReply> {
        final List<String> got = new ArrayList<>();
        final CompletableFuture<List<String>> done = new CompletableFuture<>();

        @Override
        public synchronized void onNext(HelloReply value) {
            got.add(value.getGreeting());
        }

        @Override
        public void onError(Throwable t) {
            done.completeExceptionally(t);
        }

        @Override
        public synchronized void onCompleted() {
            done.complete(List.copyOf(got));
        }
    }
}
