package io.microcdi.unary;

import io.microcdi.client.CallOptions;
import io.microcdi.client.CallWrapper;
import io.microcdi.client.Client;
import io.microcdi.client.Request;
import io.microcdi.client.Response;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A client that makes unary calls only: the RPC client behind a plain {@link Client}, so it is no
 * {@code StreamingClient}. What a client plugin without streams looks like to the framework.
 *
 * <pre>{@code
 * micro.client=unary   // through UnaryClientProvider
 * }</pre>
 */
public final class UnaryClient implements Client {

    /** The plugin name. */
    public static final String NAME = "unary";

    private final Client rpc;

    public UnaryClient(Client rpc) {
        this.rpc = rpc;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public CompletableFuture<Response> call(Request request, CallOptions options) {
        return rpc.call(request, options);
    }

    @Override
    public CallOptions defaultOptions() {
        return rpc.defaultOptions();
    }

    @Override
    public CallOptions defaultOptions(String service) {
        return rpc.defaultOptions(service);
    }

    @Override
    public Client wrap(List<CallWrapper> wrappers) {
        return wrappers.isEmpty() ? this : new UnaryClient(rpc.wrap(wrappers));
    }

    @Override
    public void close() {
        rpc.close();
    }
}
