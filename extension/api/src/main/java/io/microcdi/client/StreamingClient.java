package io.microcdi.client;

import java.util.List;
import java.util.concurrent.Flow;

/**
 * A {@link Client} that also opens streams to streaming endpoints (Go Micro's streaming RPC); typed clients with a
 * streaming method need one, and the start fails when the configured client or its transport cannot stream.
 *
 * <pre>{@code
 * StreamingClient c = (StreamingClient) client;   // checked once, when the typed client is built
 * c.stream(new Request("greeter", "Greeter.Chat", "application/json", new byte[0], Metadata.empty()),
 *         requests, c.defaultOptions("greeter")).subscribe(subscriber);
 * }</pre>
 */
public interface StreamingClient extends Client {

    /**
     * Opens a stream to {@code open.endpoint()} of {@code open.service()} each time the returned publisher is
     * subscribed to: picks a node (a node that cannot be dialed is marked and another tried, up to
     * {@code options.retries()}), sends {@code open} (its body is ignored, its metadata travels), then the encoded
     * messages {@code requests} gives, as the server takes them, and delivers the server's messages as
     * {@link Response}s, as the subscriber requests them. {@code options.requestTimeout()} bounds opening the stream
     * only: a stream lives until either side ends it or it is idle for the transport's stream idle timeout.
     *
     * <p>The subscriber completes when the server ends its side ({@code EOS}) and fails with a
     * {@link io.microcdi.errors.MicroException}: the server's error as sent, 408 when the stream idled out, 500 when
     * the connection broke, 503 when the service has no node. Cancelling the subscription cancels the stream in both
     * directions (the server sees it cancelled). Signals run on a callback thread of the client, never an I/O thread.
     */
    Flow.Publisher<Response> stream(Request open, Flow.Publisher<byte[]> requests, CallOptions options);

    /** As {@link Client#wrap}: the wrapped view streams too (call wrappers do not apply to streams). */
    @Override
    StreamingClient wrap(List<CallWrapper> wrappers);
}
