package io.microcdi.client.grpc;

import io.microcdi.registry.Node;
import io.microcdi.transport.Listener;
import io.microcdi.transport.Message;
import io.microcdi.transport.MessageStream;
import io.microcdi.transport.StreamingTransport;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The client's gRPC protocol, made on the first call that goes over gRPC: every rpc client finds this plugin on its
 * class path, and most never call a gRPC node, so a start loads none of grpc-java (and Guava) for it.
 *
 * <pre>{@code
 * Transport grpc = new OnFirstCall();   // cheap: nothing of grpc-java loaded yet
 * grpc.send("127.0.0.1:9090", request, Duration.ofSeconds(5));   // the GrpcClientTransport is made here
 * }</pre>
 */
final class OnFirstCall implements StreamingTransport {

    private volatile GrpcClientTransport made;
    private boolean closed;

    /** The transport, made by the first caller; once closed, a closed one (its calls fail saying so). */
    GrpcClientTransport transport() {
        GrpcClientTransport t = made;
        if (t != null) {
            return t;
        }
        synchronized (this) {
            if (made == null) {
                GrpcClientTransport fresh = new GrpcClientTransport();
                if (closed) {
                    fresh.close();
                }
                made = fresh;
            }
            return made;
        }
    }

    /** Whether a call has made the transport yet. */
    boolean made() {
        return made != null;
    }

    @Override
    public String name() {
        return "grpc";
    }

    @Override
    public Listener listen(String address, Handler handler) {
        return transport().listen(address, handler);
    }

    @Override
    public CompletableFuture<Message> send(String address, Message request, Duration timeout) {
        return transport().send(address, request, timeout);
    }

    @Override
    public CompletableFuture<MessageStream> stream(Node node, Message open, Duration connectTimeout) {
        return transport().stream(node, open, connectTimeout);
    }

    @Override
    public CompletableFuture<MessageStream> stream(String address, Message open, Duration connectTimeout) {
        return transport().stream(address, open, connectTimeout);
    }

    @Override
    public Map<String, String> nodeMetadata() {
        return Map.of(); // what GrpcClientTransport advertises: a client protocol adds nothing to a node
    }

    @Override
    public void disconnect(String address) {
        GrpcClientTransport t = made;
        if (t != null) {
            t.disconnect(address);
        }
    }

    @Override
    public void close() {
        GrpcClientTransport t;
        synchronized (this) {
            closed = true;
            t = made;
        }
        if (t != null) {
            t.close();
        }
    }
}
