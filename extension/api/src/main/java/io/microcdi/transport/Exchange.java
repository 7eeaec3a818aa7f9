package io.microcdi.transport;

/**
 * One request received by a listener, and the way to answer it. A {@link StreamingTransport}'s requests are
 * {@link StreamingExchange}s, which can also become a stream.
 *
 * <pre>{@code
 * exchange.reply(new Message(Metadata.of("Content-Type", "application/json"), body));
 * }</pre>
 */
public interface Exchange {

    /** The request. */
    Message request();

    /** The caller's address, {@code host:port}. */
    String remoteAddress();

    /** The address the request arrived on, {@code host:port}. */
    String localAddress();

    /**
     * The request method, for example {@code POST}. Transports without methods (and Go Micro's RPC, which always
     * posts) say {@code POST}.
     */
    default String method() {
        return "POST";
    }

    /**
     * The request target as sent: the path and its query, for example {@code /} or {@code /_sub?id=broker-1}.
     * Transports without paths say {@code /}.
     */
    default String path() {
        return "/";
    }

    /**
     * Sends the response with {@code status}; call one of the two {@code reply} methods, once, from any thread. Go
     * Micro's RPC always answers {@code 200}, with errors in {@code Micro-Error}; other statuses are what the HTTP
     * broker's {@code /_sub} answers ({@code 404} for an unknown subscription, {@code 500} when the subscriber
     * failed). Every transport carries the status to the caller: {@link Transport#send} fails on a status other than
     * {@code 200} unless the response carries {@code Micro-Error}.
     *
     * <pre>{@code
     * exchange.reply(404, new Message(Metadata.of("Content-Type", "application/json"), errorJson));
     * }</pre>
     *
     * @throws IllegalArgumentException when {@code status} is not between 200 and 999
     */
    void reply(int status, Message response);

    /** Sends the response with status {@code 200}: {@code reply(200, response)}. */
    default void reply(Message response) {
        reply(200, response);
    }
}
