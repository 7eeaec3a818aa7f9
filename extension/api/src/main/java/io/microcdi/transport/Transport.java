package io.microcdi.transport;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Carries messages between nodes: a server side that listens and a client side that sends over pooled connections.
 *
 * <pre>{@code
 * Listener l = transport.listen("127.0.0.1:0", exchange -> exchange.reply(answer(exchange.request())));
 * Message rsp = transport.send(l.address(), request, Duration.ofSeconds(5)).join();
 * }</pre>
 *
 * <p>{@link Handler#handle} runs on an I/O thread: it must not block. Futures complete on I/O threads too.
 */
public interface Transport extends AutoCloseable {

    /** The plugin name, for example {@code http}; it goes into node metadata as {@code transport}. */
    String name();

    /**
     * Starts listening on {@code address} ({@code host:port}; port 0 picks a free one).
     *
     * @throws TransportException when the address cannot be bound
     */
    Listener listen(String address, Handler handler);

    /**
     * Sends {@code request} to the node at {@code address} and completes with its response, or exceptionally with a
     * {@link TransportException} (connection failed or lost) or a {@link java.util.concurrent.TimeoutException}.
     */
    CompletableFuture<Message> send(String address, Message request, Duration timeout);

    /**
     * Opens a stream to the node at {@code address} with {@code open}, the message that names the endpoint (its
     * headers carry {@link MessageStream#STREAM_HEADER}). Completes once the stream is open, or exceptionally with a
     * {@link TransportException} (connection failed: nothing reached the server) or a
     * {@link java.util.concurrent.TimeoutException} after {@code connectTimeout}. A transport that cannot stream fails
     * with {@link UnsupportedOperationException}.
     */
    default CompletableFuture<MessageStream> stream(String address, Message open, Duration connectTimeout) {
        return CompletableFuture.failedFuture(
                new UnsupportedOperationException("the " + name() + " transport does not stream"));
    }

    /**
     * Opens a stream to {@code node}, as {@link #stream(String, Message, Duration)} to its address; a transport may
     * read what the node's metadata says its listener can do (see {@link #nodeMetadata()}).
     */
    default CompletableFuture<MessageStream> stream(io.microcdi.registry.Node node, Message open,
                                                    Duration connectTimeout) {
        return stream(node.address(), open, connectTimeout);
    }

    /**
     * What this transport's listeners can do that a client of the same transport may use, added to the metadata of
     * every node a server registers (the {@code http} transport: {@code streams=h2}, its listeners take streams on
     * HTTP/2 streams). Empty by default.
     */
    default java.util.Map<String, String> nodeMetadata() {
        return java.util.Map.of();
    }

    /** Closes client connections to {@code address}, for example when its node left the registry. */
    void disconnect(String address);

    /** Closes every connection and listener. */
    @Override
    void close();

    /** Serves requests arriving on a listener. */
    @FunctionalInterface
    interface Handler {

        /** Handles one request; answer with {@link Exchange#reply} exactly once, from any thread. */
        void handle(Exchange exchange);
    }
}
