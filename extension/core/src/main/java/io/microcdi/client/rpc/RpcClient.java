package io.microcdi.client.rpc;

import io.microcdi.client.CallOptions;
import io.microcdi.client.Client;
import io.microcdi.client.Request;
import io.microcdi.client.Response;
import io.microcdi.errors.MicroException;
import io.microcdi.internal.ErrorJson;
import io.microcdi.metadata.Metadata;
import io.microcdi.registry.Node;
import io.microcdi.selector.Next;
import io.microcdi.selector.Selector;
import io.microcdi.transport.Message;
import io.microcdi.transport.Transport;
import io.microcdi.transport.TransportException;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Calls a service the Go Micro way: select a node, {@code POST /} with the {@code Micro-*} headers (both spellings)
 * and the remaining budget in {@code Timeout}, and on a connection failure try another node.
 *
 * <pre>{@code
 * Client client = new RpcClient(RpcClientConfig.from(config), selector, transport);
 * Response rsp = client.call(request, client.defaultOptions()).join();
 * }</pre>
 *
 * <p>Nothing blocks: each attempt continues on the transport's completion. A failure that may have reached the
 * server (the request was written) is not retried, so a handler never runs twice because of a retry.
 */
public final class RpcClient implements Client {

    static final String ID = "go.micro.client";

    private final RpcClientConfig config;
    private final CallOptions defaults;
    private final Selector selector;
    private final Transport transport;
    private final AtomicLong ids = new AtomicLong();
    private final ConcurrentHashMap<String, Map<String, Metadata>> templates = new ConcurrentHashMap<>();

    /** A client selecting with {@code selector} and sending over {@code transport}. */
    public RpcClient(RpcClientConfig config, Selector selector, Transport transport) {
        this.config = config;
        this.defaults = config.callOptions();
        this.selector = selector;
        this.transport = transport;
    }

    @Override
    public String name() {
        return "rpc";
    }

    @Override
    public CallOptions defaultOptions() {
        return defaults;
    }

    /** The content type typed clients encode with. */
    public String contentType() {
        return config.contentType();
    }

    @Override
    public CompletableFuture<Response> call(Request request, CallOptions options) {
        long deadline = System.nanoTime() + options.requestTimeout().toNanos();
        CompletableFuture<Response> result = new CompletableFuture<>();
        Next next;
        try {
            next = selector.select(request.service());
        } catch (MicroException e) {
            result.completeExceptionally(e);
            return result;
        }
        attempt(request, options, next, deadline, 0, String.valueOf(ids.getAndIncrement()), result);
        return result;
    }

    private void attempt(Request request, CallOptions options, Next next, long deadline, int attempt, String id,
                         CompletableFuture<Response> result) {
        long remaining = deadline - System.nanoTime();
        if (remaining <= 0) {
            result.completeExceptionally(timeout(request, options));
            return;
        }
        Node node = next.next();
        Message message = new Message(headers(request, id, remaining), request.body());
        transport.send(node.address(), message, Duration.ofNanos(remaining)).whenComplete((response, error) -> {
            if (error == null) {
                selector.mark(request.service(), node, null);
                String microError = response.header().get("Micro-Error");
                if (microError == null) {
                    microError = response.header().get("X-Micro-Error");
                }
                if (microError != null) {
                    result.completeExceptionally(ErrorJson.parse(microError));
                } else {
                    result.complete(new Response(response.header(), response.body()));
                }
                return;
            }
            Throwable cause = unwrap(error);
            selector.mark(request.service(), node, cause);
            if (cause instanceof TimeoutException) {
                result.completeExceptionally(timeout(request, options));
            } else if (cause instanceof TransportException te) {
                if (!te.requestSent() && attempt < options.retries() && deadline - System.nanoTime() > 0) {
                    attempt(request, options, next, deadline, attempt + 1, id, result);
                } else {
                    result.completeExceptionally(new MicroException(ID, 500,
                            "calling " + request.service() + " " + request.endpoint() + " at " + node.address()
                                    + ": " + te.getMessage(), MicroException.statusText(500), te));
                }
            } else if (cause instanceof MicroException me) {
                result.completeExceptionally(me);
            } else {
                result.completeExceptionally(new MicroException(ID, 500, String.valueOf(cause.getMessage()),
                        MicroException.statusText(500), cause));
            }
        });
    }

    private Metadata headers(Request r, String id, long remainingNanos) {
        Metadata template = template(r);
        Metadata.Builder b;
        if (r.metadata().isEmpty()) {
            b = template.toBuilder(3);
        } else {
            // the caller's metadata first, so the protocol's own headers win over a clash
            b = Metadata.builder(r.metadata().size() + template.size() + 3);
            r.metadata().forEach(b::put);
            template.forEach(b::put);
        }
        return b.put("Micro-Id", id).put("X-Micro-Id", id).put("Timeout", Long.toString(remainingNanos)).build();
    }

    /**
     * The headers that are the same for every call of one endpoint (Go Micro sends both spellings and
     * {@code Accept} = {@code Content-Type}), built once per endpoint.
     */
    private Metadata template(Request r) {
        Map<String, Metadata> byEndpoint = templates.computeIfAbsent(r.service(), s -> new ConcurrentHashMap<>());
        Metadata t = byEndpoint.get(r.endpoint());
        if (t == null || !r.contentType().equals(t.get("Content-Type"))) {
            t = Metadata.builder(8)
                    .put("Content-Type", r.contentType())
                    .put("Accept", r.contentType())
                    .put("Micro-Service", r.service())
                    .put("Micro-Endpoint", r.endpoint())
                    .put("Micro-Method", r.endpoint())
                    .put("X-Micro-Service", r.service())
                    .put("X-Micro-Endpoint", r.endpoint())
                    .put("X-Micro-Method", r.endpoint())
                    .build();
            byEndpoint.put(r.endpoint(), t);
        }
        return t;
    }

    private static MicroException timeout(Request r, CallOptions o) {
        return MicroException.timeout(ID, "call timeout: %s %s took longer than %s", r.service(), r.endpoint(),
                o.requestTimeout());
    }

    private static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    @Override
    public void close() {
        // the transport and selector are shared and closed by their owner
    }
}
