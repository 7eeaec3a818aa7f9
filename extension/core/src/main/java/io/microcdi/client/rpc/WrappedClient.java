package io.microcdi.client.rpc;

import io.microcdi.client.CallFunc;
import io.microcdi.client.CallOptions;
import io.microcdi.client.CallWrapper;
import io.microcdi.client.Request;
import io.microcdi.client.Response;
import io.microcdi.client.StreamingClient;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

/**
 * An {@link RpcClient} seen through a chain of wrappers composed once: its calls' attempts go through the chain, all
 * else is the client's.
 *
 * <pre>{@code
 * Client traced = client.wrap(List.of(tracing, metrics));   // tracing outermost
 * }</pre>
 */
final class WrappedClient implements StreamingClient {
    private final RpcClient client;
    private final List<CallWrapper> wrappers;
    private final CallFunc chain;

    WrappedClient(RpcClient client, List<CallWrapper> wrappers) {
        this.client = client;
        this.wrappers = wrappers;
        this.chain = client.wrapping.compose(wrappers);
    }

    @Override
    public String name() {
        return client.name();
    }

    @Override
    public CompletableFuture<Response> call(Request request, CallOptions options) {
        return client.call(request, options, chain);
    }

    @Override
    public CallOptions defaultOptions() {
        return client.defaultOptions();
    }

    @Override
    public CallOptions defaultOptions(String service) {
        return client.defaultOptions(service);
    }

    @Override
    public Flow.Publisher<Response> stream(Request open, Flow.Publisher<byte[]> requests, CallOptions options) {
        return client.stream(open, requests, options);
    }

    @Override
    public StreamingClient wrap(List<CallWrapper> more) {
        if (more.isEmpty()) {
            return this;
        }
        List<CallWrapper> all = new ArrayList<>(wrappers);
        all.addAll(more);
        return new WrappedClient(client, List.copyOf(all));
    }

    /** The client it wraps is shared and closed by its owner. */
    @Override
    public void close() {
    }

    @Override
    public String toString() {
        return "rpc client wrapped by " + wrappers;
    }
}
