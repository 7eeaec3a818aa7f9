package io.microcdi.client.rpc;

import io.microcdi.client.CallOptions;
import io.microcdi.client.Request;
import io.microcdi.client.Response;
import io.microcdi.context.CallContext;
import io.microcdi.context.CallContexts;
import io.microcdi.errors.MicroException;
import io.microcdi.internal.context.OutboundHeaders;
import io.microcdi.internal.exec.HandlerExecutors;
import io.microcdi.internal.stream.Flows;
import io.microcdi.metadata.Metadata;
import io.microcdi.registry.Node;
import io.microcdi.selector.Next;
import io.microcdi.selector.SelectOptions;
import io.microcdi.transport.Message;
import io.microcdi.transport.MessageStream;
import io.microcdi.transport.StreamingTransport;
import io.microcdi.transport.TransportException;
import io.microcdi.transport.TransportTimeoutException;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeoutException;

/**
 * One stream a caller subscribed to: opens it on a node (moving to another when a node cannot be dialed), then
 * sends the caller's messages and delivers the server's, each as the other side can take them.
 *
 * <pre>{@code
 * Flow.Publisher<Response> answers = subscriber -> ClientStream.open(client, open, requests, options, subscriber);
 * }</pre>
 *
 * <p>It is the caller's subscription: demand asked before the stream is open is passed on once it is; cancelling
 * it cancels the stream (or the opening) in both directions. Every failure reaches the caller as a
 * {@link MicroException}: the server's error as sent, 408 when the stream idled out, 500 when no node could be
 * dialed or the connection broke.
 */
final class ClientStream implements Flow.Subscription {

    private final Message open;
    private final String service;
    private final String endpoint;
    private final Next next;
    private final StreamingTransport transport;
    private final ClientProtocols protocols;
    /** The protocol streams prefer for nodes that speak several ({@code micro.client.<service>.protocol}). */
    private final String protocol;
    private final Flow.Publisher<byte[]> requests;
    private final Metadata itemHeader;
    private final int retries;
    private final Duration openTimeout;
    private final Flow.Subscriber<? super Response> subscriber;
    private final Executor callbacks;

    private final Object lock = new Object();
    private long pending;
    private boolean cancelled;
    private Flow.Subscription inbound;
    private MessageStream stream;
    private int attempts;

    ClientStream(Message open, String service, String endpoint, String streamId, String contentType, Next next,
                 StreamingTransport transport, ClientProtocols protocols, String protocol,
                 Flow.Publisher<byte[]> requests, int retries, Duration openTimeout,
                 Flow.Subscriber<? super Response> subscriber, Executor callbacks) {
        this.open = open;
        this.protocols = protocols;
        this.protocol = protocol;
        this.service = service;
        this.endpoint = endpoint;
        this.next = next;
        this.transport = transport;
        this.requests = requests;
        this.itemHeader = Metadata.of(MessageStream.STREAM_HEADER, streamId, "Content-Type", contentType);
        this.retries = retries;
        this.openTimeout = openTimeout;
        this.subscriber = subscriber;
        this.callbacks = callbacks;
    }

    /**
     * Opens a stream of {@code client} for {@code subscriber}: the open message carries the endpoint's headers, a
     * {@code Micro-Id} and a {@code Micro-Stream} id (the same value) and the metadata of the call being handled, if
     * any; a problem before the first node is tried (the client closed, no node) fails the subscriber at once.
     */
    static void open(RpcClient client, Request open, Flow.Publisher<byte[]> requests, CallOptions options,
                     Flow.Subscriber<? super Response> subscriber) {
        Objects.requireNonNull(subscriber, "subscriber");
        CallContext inbound = CallContexts.current();
        Executor callbacks = HandlerExecutors.callbacks(inbound);
        Request request = open;
        Next next;
        Message message;
        String protocol;
        String id = client.nextId();
        try {
            if (client.closed) {
                throw RpcClient.closed(open);
            }
            if (client.streams == null) {
                throw new MicroException(RpcClient.ID, "the " + client.transport.name() + " transport cannot stream "
                        + "(expected: a StreamingTransport)", 501);
            }
            if (inbound.active()) {
                Metadata sent = OutboundHeaders.metadata(open.metadata(), inbound);
                if (sent != open.metadata()) {
                    request = open.withMetadata(sent);
                }
            }
            ServiceCalls calls = client.calls(request.service());
            EndpointTemplate endpoint = calls.endpoint(request);
            protocol = calls.protocol;
            SelectOptions select = options.select();
            if (calls.settings.endpointFilter() && select.endpoint() == null) {
                select = select == calls.settings.options().select() ? endpoint.select
                        : select.withEndpoint(request.endpoint());
            }
            next = client.selector.select(request.service(), select);
            Metadata.Builder h = Metadata.builder(request.metadata().size() + endpoint.headers.size() + 4);
            request.metadata().forEach(h::put);
            endpoint.headers.forEach(h::put);
            message = new Message(h.put("Micro-Id", id).put("X-Micro-Id", id)
                    .put(MessageStream.STREAM_HEADER, id).put("X-Micro-Stream", id).build(), null);
        } catch (RuntimeException e) {
            MicroException failure = e instanceof MicroException me ? me : new MicroException(RpcClient.ID, 500,
                    "opening a stream to " + open.service() + " " + open.endpoint() + ": " + e.getMessage(),
                    MicroException.statusText(500), e);
            Flows.<Response>failed(failure).subscribe(subscriber);
            return;
        }
        new ClientStream(message, request.service(), request.endpoint(), id, request.contentType(), next,
                client.streams, client.protocols, protocol, requests, options.retries(), options.requestTimeout(),
                subscriber, callbacks)
                .start();
    }

    /** Hands the caller its subscription, then opens the stream. */
    void start() {
        subscriber.onSubscribe(this);
        attempt();
    }

    private void attempt() {
        Node node;
        try {
            node = next.next();
        } catch (RuntimeException e) {
            fail(e instanceof MicroException me ? me : error(500, "opening a stream to " + service + " " + endpoint
                    + ": " + e.getMessage(), e));
            return;
        }
        attempts++;
        try {
            // over the protocol the node speaks (gRPC, say), as a call to it goes; else mucp over the transport
            ClientProtocols.Spoken p = protocols.of(node, protocol);
            CompletableFuture<MessageStream> opening;
            if (p == null) {
                opening = transport.stream(node, open, openTimeout);
            } else if (p.transport instanceof StreamingTransport st) {
                opening = st.stream(p.provider.address(node), open, openTimeout);
            } else {
                throw new MicroException(RpcClient.ID, "the " + p.provider.name() + " protocol cannot stream", 501);
            }
            opening.whenComplete((s, error) -> opened(node, s, error));
        } catch (RuntimeException e) {
            opened(node, null, e);
        }
    }

    private void opened(Node node, MessageStream s, Throwable error) {
        if (error != null) {
            Throwable cause = unwrap(error);
            boolean dialFailed = cause instanceof TransportException te && !te.requestSent()
                    || cause instanceof TransportTimeoutException tt && !tt.requestSent();
            next.mark(node, dialFailed || cause instanceof TimeoutException ? cause : null);
            synchronized (lock) {
                if (cancelled) {
                    return;
                }
            }
            if (dialFailed && attempts <= retries) {
                attempt();
                return;
            }
            if (cause instanceof MicroException me) {
                fail(me);   // the node's protocol cannot stream, or the open was refused as such
                return;
            }
            String where = service + " " + endpoint + " at " + node.address()
                    + (attempts > 1 ? " (attempt " + attempts + ")" : "");
            fail(cause instanceof TimeoutException
                    ? error(408, "opening a stream to " + where + ": no connection within " + openTimeout, cause)
                    : error(500, "opening a stream to " + where + ": " + cause.getMessage(), cause));
            return;
        }
        next.mark(node, null);
        synchronized (lock) {
            if (cancelled) {
                s.cancel();
                return;
            }
            stream = s;
        }
        s.receive(new Inbound(), callbacks);
        s.send(Flows.map(requests, body -> new Message(itemHeader, body)));
    }

    private void fail(MicroException e) {
        synchronized (lock) {
            if (cancelled) {
                return;
            }
            cancelled = true;
        }
        callbacks.execute(() -> subscriber.onError(e));
    }

    @Override
    public void request(long n) {
        Flow.Subscription s;
        synchronized (lock) {
            s = inbound;
            if (s == null) {
                pending = n <= 0 ? n : pending + n < 0 ? Long.MAX_VALUE : pending + n;
                return;
            }
        }
        s.request(n);
    }

    @Override
    public void cancel() {
        MessageStream s;
        synchronized (lock) {
            if (cancelled) {
                return;
            }
            cancelled = true;
            s = stream;
        }
        if (s != null) {
            s.cancel();
        }
    }

    private MicroException error(int code, String detail, Throwable cause) {
        return new MicroException(RpcClient.ID, code, detail, MicroException.statusText(code), cause);
    }

    private static Throwable unwrap(Throwable t) {
        while (t instanceof CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /** The server's messages, handed to the caller as {@link Response}s; failures made {@link MicroException}s. */
    private final class Inbound implements Flow.Subscriber<Message> {
        @Override
        public void onSubscribe(Flow.Subscription s) {
            long asked;
            synchronized (lock) {
                inbound = s;
                asked = pending;
                pending = 0;
            }
            if (asked != 0) {
                s.request(asked);
            }
        }

        @Override
        public void onNext(Message m) {
            subscriber.onNext(new Response(m.header(), m.body()));
        }

        @Override
        public void onError(Throwable t) {
            MicroException e;
            if (t instanceof MicroException me) {
                e = me;
            } else if (t instanceof TimeoutException) {
                e = error(408, "stream to " + service + " " + endpoint + ": " + t.getMessage(), t);
            } else {
                e = error(500, "stream to " + service + " " + endpoint + " broken: " + t.getMessage(), t);
            }
            subscriber.onError(e);
        }

        @Override
        public void onComplete() {
            subscriber.onComplete();
        }
    }
}
