package io.microcdi.client.grpc;

import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.microcdi.errors.ErrorJson;
import io.microcdi.errors.MicroException;
import io.microcdi.internal.grpc.Bytes;
import io.microcdi.internal.grpc.Forms;
import io.microcdi.internal.grpc.GrpcErrors;
import io.microcdi.internal.grpc.GrpcHeaders;
import io.microcdi.internal.grpc.Schemas;
import io.microcdi.transport.Listener;
import io.microcdi.registry.Node;
import io.microcdi.transport.Message;
import io.microcdi.transport.MessageStream;
import io.microcdi.transport.StreamingTransport;
import io.microcdi.transport.TransportException;
import io.microcdi.transport.TransportTimeoutException;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The client side of gRPC for the rpc client: turns an attempt's mucp message into a unary gRPC call and the answer
 * back, so that the selector, retries, deadlines and call wrappers work as over mucp. One {@link ManagedChannel} per
 * node address, made at its first call and shut down when the node leaves the registry.
 *
 * <pre>{@code
 * transport.send("127.0.0.1:9090", attempt, Duration.ofSeconds(5))   // POST /greeter.Greeter/Hello over HTTP/2
 * }</pre>
 *
 * <p>What maps to what: {@code Micro-Service} {@code greeter} and {@code Micro-Endpoint} {@code Greeter.Hello} are
 * the path {@code /greeter.Greeter/Hello} (Go Micro's client's); the message goes as it was encoded, its content
 * type ({@code application/json} or {@code application/protobuf}) in {@code x-content-type}, as Go Micro's gRPC client
 * sends it, under gRPC's {@code content-type: application/grpc}; {@code Timeout} is the call's gRPC deadline and
 * Go Micro's {@code timeout} header; the caller's metadata travels as gRPC metadata. A status with an error is
 * answered as {@code Micro-Error} (see {@link GrpcErrors}); a node that cannot be reached ({@code UNAVAILABLE}
 * without an answer of the node) fails as a {@link TransportException}, and a deadline that passed as a
 * {@link TransportTimeoutException}, for the retry policy to judge as it does over mucp.
 *
 * <p>A stream ({@link #stream(String, Message, Duration)}) is one gRPC call at the same path, made as a bidirectional
 * one (see {@link GrpcClientStream}), once the node's channel is connected: a node that cannot be reached fails the
 * open as not sent, so the client tries another, as over mucp.
 */
final class GrpcClientTransport implements StreamingTransport {

    private static final String ID = "go.micro.client";
    private static final Metadata.Key<String> MICRO_FROM_SERVICE = GrpcHeaders.FROM_SERVICE;

    private final ConcurrentHashMap<String, ManagedChannel> channels = new ConcurrentHashMap<>();
    /** Method descriptors by service, then endpoint: made once per endpoint. */
    private final ConcurrentHashMap<String, ConcurrentHashMap<String, MethodDescriptor<byte[], byte[]>>> methods =
            new ConcurrentHashMap<>();
    /** The same paths as bidirectional streams: a stream to any kind of streaming endpoint is one on the wire. */
    private final ConcurrentHashMap<String, ConcurrentHashMap<String, MethodDescriptor<byte[], byte[]>>> streams =
            new ConcurrentHashMap<>();
    private volatile boolean closed;

    @Override
    public String name() {
        return "grpc";
    }

    @Override
    public Listener listen(String address, Handler handler) {
        throw new UnsupportedOperationException("the gRPC protocol of the client does not listen: micro.server=grpc "
                + "serves gRPC");
    }

    @Override
    public CompletableFuture<Message> send(String address, Message request, Duration timeout) {
        io.microcdi.metadata.Metadata h = request.header();
        Outbound out;
        try {
            out = outbound(h, "call");
        } catch (RuntimeException refused) {
            return CompletableFuture.failedFuture(refused);
        }
        Metadata headers = out.headers;
        int form = out.form;
        String service = out.service;
        String endpoint = out.endpoint;
        long nanos = timeout.toNanos();
        String budget = h.get("Timeout");
        if (budget != null) {
            headers.put(GrpcHeaders.TIMEOUT, budget);
        }
        CallOptions options = CallOptions.DEFAULT.withDeadlineAfter(nanos, TimeUnit.NANOSECONDS);
        ManagedChannel channel = channel(address);
        ClientCall<byte[], byte[]> call = channel.newCall(method(methods, MethodDescriptor.MethodType.UNARY, service, endpoint),
                options);
        Answer answer = new Answer(form);
        try {
            call.start(answer, headers);
            call.request(2);
            call.sendMessage(request.body());
            call.halfClose();
        } catch (RuntimeException e) {
            call.cancel("failed to send", e);
            answer.future.completeExceptionally(new TransportException("calling " + address + ": " + e.getMessage(),
                    e, false));
        }
        return answer.future;
    }

    @Override
    public CompletableFuture<MessageStream> stream(Node node, Message open, Duration connectTimeout) {
        return stream(node.address(), open, connectTimeout);
    }

    @Override
    public CompletableFuture<MessageStream> stream(String address, Message open, Duration connectTimeout) {
        Outbound out;
        try {
            out = outbound(open.header(), "stream");
        } catch (RuntimeException refused) {
            return CompletableFuture.failedFuture(refused);
        }
        Metadata headers = out.headers;
        String type = out.form == Forms.JSON ? "application/json" : "application/protobuf";
        String service = out.service;
        String endpoint = out.endpoint;
        ManagedChannel channel = channel(address);
        MethodDescriptor<byte[], byte[]> method = method(streams, MethodDescriptor.MethodType.BIDI_STREAMING,
                service, endpoint);
        CompletableFuture<Void> connected = new CompletableFuture<>();
        whenConnected(channel, address, connected);
        return connected.orTimeout(connectTimeout.toNanos(), TimeUnit.NANOSECONDS).thenApply(ignored -> {
            GrpcClientStream s = new GrpcClientStream(channel.newCall(method, CallOptions.DEFAULT), address, type);
            s.start(headers);
            return s;
        });
    }

    /** A call's or stream's target, form and gRPC headers, from its Go Micro headers. */
    private record Outbound(String service, String endpoint, int form, Metadata headers) {
    }

    /**
     * Checks what a call or stream ({@code what}) needs and makes its gRPC headers.
     *
     * @throws MicroException     400 without a service or an endpoint, 415 for a content type with no gRPC form
     * @throws TransportException when the client is closed
     */
    private Outbound outbound(io.microcdi.metadata.Metadata h, String what) {
        String service = h.get("Micro-Service");
        String endpoint = h.get("Micro-Endpoint");
        String contentType = h.get("Content-Type");
        int form = Forms.form(contentType);
        if (service == null || endpoint == null) {
            throw MicroException.badRequest(ID, "a gRPC " + what + " needs a service and an endpoint");
        }
        if (form < 0) {
            throw new MicroException(ID, (what.equals("call") ? "calling " : "streaming ") + service + " "
                    + endpoint + " over gRPC: content type " + contentType + " has no gRPC form (expected: "
                    + "application/json or application/protobuf)", 415);
        }
        if (closed) {
            throw new TransportException("the gRPC client is closed", null, false);
        }
        Metadata headers = new Metadata();
        GrpcHeaders.outbound(h, headers);
        headers.put(GrpcHeaders.X_CONTENT_TYPE, form == Forms.JSON ? "application/json" : "application/protobuf");
        String from = h.get("Micro-From-Service");
        if (from != null) {
            headers.put(MICRO_FROM_SERVICE, from);
        }
        return new Outbound(service, endpoint, form, headers);
    }

    /** Completes {@code connected} once {@code channel} is, or fails it (not sent) when it cannot connect. */
    private static void whenConnected(ManagedChannel channel, String address, CompletableFuture<Void> connected) {
        if (connected.isDone()) {
            return;
        }
        ConnectivityState state = channel.getState(true);
        switch (state) {
            case READY -> connected.complete(null);
            case TRANSIENT_FAILURE, SHUTDOWN -> connected.completeExceptionally(new TransportException(
                    "gRPC: cannot connect to " + address + " (" + state + ")", null, false));
            default -> channel.notifyWhenStateChanged(state, () -> whenConnected(channel, address, connected));
        }
    }

    @Override
    public Map<String, String> nodeMetadata() {
        return Map.of();
    }

    private static MethodDescriptor<byte[], byte[]> method(
            ConcurrentHashMap<String, ConcurrentHashMap<String, MethodDescriptor<byte[], byte[]>>> methods,
            MethodDescriptor.MethodType type, String service, String endpoint) {
        ConcurrentHashMap<String, MethodDescriptor<byte[], byte[]>> ofService =
                methods.computeIfAbsent(service, s -> new ConcurrentHashMap<>());
        MethodDescriptor<byte[], byte[]> m = ofService.get(endpoint);
        if (m == null) {
            m = ofService.computeIfAbsent(endpoint, e -> MethodDescriptor.<byte[], byte[]>newBuilder()
                    .setType(type)
                    .setFullMethodName(MethodDescriptor.generateFullMethodName(
                            Schemas.packageOf(service) + "." + Schemas.handler(e), Schemas.method(e)))
                    .setRequestMarshaller(Bytes.MARSHALLER)
                    .setResponseMarshaller(Bytes.MARSHALLER)
                    .build());
        }
        return m;
    }

    private ManagedChannel channel(String address) {
        ManagedChannel c = channels.get(address);
        if (c != null) {
            return c;
        }
        return channels.computeIfAbsent(address, a -> NettyChannelBuilder.forTarget(a).usePlaintext()
                .directExecutor().build());
    }

    @Override
    public void disconnect(String address) {
        ManagedChannel c = channels.remove(address);
        if (c != null) {
            c.shutdown();
        }
    }

    @Override
    public void close() {
        closed = true;
        channels.values().forEach(ManagedChannel::shutdownNow);
        channels.clear();
    }

    /** One call's answer: its headers, its message and its status, turned into the transport's outcome. */
    private static final class Answer extends ClientCall.Listener<byte[]> {
        final CompletableFuture<Message> future = new CompletableFuture<>();
        private final int form;
        private Metadata headers;
        private byte[] body;

        Answer(int form) {
            this.form = form;
        }

        @Override
        public void onHeaders(Metadata headers) {
            this.headers = headers;
        }

        @Override
        public void onMessage(byte[] message) {
            body = message;
        }

        @Override
        public void onClose(Status status, Metadata trailers) {
            if (status.isOk()) {
                io.microcdi.metadata.Metadata received = headers == null ? io.microcdi.metadata.Metadata.empty()
                        : GrpcHeaders.inbound(headers);
                io.microcdi.metadata.Metadata h = received.with("Content-Type",
                        form == Forms.JSON ? "application/json" : "application/protobuf");
                future.complete(new Message(h, body == null ? new byte[0] : body));
                return;
            }
            MicroException sent = GrpcErrors.toMicro(status, trailers, ID);
            boolean fromNode = status.getDescription() != null && status.getDescription().startsWith("{")
                    || headers != null;
            if (!fromNode && status.getCode() == Status.Code.DEADLINE_EXCEEDED) {
                future.completeExceptionally(new TransportTimeoutException("gRPC deadline exceeded: "
                        + status.getDescription(), true));
            } else if (!fromNode && status.getCode() == Status.Code.UNAVAILABLE) {
                future.completeExceptionally(new TransportException("gRPC: " + status.getDescription(),
                        status.getCause(), false));
            } else {
                String json = ErrorJson.write(sent);
                future.complete(new Message(io.microcdi.metadata.Metadata.of("Micro-Error", json,
                        "Content-Type", "application/json"), ErrorJson.bytes(sent)));
            }
        }
    }
}
