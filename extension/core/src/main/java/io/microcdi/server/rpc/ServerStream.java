package io.microcdi.server.rpc;

import io.microcdi.codec.CodecException;
import io.microcdi.context.CallContext;
import io.microcdi.context.CallContexts;
import io.microcdi.errors.MicroException;
import io.microcdi.internal.stream.Flows;
import io.microcdi.metadata.Metadata;
import io.microcdi.stream.Streams;
import io.microcdi.server.EndpointDefinition.Streaming;
import io.microcdi.transport.Message;
import io.microcdi.transport.MessageStream;

import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;

/**
 * One stream being served: decodes what the caller sends into the handler's {@code Flow.Publisher} (or its one
 * request), encodes what the handler publishes (or completes with), and tells the server when it is over.
 *
 * <pre>{@code
 * new ServerStream(route, codecIndex, exchange.stream(), streamId, context, handlers, onOver).start();
 * }</pre>
 *
 * <p>Inbound messages reach the handler on the server's handler threads, one at a time; the handler's publisher is
 * asked for more as the connection takes it. A message that cannot be decoded ends the stream with a 400 to the
 * caller, the handler's publisher cancelled. The stream is over for the server when what it sends has ended: the
 * handler's publisher completed or failed, or its subscription was cancelled (the caller cancelled, the connection
 * broke, the stream idled out).
 */
final class ServerStream {

    private static final System.Logger LOG = System.getLogger(ServerStream.class.getName());

    private final Route route;
    private final int codec;
    private final MessageStream stream;
    private final CallContext context;
    private final Executor handlers;
    private final Runnable onOver;
    /** The headers of every message we send: the same object each time. */
    private final Metadata itemHeader;
    /** What goes out, once the handler gave it: {@link #fail} ends it. */
    private volatile Flows.Mapped<Object, Message> out;
    private final java.util.concurrent.atomic.AtomicBoolean answered = new java.util.concurrent.atomic.AtomicBoolean();

    /** Cancels what it is subscribed to at once. */
    private static final Flow.Subscriber<Object> CANCEL = new Flow.Subscriber<>() {
        @Override
        public void onSubscribe(Flow.Subscription s) {
            s.cancel();
        }

        @Override
        public void onNext(Object item) {
        }

        @Override
        public void onError(Throwable t) {
        }

        @Override
        public void onComplete() {
        }
    };

    ServerStream(Route route, int codec, MessageStream stream, String streamId, CallContext context,
                 Executor handlers, Runnable onOver) {
        this.route = route;
        this.codec = codec;
        this.stream = stream;
        this.context = context;
        this.handlers = handlers;
        this.onOver = onOver;
        this.itemHeader = Metadata.of(MessageStream.STREAM_HEADER, streamId,
                "Content-Type", route.codecs[codec].contentType());
    }

    /** Runs the handler as its kind needs; on a handler thread. */
    void start() {
        if (route.streaming == Streaming.SERVER) {
            stream.receive(new OneRequest(), handlers); // a handler taking a request runs when it arrives
            if (!route.takesRequest) {
                answer(invoke(null));
            }
            return;
        }
        Flow.Publisher<Message> inbound = subscriber -> stream.receive(subscriber, handlers);
        answer(invoke(Flows.map(inbound, this::decode)));
    }

    /** The handler's result, or the {@link MicroException} it threw (as any exception, mapped). */
    private Object invoke(Object argument) {
        CallContext outer = CallContexts.attach(context);
        try {
            Object result = route.invoke(argument);
            if (result == null) {
                return new MicroException(route.errorId, 500, route.endpoint + " returned null (expected: a "
                        + (route.streaming.responsesStream() ? "Flow.Publisher" : "CompletionStage") + ")",
                        MicroException.statusText(500));
            }
            return result;
        } catch (MicroException e) {
            if (e.code() >= 500 && e.getCause() != null) {
                LOG.log(System.Logger.Level.WARNING, "stream handler failed: " + e.detail(), e.getCause());
            }
            return e;
        } finally {
            CallContexts.restore(outer);
        }
    }

    /** Sends what the handler returned: a publisher, a stage of one response, or its error. Once. */
    @SuppressWarnings("unchecked")
    private void answer(Object result) {
        if (!answered.compareAndSet(false, true)) {
            if (result instanceof MicroException e && out != null) {
                out.abort(e);
            } else if (result instanceof Flow.Publisher<?> late) {
                late.subscribe(CANCEL); // the stream was answered already (a bad request): the handler's is let go
            }
            return;
        }
        Flow.Publisher<Object> replies;
        if (result instanceof MicroException e) {
            replies = Flows.failed(e);
        } else if (result instanceof Flow.Publisher<?> p) {
            replies = (Flow.Publisher<Object>) p;
        } else if (result instanceof CompletionStage<?> stage) {
            replies = subscriber -> stage.whenComplete((value, error) -> {
                Flow.Publisher<Object> one = error != null ? Flows.failed(route.error(RpcServer.unwrap(error)))
                        : value == null ? Flows.failed(new MicroException(route.errorId, 500, route.endpoint
                        + " completed with null (expected: a response)", MicroException.statusText(500)))
                        : Streams.<Object>of(value);
                one.subscribe(subscriber);
            });
        } else {
            replies = Flows.failed(new MicroException(route.errorId, 500, route.endpoint + " returned "
                    + result.getClass().getName(), MicroException.statusText(500)));
        }
        Flows.Mapped<Object, Message> encoded = Flows.map(replies, this::encode);
        out = encoded;
        stream.send(Flows.onEnd(encoded, onOver));
    }

    private Object decode(Message m) {
        try {
            return route.decoders[codec].decode(m.body());
        } catch (CodecException e) {
            MicroException bad = MicroException.badRequest(route.errorId, "%s: %s", route.endpoint, e.getMessage());
            fail(bad);
            throw bad;
        }
    }

    private Message encode(Object value) {
        return new Message(itemHeader, route.encode(codec, value));
    }

    /** Ends what we send with {@code e} (the caller is told), the handler's publisher cancelled. */
    private void fail(MicroException e) {
        Flows.Mapped<Object, Message> o = out;
        if (o != null) {
            o.abort(e);
        } else {
            answer(e);
        }
    }

    /**
     * The inbound side of a server-streaming endpoint: its one request runs the handler (when it takes one), then
     * the caller's end is awaited; anything more is a 400.
     */
    private final class OneRequest implements Flow.Subscriber<Message> {
        private Flow.Subscription subscription;
        private int count;

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            s.request(Long.MAX_VALUE); // one is expected; a second is an error, not something queued
        }

        @Override
        public void onNext(Message m) {
            if (++count == 1 && route.takesRequest) {
                Object request;
                try {
                    request = decode(m);
                } catch (MicroException e) {
                    subscription.cancel();
                    return; // decode() has answered it
                }
                answer(invoke(request));
                return;
            }
            subscription.cancel();
            fail(MicroException.badRequest(route.errorId, "%s takes %s (expected: the request, then the end of "
                    + "the caller's stream)", route.endpoint, route.takesRequest ? "one request" : "no request"));
        }

        @Override
        public void onError(Throwable t) {
            // before its request (the caller failed, cancelled, or the stream idled out) nothing ran: answering ends
            // the stream for the server (on a stream already over, the answer is cancelled at once); after it, the
            // transport has cancelled what the handler sends
            answer(t instanceof MicroException e ? e : route.error(t));
        }

        @Override
        public void onComplete() {
            if (count == 0 && route.takesRequest) {
                answer(MicroException.badRequest(route.errorId, "%s: the caller's stream ended before its request",
                        route.endpoint));
            }
        }
    }
}
