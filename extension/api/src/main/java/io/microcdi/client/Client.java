package io.microcdi.client;

import java.util.concurrent.CompletableFuture;

/**
 * Calls endpoints of services found in the registry: selects a node, sends, retries on another node.
 *
 * <pre>{@code
 * Request req = new Request("greeter", "Greeter.Hello", "application/json", body, Metadata.empty());
 * Response rsp = client.call(req, CallOptions.defaults()).join();
 * }</pre>
 *
 * <p>The future may complete on an I/O thread: continue with the {@code ...Async} methods of
 * {@code CompletableFuture} and an executor of your own before doing anything that blocks (typed clients already do).
 * That includes calling {@link #call} again: the first call to a service, or a call to a service without nodes, looks
 * it up in the registry on the calling thread, which may wait (mDNS, while it warms up). A {@link RetryPolicy} runs
 * where the failed attempt completed, an I/O thread included: it must not block.
 *
 * <p>The future fails with {@link io.microcdi.errors.MicroException}: the server's error as sent, 408 when the
 * deadline passed, 503 when the service has no node, 500 when no node could be reached.
 */
public interface Client extends AutoCloseable {

    /** The plugin name, for example {@code rpc}. */
    String name();

    /** Calls {@code request.endpoint()} of {@code request.service()}. */
    CompletableFuture<Response> call(Request request, CallOptions options);

    /**
     * Opens a stream to {@code open.endpoint()} of {@code open.service()} each time the returned publisher is
     * subscribed to: picks a node (a node that cannot be dialed is marked and another tried, up to
     * {@code options.retries()}), sends {@code open} (its body is ignored, its metadata travels), then the encoded
     * messages {@code requests} gives, as the server takes them, and delivers the server's messages as
     * {@link Response}s, as the subscriber requests them. {@code options.requestTimeout()} bounds opening the stream
     * only: a stream lives until either side ends it or it is idle for the transport's stream idle timeout.
     *
     * <pre>{@code
     * client.stream(new Request("greeter", "Greeter.Chat", "application/json", new byte[0], Metadata.empty()),
     *         requests, client.defaultOptions("greeter")).subscribe(subscriber);
     * }</pre>
     *
     * <p>The subscriber completes when the server ends its side ({@code EOS}) and fails with a
     * {@link io.microcdi.errors.MicroException}: the server's error as sent, 408 when the stream idled out, 500 when
     * the connection broke, 503 when the service has no node. Cancelling the subscription cancels the stream in both
     * directions (the server sees it cancelled). Signals run on a callback thread of the client, never an I/O thread.
     *
     * @throws UnsupportedOperationException when this client cannot stream
     */
    default java.util.concurrent.Flow.Publisher<Response> stream(Request open,
                                                                java.util.concurrent.Flow.Publisher<byte[]> requests,
                                                                CallOptions options) {
        throw new UnsupportedOperationException("the " + name() + " client does not stream");
    }

    /** The options used when a caller gives none. */
    CallOptions defaultOptions();

    /** The options of calls to {@code service} when a caller gives none ({@code micro.client.<service>.*}). */
    default CallOptions defaultOptions(String service) {
        return defaultOptions();
    }

    /**
     * A client whose every attempt goes through {@code wrappers} (the first outermost), sharing this client's
     * selector, transport and connections. Build it once and keep it: the chain is composed here, not per call.
     *
     * @throws UnsupportedOperationException when this client cannot wrap attempts
     */
    default Client wrap(java.util.List<CallWrapper> wrappers) {
        if (wrappers.isEmpty()) {
            return this;
        }
        throw new UnsupportedOperationException("the " + name() + " client does not support call wrappers");
    }

    @Override
    void close();
}
