package io.microcdi.transport;

import io.microcdi.registry.Node;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * A {@link Transport} that also carries {@link MessageStream}s: Go Micro's streaming RPC. A server with a streaming
 * endpoint, or a client interface with a streaming method, needs one; with a plain transport the start fails.
 *
 * <pre>{@code
 * StreamingTransport t = new HttpTransport(config);
 * Listener l = t.listen("127.0.0.1:0", ex -> serve(((StreamingExchange) ex).stream()));
 * MessageStream s = t.stream(new Node("n1", l.address(), t.nodeMetadata()), open, Duration.ofSeconds(5)).join();
 * }</pre>
 *
 * <p>Every {@link Exchange} its listeners hand to a {@link Transport.Handler} is a {@link StreamingExchange}, so a
 * handler takes a request over as a stream with one cast when the request opens one.
 */
public interface StreamingTransport extends Transport {

    /**
     * Opens a stream to {@code node} with {@code open}, the message that names the endpoint (its headers carry
     * {@link MessageStream#STREAM_HEADER}). The node's metadata says what its listener can do (see
     * {@link #nodeMetadata()}): a transport may pick a better way to stream from it. Completes once the stream is
     * open, or exceptionally with a {@link TransportException} (the connection failed; with
     * {@code requestSent() == false} nothing reached the server) or a {@link TransportTimeoutException} after
     * {@code connectTimeout}.
     */
    CompletableFuture<MessageStream> stream(Node node, Message open, Duration connectTimeout);

    /**
     * Opens a stream to the listener at {@code address}, knowing nothing of its node: the way every listener of this
     * transport understands (for {@code http}, HTTP/1.1). Completes as {@link #stream(Node, Message, Duration)}.
     */
    CompletableFuture<MessageStream> stream(String address, Message open, Duration connectTimeout);

    /**
     * What this transport's listeners can do that a client of the same transport may use, added to the metadata of
     * every node a server registers: the {@code http} transport says {@code streams=h2} (its listeners take streams
     * on HTTP/2 streams). An empty map when there is nothing to say.
     */
    Map<String, String> nodeMetadata();
}
