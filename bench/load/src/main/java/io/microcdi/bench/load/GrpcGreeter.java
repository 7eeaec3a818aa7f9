package io.microcdi.bench.load;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.nio.NioEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioServerSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.microcdi.bench.load.grpc.HelloReply;
import io.microcdi.bench.load.grpc.HelloRequest;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The peer: a gRPC-java unary greeter, {@code greeter.Greeter/Hello} (HelloRequest{name} -> HelloReply{greeting}),
 * server and client, on grpc-netty-shaded with the NIO transport (as MicroCDI's HTTP transport and the limit).
 *
 * <p>The {@link #HELLO} descriptor is what protoc-gen-grpc-java generates (unary, protobuf marshallers); it is written
 * here by hand because that plugin's executable is not served by the Maven Central reachable here. protoc itself
 * (through protobuf-maven-plugin) generates the messages.
 *
 * <p><b>Server executor.</b> By default ({@code --executor default}) handlers run on gRPC's default executor, a cached
 * thread pool, which is what {@code ServerBuilder} gives anyone who does not call {@code directExecutor()}: gRPC's
 * normal usage, and the fair comparison, since a MicroCDI service method may block and therefore also runs off the
 * I/O thread. {@code --executor direct} runs them on the event loop: gRPC's best case, only safe for handlers that
 * never block.
 *
 * <p><b>Client.</b> One channel (one HTTP/2 connection) that all loops share, which is how gRPC is used; callbacks
 * run directly on its single event-loop thread, as the HTTP client's do.
 *
 * <pre>{@code
 * java -jar load-bench.jar grpc --port 9090 [--executor default|direct]
 * }</pre>
 */
final class GrpcGreeter {

    static final String SERVICE = "greeter.Greeter";

    static final MethodDescriptor<HelloRequest, HelloReply> HELLO = MethodDescriptor.<HelloRequest, HelloReply>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY)
            .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, "Hello"))
            .setSampledToLocalTracing(true)
            .setRequestMarshaller(ProtoUtils.marshaller(HelloRequest.getDefaultInstance()))
            .setResponseMarshaller(ProtoUtils.marshaller(HelloReply.getDefaultInstance()))
            .build();

    private GrpcGreeter() {
    }

    static ServerServiceDefinition definition() {
        return ServerServiceDefinition.builder(SERVICE)
                .addMethod(HELLO, ServerCalls.asyncUnaryCall(GrpcGreeter::hello))
                .build();
    }

    static void hello(HelloRequest req, StreamObserver<HelloReply> out) {
        out.onNext(HelloReply.newBuilder().setGreeting("Hello " + req.getName()).build());
        out.onCompleted();
    }

    /** Starts the server; {@code direct}: handlers on the event loop instead of gRPC's default executor. */
    static Server serve(String host, int port, boolean direct) throws IOException {
        return serve(host, port, direct, true);
    }

    /**
     * Starts the server; {@code nio}: on Netty's NIO transport with one boss thread (as MicroCDI's HTTP transport),
     * else on grpc-netty-shaded's defaults (epoll on Linux), as a plain {@code NettyServerBuilder.forAddress(...)}
     * and MicroCDI's gRPC server run.
     */
    static Server serve(String host, int port, boolean direct, boolean nio) throws IOException {
        NettyServerBuilder b = NettyServerBuilder.forAddress(new InetSocketAddress(host, port));
        if (nio) {
            b.channelType(NioServerSocketChannel.class)
                    .bossEventLoopGroup(new NioEventLoopGroup(1))
                    .workerEventLoopGroup(new NioEventLoopGroup());
        }
        b.addService(definition());
        if (direct) {
            b.directExecutor();
        }
        return b.build().start();
    }

    /** The client side, as a {@link Target}. */
    static final class Client implements Target {
        private final String name;
        private final String host;
        private final int port;
        private NioEventLoopGroup group;
        private ManagedChannel channel;
        private final HelloRequest request = HelloRequest.newBuilder().setName("John").build();

        Client(String name, String host, int port) {
            this.name = name;
            this.host = host;
            this.port = port;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public void open(int loops) {
            if (channel != null) {
                return;
            }
            group = new NioEventLoopGroup(1);
            channel = NettyChannelBuilder.forAddress(host, port)
                    .usePlaintext()
                    .channelType(NioSocketChannel.class)
                    .eventLoopGroup(group)
                    .directExecutor()
                    .build();
        }

        @Override
        public String check() throws Exception {
            open(1);
            HelloReply reply = ClientCalls.blockingUnaryCall(channel, HELLO,
                    CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS), request);
            if (!"Hello John".equals(reply.getGreeting())) {
                throw new IOException(name + ": unexpected answer " + reply);
            }
            return reply.getGreeting();
        }

        @Override
        public CompletableFuture<?> call(int loop) {
            CompletableFuture<HelloReply> done = new CompletableFuture<>();
            ClientCalls.asyncUnaryCall(channel.newCall(HELLO, CallOptions.DEFAULT), request,
                    new StreamObserver<>() {
                        private HelloReply reply;

                        @Override
                        public void onNext(HelloReply value) {
                            reply = value;
                        }

                        @Override
                        public void onError(Throwable t) {
                            done.completeExceptionally(t);
                        }

                        @Override
                        public void onCompleted() {
                            done.complete(reply);
                        }
                    });
            return done;
        }

        @Override
        public void close() {
            if (channel != null) {
                channel.shutdownNow();
                group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            }
        }
    }
}
