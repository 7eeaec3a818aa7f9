package io.microcdi.transport;

/**
 * One request received by a listener, and the way to answer it.
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

    /** Sends the response; call it once. Safe from any thread. */
    void reply(Message response);

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
     * Sends the response with an HTTP status other than {@code 200}: what the HTTP broker's {@code /_sub} answers
     * ({@code 404} for an unknown subscription, {@code 500} when the subscriber failed). Go Micro's RPC always
     * answers {@code 200}, with errors in {@code Micro-Error}: RPC code calls {@link #reply(Message)}. Call one of
     * the two, once. Transports without statuses send {@code response} as {@link #reply(Message)} does.
     *
     * <pre>{@code
     * exchange.reply(404, new Message(Metadata.of("Content-Type", "application/json"), errorJson));
     * }</pre>
     */
    default void reply(int status, Message response) {
        reply(response);
    }

    /**
     * Takes this request over as the first message of a stream ({@link MessageStream}): the request is not answered
     * with {@link #reply}; everything after goes through the stream. Call it at most once, instead of replying.
     *
     * @throws UnsupportedOperationException when the transport cannot stream
     * @throws IllegalStateException         when the request was already answered
     */
    default MessageStream stream() {
        throw new UnsupportedOperationException("this transport does not stream");
    }
}
