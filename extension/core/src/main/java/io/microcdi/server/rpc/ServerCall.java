package io.microcdi.server.rpc;

import io.microcdi.codec.Codec;
import io.microcdi.codec.CodecException;
import io.microcdi.codec.Envelope;
import io.microcdi.context.CallContext;
import io.microcdi.context.CallContexts;
import io.microcdi.errors.ErrorJson;
import io.microcdi.errors.MicroException;
import io.microcdi.internal.context.InboundHeaders;
import io.microcdi.metadata.Metadata;
import io.microcdi.server.EndpointDefinition;
import io.microcdi.telemetry.Observation;
import io.microcdi.telemetry.Telemetry;
import io.microcdi.transport.Exchange;
import io.microcdi.transport.Message;
import io.microcdi.transport.MessageStream;
import io.microcdi.transport.StreamingExchange;

import java.lang.System.Logger.Level;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BiConsumer;

import static io.microcdi.server.rpc.RpcServer.ID;

/**
 * One request, from the I/O thread to its answer, in steps: on the I/O thread, {@link #read} the body's codec and
 * routing headers (unwrapping a legacy envelope) and {@link #route} it; then, on that thread when the endpoint never
 * blocks and on a handler thread otherwise, either {@link #openStream} or, for a unary call, check its deadline,
 * {@link #decode}, {@link #invoke} the handler in the call's context and {@link #answer}, at once or when the
 * handler's stage completes. Every failure is answered: {@link #fail} with Go Micro's error JSON.
 *
 * <pre>{@code
 * new ServerCall(server, exchange, System.nanoTime()).dispatch(handlers);
 * }</pre>
 *
 * <p>It is the task the handler pool runs and the completion of an asynchronous handler's stage, so serving a call
 * allocates no more objects than the lambdas these were.
 */
final class ServerCall implements Runnable, BiConsumer<Object, Throwable> {

    /** A deadline of {@code 0}: the caller sent no {@code Timeout}. */
    static final long NO_DEADLINE = 0;
    private static final System.Logger LOG = System.getLogger(RpcServer.class.getName());
    private static final byte[] NO_BYTES = new byte[0];
    /** The protocol in telemetry: Go Micro's HTTP protocol, whatever its codec or envelope. */
    static final String PROTOCOL = "mucp";

    private final RpcServer server;
    private final Exchange exchange;
    /** When the I/O thread took the request: the {@code Timeout} header counts from here. */
    private final long received;

    // what the request says, filled in by read() and route(); the error path answers with what is known by then
    private String id;
    /** Set when the request came in an envelope: the answer goes back in it. */
    private Enveloped enveloped;
    /** The codec of the message itself (the envelope's when enveloped). */
    private Codec codec;
    private String endpoint;
    private String service;
    private byte[] body;
    private int offset;
    private int length;

    // a unary call once routed, for its answer (maybe later, on the thread that completes the handler's stage)
    private Route route;
    private int c;
    private String timeout;
    private long deadline;
    /** The call's telemetry once routed, when the server is observed; else {@code null}. */
    private Observation observation;

    ServerCall(RpcServer server, Exchange exchange, long received) {
        this.server = server;
        this.exchange = exchange;
        this.received = received;
    }

    /**
     * On the I/O thread that took the request: reads and routes it, then serves it right here when its endpoint never
     * blocks, else hands it to a handler thread; a request that cannot be routed is answered here.
     */
    void dispatch(Executor handlers) {
        Metadata h = exchange.request().header();
        id = header(h, "Micro-Id", "X-Micro-Id");
        try {
            read(h);
            route = route();
        } catch (MicroException e) {
            fail(e);
            return;
        } catch (RuntimeException | Error e) {
            fail(new MicroException(ID, 500, RpcServer.describe(e), MicroException.statusText(500), e));
            return;
        }
        if (route.nonBlocking) {
            serve(h);
            return;
        }
        try {
            handlers.execute(this);
        } catch (RejectedExecutionException e) {
            fail(new MicroException(ID, "server busy: too many calls waiting", 503));
        }
    }

    /** On a handler thread: serves the routed call. */
    @Override
    public void run() {
        serve(exchange.request().header());
    }

    private void serve(Metadata h) {
        try {
            // a unary call pays one header lookup here: both spellings are read only once a stream is in play
            if (route.streaming != EndpointDefinition.Streaming.NONE || h.get(MessageStream.STREAM_HEADER) != null) {
                openStream(h, header(h, MessageStream.STREAM_HEADER, "X-Micro-Stream"));
                return;
            }
            if (server.observed) {
                observation = server.telemetry.serverCall(PROTOCOL, route.service, route.endpoint, h);
            }
            timeout = h.get("Timeout");
            deadline = timeout == null ? NO_DEADLINE : deadline(timeout, received);
            if (deadline != NO_DEADLINE && deadline - System.nanoTime() <= 0) {
                server.drops.dropped(endpoint, received, "before it started");
                throw MicroException.timeout(ID, "deadline of %s ns passed before %s started", timeout, endpoint);
            }
            c = route.codecIndex(codec);
            if (route.unsupported[c] != null) {
                throw new MicroException(ID, route.unsupported[c], 415);
            }
            Object result = invoke(h, decode());
            if (deadline != NO_DEADLINE && deadline - System.nanoTime() <= 0) {
                // nobody waits for this answer any more: do not encode it
                server.drops.dropped(endpoint, received, "after its handler returned");
                // under the service's id, as the handler's own errors: it ran, so a client must not retry it
                throw MicroException.timeout(route.errorId, "deadline of %s ns passed while %s ran", timeout,
                        endpoint);
            }
            if (result instanceof CompletionStage<?> stage) {
                stage.whenComplete(this);
                return;
            }
            answer(route.encode(c, result));
        } catch (MicroException e) {
            fail(e);
        } catch (RuntimeException | Error e) {
            fail(new MicroException(ID, 500, RpcServer.describe(e), MicroException.statusText(500), e));
        }
    }

    /**
     * The codec of the {@code Content-Type} (415 when there is none), the routing headers and the body; a request in
     * an envelope (by its content type, or Go Micro's legacy form) is unwrapped: the method and id come from it.
     */
    private void read(Metadata h) {
        String contentType = h.get("Content-Type");
        if (contentType == null || contentType.isEmpty()) {
            contentType = RpcServer.DEFAULT_CONTENT_TYPE;
        }
        codec = server.codecs.get(contentType);
        if (codec == null) {
            throw new MicroException(ID, "unsupported Content-Type: " + contentType + " (expected: one of "
                    + String.join(", ", server.codecs.contentTypes()) + ")", 415);
        }
        endpoint = header(h, "Micro-Endpoint", "X-Micro-Endpoint");
        if (endpoint == null || endpoint.isEmpty()) {
            endpoint = header(h, "Micro-Method", "X-Micro-Method");
        }
        service = header(h, "Micro-Service", "X-Micro-Service");
        body = exchange.request().body();
        offset = 0;
        length = body.length;
        Codec wire = Enveloped.legacy(h, endpoint, service) ? Enveloped.legacyCodec(server.codecs, codec) : codec;
        if (wire instanceof Envelope envelope) {
            Envelope.Frame frame;
            try {
                frame = envelope.readRequest(body);
            } catch (CodecException | IllegalArgumentException e) {
                // a frame out of the body's bounds is malformed input too, never a server error
                enveloped = new Enveloped(envelope, codec.contentType(), null, null, false);
                throw MicroException.badRequest(ID, "%s", e.getMessage());
            }
            if (frame.method() != null) {
                endpoint = frame.method();
            }
            if (frame.id() != null) {
                id = frame.id();
            }
            enveloped = new Enveloped(envelope, codec.contentType(), endpoint, frame.id(), frame.idString());
            body = frame.data();
            offset = frame.offset();
            length = frame.length();
            codec = envelope;
        }
    }

    /** The route of the endpoint: 400 when the request names none, 404 when this server does not serve it. */
    private Route route() {
        if (endpoint == null || endpoint.isEmpty()) {
            throw MicroException.badRequest(ID, enveloped != null
                    ? "no method in the " + enveloped.envelope().contentType() + " envelope and no Micro-Endpoint "
                    + "header (expected: Handler.Method, for example Greeter.Hello)"
                    : "missing Micro-Endpoint header (expected: Handler.Method, for example Greeter.Hello)");
        }
        Routes routes = server.routes;
        Route found = routes.find(service, endpoint);
        if (found == null) {
            throw MicroException.notFound(ID, "unknown endpoint %s%s (serving: %s)", endpoint,
                    service == null ? "" : " of service " + service, routes.names());
        }
        return found;
    }

    /** The handler's argument, decoded with the route's decoder for the codec: 400 when the body is malformed. */
    private Object decode() {
        Object argument;
        try {
            argument = route.decoders[c].decode(body, offset, length);
        } catch (CodecException e) {
            throw MicroException.badRequest(route.errorId, "%s: %s", endpoint, e.getMessage());
        }
        if (argument == null && route.refusesNull) {
            throw MicroException.badRequest(route.errorId, "%s: the request is null (expected: a %s)", endpoint,
                    route.requestName);
        }
        return argument;
    }

    /** Runs the handler with the call attached: interceptors and the calls it makes see its metadata and deadline. */
    private Object invoke(Metadata h, Object argument) {
        Observation o = observation;
        Metadata md = InboundHeaders.metadata(h);
        CallContext call = CallContexts.call(route.service, route.endpoint,
                header(h, "Micro-From-Service", "X-Micro-From-Service"), exchange.remoteAddress(), deadline,
                md, o == null ? md : o.propagate(md));
        CallContext outer = CallContexts.attach(call);
        if (o == null) {
            try {
                return route.invoke(argument);
            } finally {
                CallContexts.restore(outer);
            }
        }
        try (Observation.Scope ignored = o.makeCurrent()) {
            return route.invoke(argument);
        } finally {
            CallContexts.restore(outer);
        }
    }

    /** An asynchronous handler's stage completed: its value is answered unless the deadline passed meanwhile. */
    @Override
    public void accept(Object value, Throwable error) {
        if (error != null) {
            fail(route.error(RpcServer.unwrap(error)));
            return;
        }
        if (deadline != NO_DEADLINE && deadline - System.nanoTime() <= 0) {
            server.drops.dropped(endpoint, received, "before its handler completed");
            fail(MicroException.timeout(route.errorId, "deadline of %s ns passed while %s ran", timeout, endpoint));
            return;
        }
        byte[] encoded;
        try {
            encoded = route.encode(c, value);
        } catch (MicroException e) {
            fail(e);
            return;
        }
        answer(encoded);
    }

    /**
     * Serves a stream opened by the exchange: the exchange is taken over (never replied to) and the stream lives
     * until both sides ended it, with no deadline (the {@code Timeout} header bounds unary calls only).
     */
    private void openStream(Metadata h, String streamId) {
        if (streamId == null || streamId.isEmpty()) {
            throw MicroException.badRequest(ID, "%s streams: open it as a stream, with a %s header (a unary call "
                    + "cannot reach it)", route.endpoint, MessageStream.STREAM_HEADER);
        }
        if (route.streaming == EndpointDefinition.Streaming.NONE) {
            throw MicroException.badRequest(ID, "%s is not a streaming endpoint (expected: a call without %s)",
                    route.endpoint, MessageStream.STREAM_HEADER);
        }
        if (enveloped != null) {
            throw new MicroException(ID, "a stream's messages are not enveloped: " + enveloped.contentType()
                    + " cannot carry " + route.endpoint + " (expected: one of " + String.join(", ",
                    route.streamTypes()) + ")", 415);
        }
        int streamCodec = route.codecIndex(codec);
        if (route.unsupported[streamCodec] != null) {
            throw new MicroException(ID, route.unsupported[streamCodec], 415);
        }
        // a server with streaming endpoints starts only on a StreamingTransport: this holds but for a foreign exchange
        if (!(exchange instanceof StreamingExchange streaming)) {
            throw cannotStream(route);
        }
        MessageStream stream;
        try {
            stream = streaming.stream();
        } catch (UnsupportedOperationException e) {
            throw cannotStream(route);
        }
        server.drain.handedOver();
        server.openStreams.incrementAndGet();
        CallContext call = CallContexts.call(route.service, route.endpoint,
                header(h, "Micro-From-Service", "X-Micro-From-Service"), exchange.remoteAddress(), NO_DEADLINE,
                InboundHeaders.metadata(h));
        new ServerStream(route, streamCodec, stream, streamId, call, server.handlers,
                server.openStreams::decrementAndGet).start();
    }

    private MicroException cannotStream(Route route) {
        return new MicroException(ID, "the " + server.transport.name() + " transport cannot stream " + route.endpoint,
                501);
    }

    /** The deadline a {@code Timeout} header (nanoseconds left when sent) gives, counted from {@code received}. */
    private static long deadline(String timeout, long received) {
        long nanos;
        try {
            nanos = Long.parseLong(timeout.trim());
        } catch (NumberFormatException e) {
            throw MicroException.badRequest(ID, "Timeout header '%s' (expected: nanoseconds)", timeout);
        }
        if (nanos <= 0) {
            return received; // already expired
        }
        long d = received + Math.min(nanos, Long.MAX_VALUE / 4);
        return d == NO_DEADLINE ? 1 : d;
    }

    /** Answers {@code encoded}, in the request's envelope if it came in one. */
    private void answer(byte[] encoded) {
        if (enveloped == null) {
            reply(codec.contentType(), encoded);
        } else {
            reply(enveloped.contentType(), enveloped.answer(null, encoded));
        }
    }

    private void reply(String contentType, byte[] body) {
        Metadata.Builder b = Metadata.builder(3).put("Content-Type", contentType);
        if (id != null) {
            b.put("Micro-Id", id).put("X-Micro-Id", id);
        }
        try {
            send(new Message(b.build(), body));
        } finally {
            if (observation != null) {
                observation.end(0, null);
            }
        }
    }

    /**
     * Answers {@code e}: in {@code Micro-Error} and the body, or, for an enveloped request, in {@code Micro-Error}
     * and the envelope's error field (Go Micro puts the error's text there).
     */
    void fail(MicroException e) {
        server.errors.increment();
        if (e.code() >= 500 && e.getCause() != null) {
            LOG.log(Level.WARNING, "handler failed: " + e.detail(), e.getCause());
        }
        String json = ErrorJson.write(e);
        Metadata.Builder b = Metadata.builder(5)
                .put("Content-Type", enveloped == null ? "application/json" : enveloped.contentType())
                .put("Micro-Error", json).put("X-Micro-Error", json);
        if (id != null) {
            b.put("Micro-Id", id).put("X-Micro-Id", id);
        }
        byte[] body = enveloped == null ? ErrorJson.bytes(e)
                : enveloped.answer(json, NO_BYTES);
        Observation o = observation;
        if (o == null && server.observed && route == null) {
            // refused before routing (no such endpoint, no codec, a malformed envelope): one name for all of them
            o = server.telemetry.serverCall(PROTOCOL, Telemetry.UNKNOWN, Telemetry.UNKNOWN,
                    exchange.request().header());
        }
        try {
            send(new Message(b.build(), body));
        } finally {
            if (o != null) {
                o.end(e.code(), e);
            }
        }
    }

    private void send(Message message) {
        try {
            exchange.reply(message);
        } finally {
            server.drain.handedOver();
        }
    }

    static String header(Metadata h, String name, String legacy) {
        String v = h.get(name);
        return v != null ? v : h.get(legacy);
    }
}
