package io.microcdi.transport;

import io.microcdi.registry.Node;

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
 *
 * <p>This is the unary part every transport has. A transport that also carries streams implements
 * {@link StreamingTransport}; a server or client that needs streams checks for it when it starts.
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
     * {@link TransportException} (connection failed or lost: {@link TransportException#requestSent()} tells whether
     * the request may have arrived) or a {@link TransportTimeoutException} once {@code timeout} passed. A response
     * whose status ({@link Exchange#reply(int, Message)}) is not {@code 200} and that carries no {@code Micro-Error}
     * header fails it with a {@link io.microcdi.errors.MicroException} of code 500 whose detail starts with the
     * status, as Go Micro's client reports it.
     */
    CompletableFuture<Message> send(String address, Message request, Duration timeout);

    /**
     * Sends {@code request} to {@code node}, completing as {@link #send(String, Message, Duration)}. The node's
     * metadata says what its listener can do ({@link StreamingTransport#nodeMetadata()}): a transport may pick a
     * better way to reach it (the {@code http} transport sends calls to a node that says {@code calls=h2} on HTTP/2
     * streams of one shared connection). By default, the node's address is all that counts.
     */
    default CompletableFuture<Message> send(Node node, Message request, Duration timeout) {
        return send(node.address(), request, timeout);
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
