package io.microcdi.transport;

/**
 * A request received by a {@link StreamingTransport}'s listener: besides a reply, it can become the server end of a
 * {@link MessageStream}.
 *
 * <pre>{@code
 * Listener l = transport.listen(address, ex -> {
 *     if (ex.request().header().get(MessageStream.STREAM_HEADER) != null) {
 *         MessageStream s = ((StreamingExchange) ex).stream();   // every exchange of a StreamingTransport is one
 *         s.receive(subscriber, executor);
 *         s.send(publisher);
 *     } else {
 *         ex.reply(answer(ex.request()));
 *     }
 * });
 * }</pre>
 */
public interface StreamingExchange extends Exchange {

    /**
     * Takes this request over as the first message of a stream: the request is not answered with {@link #reply};
     * everything after goes through the stream. Call it at most once, instead of replying.
     *
     * @throws IllegalStateException         when the request was already answered or taken over
     * @throws UnsupportedOperationException when this one request cannot become a stream (the {@code http}
     *                                       transport: an HTTP/2 request without a {@code Micro-Stream} header)
     */
    MessageStream stream();
}
