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
