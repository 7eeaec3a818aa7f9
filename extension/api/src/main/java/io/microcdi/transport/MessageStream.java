package io.microcdi.transport;

import java.util.concurrent.Executor;
import java.util.concurrent.Flow;

/**
 * A stream of messages in both directions between a client and a server: Go Micro's streaming RPC at the transport
 * level, carried by a {@link StreamingTransport}. The client opens it with {@link StreamingTransport#stream}; the
 * server takes a request over with {@link StreamingExchange#stream()}.
 *
 * <pre>{@code
 * MessageStream s = streamingTransport.stream(node, open, Duration.ofSeconds(5)).join();
 * s.receive(subscriber, executor);        // what the peer sends, as the subscriber requests it
 * s.send(publisher);                      // what we send, as the peer can take it
 * }</pre>
 *
 * <p>Both directions have backpressure: a message is read from the connection only while the receiving subscriber
 * has demand (plus a small prefetch), and the sending publisher is asked for more only while the connection can take
 * it. End of stream and errors travel as Go Micro sends them: a message whose {@code Micro-Error} header is
 * {@code EOS} ends a direction, any other {@code Micro-Error} value is an error (the Go Micro error JSON).
 *
 * <p>Each direction ends on its own with {@code EOS}; the stream is over, and its connection (or HTTP/2 stream)
 * released, once both have. An error either way ends both. A stream with no message either way for the transport's
 * stream idle timeout fails both directions.
 */
public interface MessageStream {

    /** The header every message of a stream carries: the stream's id. */
    String STREAM_HEADER = "Micro-Stream";

    /** The {@code Micro-Error} value that ends a direction. */
    String END_OF_STREAM = "EOS";

    /** The peer's address, {@code host:port}. */
    String remoteAddress();

    /**
     * Subscribes {@code subscriber} (once) to the messages the peer sends. Its signals run on {@code executor}, one
     * at a time. It completes when the peer ends its direction ({@code EOS}) and fails with the peer's
     * {@link io.microcdi.errors.MicroException}, a {@link TransportException} when the connection broke or the
     * peer cancelled, or a {@link TransportTimeoutException} when the stream was idle too long. Cancelling its
     * subscription drops what the peer still sends; it does not cancel the stream (see {@link #cancel()}), but once
     * this side has ended its own direction too, the stream is released and the peer's direction ends with it.
     *
     * @throws IllegalStateException when called twice
     */
    void receive(Flow.Subscriber<? super Message> subscriber, Executor executor);

    /**
     * Sends the messages {@code publisher} gives (once), asking it for more only as the connection takes them: its
     * completion ends this direction ({@code EOS}); its error is sent as a Go Micro error (a
     * {@link io.microcdi.errors.MicroException} as is, anything else as a 500) and ends the stream both ways (the
     * receiver here fails with it too). An error from the peer cancels the publisher. The
     * subscription is cancelled when the stream is cancelled, breaks or idles out. {@code request} is called on
     * transport threads: the publisher must not block in it.
     *
     * @throws IllegalStateException when called twice
     */
    void send(Flow.Publisher<? extends Message> publisher);

    /**
     * Ends the stream now, in both directions: nothing more is sent or delivered, the publisher's subscription is
     * cancelled and the peer sees the stream cancelled. Does nothing once the stream is over.
     */
    void cancel();
}
