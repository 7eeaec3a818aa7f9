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
 * {@code CompletableFuture} and an executor of your own before doing anything that blocks (the futures of async typed
 * clients never complete on an I/O thread: see the architecture page).
 * That includes calling {@link #call} again: the first call to a service, or a call to a service without nodes, looks
 * it up in the registry on the calling thread, which may wait (mDNS, while it warms up). A {@link RetryPolicy} runs
 * where the failed attempt completed, an I/O thread included: it must not block.
 *
 * <p>The future fails with {@link io.microcdi.errors.MicroException}: the server's error as sent, 408 when the
 * deadline passed, 503 when the service has no node, 500 when no node could be reached.
 *
 * <p>A client that can also open streams implements {@link StreamingClient}.
 */
public interface Client extends AutoCloseable {

    /** The plugin name, for example {@code rpc}. */
    String name();

    /** Calls {@code request.endpoint()} of {@code request.service()}. */
    CompletableFuture<Response> call(Request request, CallOptions options);

    /** The options used when a caller gives none. */
    CallOptions defaultOptions();

    /**
     * The options of calls to {@code service} when a caller gives none: {@link #defaultOptions()} with what
     * {@code micro.client.<service>.*} sets.
     */
    CallOptions defaultOptions(String service);

    /**
     * A client whose every attempt goes through {@code wrappers} (the first outermost), sharing this client's
     * selector, transport and connections; this client itself when {@code wrappers} is empty. Build it once and keep
     * it: the chain is composed here, not per call.
     *
     * @throws IllegalArgumentException when a wrapper's {@link CallWrapper#wrap} returns {@code null}
     */
    Client wrap(java.util.List<CallWrapper> wrappers);

    @Override
    void close();
}
