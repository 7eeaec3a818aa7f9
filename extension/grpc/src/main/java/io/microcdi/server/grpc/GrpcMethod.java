package io.microcdi.server.grpc;

import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.microcdi.codec.CodecException;
import io.microcdi.context.CallContext;
import io.microcdi.context.CallContexts;
import io.microcdi.errors.MicroException;
import io.microcdi.internal.grpc.Forms;
import io.microcdi.internal.grpc.GrpcErrors;
import io.microcdi.internal.grpc.GrpcHeaders;
import io.microcdi.server.EndpointDefinition;
import io.microcdi.server.EndpointInvoker;
import io.microcdi.telemetry.Observation;
import io.microcdi.telemetry.Telemetry;

import java.lang.System.Logger.Level;
import java.lang.reflect.Type;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One endpoint served over gRPC, whatever streams: reads the call's form (protobuf or JSON) from its content type,
 * decodes with the endpoint's {@link Forms}, runs the handler in the call's {@link CallContext} and answers, errors as
 * {@link GrpcErrors} maps them. Built once per endpoint at start; each call is a {@link Call}.
 *
 * <pre>{@code
 * ServerMethodDefinition.create(descriptor, new GrpcMethod("greeter", endpoint, requestForms, responseForms));
 * }</pre>
 *
 * <p>Streams keep gRPC's flow control end to end: a request is asked of the caller only when the handler's
 * subscriber asked for one, and a response is asked of the handler's publisher only while the caller's side of the
 * connection takes more ({@link ServerCall#isReady()}).
 */
final class GrpcMethod implements ServerCallHandler<byte[], byte[]> {

    private static final System.Logger LOG = System.getLogger(GrpcServer.class.getName());
    /** Responses asked of a handler's publisher at a time, while the call is ready. */
    private static final int BATCH = 16;
    /** The protocol in telemetry. */
    static final String PROTOCOL = "grpc";

    final String service;
    final String endpoint;
    private final EndpointInvoker invoker;
    private final EndpointDefinition.Streaming streaming;
    private final Forms request;
    private final Forms response;
    private final boolean refusesNull;
    private final String requestName;

    /** Where unary calls are reported, or {@code null}: the server is not observed. */
    private final Telemetry telemetry;

    GrpcMethod(String service, EndpointDefinition e, Forms request, Forms response, Telemetry telemetry) {
        this.telemetry = telemetry.enabled() && e.streaming() == EndpointDefinition.Streaming.NONE ? telemetry : null;
        this.service = service;
        this.endpoint = e.name();
        this.invoker = e.invoker();
        this.streaming = e.streaming();
        this.request = request;
        this.response = response;
        this.refusesNull = e.requestType() != null && !e.nullableRequest();
        this.requestName = e.requestType() == null ? "" : simpleName(e.requestType());
    }

    @Override
    public ServerCall.Listener<byte[]> startCall(ServerCall<byte[], byte[]> call, Metadata headers) {
        Call c = new Call(call);
        int form = Forms.form(GrpcHeaders.contentType(headers));
        if (form < 0) {
            c.fail(new MicroException(GrpcServer.ID, "unsupported content type " + GrpcHeaders.contentType(headers)
                    + " (expected: one of application/grpc, application/grpc+proto, application/grpc+json)", 415));
            return c;
        }
        c.form = form;
        io.microcdi.metadata.Metadata received = GrpcHeaders.inbound(headers);
        io.microcdi.metadata.Metadata md = received;
        if (telemetry != null) {
            c.observation = telemetry.serverCall(PROTOCOL, service, endpoint, received);
            md = c.observation.propagate(received);
        }
        c.context = CallContexts.call(service, endpoint, headers.get(GrpcHeaders.FROM_SERVICE),
                remote(call), deadline(headers), received, md);
        if (streaming.requestsStream()) {
            c.inbound = new Inbound(c);
            c.invoke(c.inbound);
        } else {
            call.request(2); // one request; a second one is the caller's mistake
        }
        return c;
    }

    /** The call's deadline: gRPC's ({@code grpc-timeout}), or Go Micro's {@code timeout} header (ns); 0: none. */
    private static long deadline(Metadata headers) {
        long now = System.nanoTime();
        Deadline d = Context.current().getDeadline();
        long left = d == null ? Long.MAX_VALUE : d.timeRemaining(TimeUnit.NANOSECONDS);
        String micro = headers.get(GrpcHeaders.TIMEOUT);
        if (micro != null) {
            try {
                left = Math.min(left, Math.max(1, Long.parseLong(micro.trim())));
            } catch (NumberFormatException e) {
                // not Go Micro's: gRPC's own deadline holds
            }
        }
        if (left == Long.MAX_VALUE) {
            return 0;
        }
        long deadline = now + Math.min(left, Long.MAX_VALUE / 4);
        return deadline == 0 ? 1 : deadline;
    }

    private static String remote(ServerCall<?, ?> call) {
        SocketAddress a = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
        if (a instanceof InetSocketAddress inet) {
            return inet.getHostString() + ":" + inet.getPort();
        }
        return a == null ? "" : a.toString();
    }

    private static String simpleName(Type t) {
        String n = t instanceof Class<?> c ? c.getSimpleName() : t.getTypeName();
        int dot = n.lastIndexOf('.');
        return dot < 0 ? n : n.substring(dot + 1);
    }

    MicroException error(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof MicroException me) {
            return me;
        }
        if (t instanceof StatusRuntimeException s) {
            return GrpcErrors.toMicro(s.getStatus(), s.getTrailers(), service);
        }
        String m = t.getMessage();
        return new MicroException(service, 500, m == null || m.isEmpty() ? t.getClass().getName() : m,
                MicroException.statusText(500), t);
    }

    /**
     * One call: the gRPC listener (its callbacks come one at a time, on the server's handler executor), the
     * completion of an asynchronous handler, and the subscriber of a handler's stream of responses.
     */
    final class Call extends ServerCall.Listener<byte[]>
            implements java.util.function.BiConsumer<Object, Throwable>, Flow.Subscriber<Object> {
        private final ServerCall<byte[], byte[]> call;
        int form;
        CallContext context;
        /** The requests of a streaming call, or {@code null}. */
        Inbound inbound;
        private byte[] message;
        private boolean headersSent;
        private boolean closed;
        /** The handler's stream of responses, once subscribed. */
        private Flow.Subscription responses;
        /** Responses asked of the handler's publisher and not yet received. */
        private final AtomicLong pending = new AtomicLong();
        /** A unary call's telemetry, when the server is observed; else {@code null}. */
        Observation observation;

        Call(ServerCall<byte[], byte[]> call) {
            this.call = call;
        }

        // ---- the listener: gRPC's callbacks ----

        @Override
        public void onMessage(byte[] bytes) {
            if (inbound != null) {
                inbound.message(bytes);
                return;
            }
            if (message != null) {
                fail(MicroException.badRequest(service, "%s takes one request (expected: a unary call)", endpoint));
                return;
            }
            message = bytes;
        }

        @Override
        public void onHalfClose() {
            if (inbound != null) {
                inbound.complete();
                return;
            }
            if (isClosed()) {
                return;
            }
            if (message == null) {
                fail(MicroException.badRequest(service, "%s: no request message", endpoint));
                return;
            }
            Object argument;
            try {
                argument = request.decode(form, message);
            } catch (CodecException e) {
                fail(MicroException.badRequest(service, "%s: %s", endpoint, e.getMessage()));
                return;
            }
            message = null;
            if (argument == null && refusesNull) {
                fail(MicroException.badRequest(service, "%s: the request is null (expected: a %s)", endpoint,
                        requestName));
                return;
            }
            invoke(argument);
        }

        @Override
        public void onCancel() {
            Inbound in = inbound;
            if (in != null) {
                in.cancelled();
            }
            Flow.Subscription s;
            boolean ended;
            synchronized (this) {
                ended = closed;
                closed = true;
                s = responses;
            }
            if (!ended && observation != null) {
                observation.end(499, null); // the caller cancelled, or its deadline passed
            }
            if (s != null) {
                s.cancel();
            }
        }

        @Override
        public void onReady() {
            askForResponses();
        }

        // ---- the handler ----

        void invoke(Object argument) {
            Object result;
            CallContext outer = CallContexts.attach(context);
            Observation.Scope scope = observation == null ? Observation.Scope.NONE : observation.makeCurrent();
            try {
                result = invoker.invoke(argument);
            } catch (Throwable t) {
                fail(error(t));
                return;
            } finally {
                scope.close();
                CallContexts.restore(outer);
            }
            if (streaming.responsesStream()) {
                if (!(result instanceof Flow.Publisher<?> publisher)) {
                    fail(new MicroException(service, 500, endpoint + " returned no stream of responses",
                            MicroException.statusText(500)));
                    return;
                }
                @SuppressWarnings("unchecked")
                Flow.Publisher<Object> p = (Flow.Publisher<Object>) publisher;
                p.subscribe(this);
            } else if (result instanceof CompletionStage<?> stage) {
                stage.whenComplete(this);
            } else {
                answer(result);
            }
        }

        /** An asynchronous handler's stage completed. */
        @Override
        public void accept(Object value, Throwable error) {
            if (error != null) {
                fail(error(error));
            } else {
                answer(value);
            }
        }

        private void answer(Object value) {
            byte[] encoded;
            try {
                encoded = response.encode(form, value);
            } catch (RuntimeException e) {
                fail(new MicroException(service, 500, endpoint + ": " + e.getMessage(),
                        MicroException.statusText(500), e));
                return;
            }
            synchronized (this) {
                if (closed) {
                    return;
                }
                closed = true;
                call.sendHeaders(new Metadata());
                call.sendMessage(encoded);
                call.close(Status.OK, new Metadata());
            }
            if (observation != null) {
                observation.end(0, null);
            }
        }

        // ---- the handler's stream of responses ----

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            boolean cancel;
            synchronized (this) {
                cancel = closed || responses != null;
                if (!cancel) {
                    responses = subscription;
                }
            }
            if (cancel) {
                subscription.cancel();
                return;
            }
            askForResponses();
        }

        @Override
        public void onNext(Object item) {
            byte[] encoded;
            try {
                encoded = response.encode(form, item);
            } catch (RuntimeException e) {
                responses.cancel();
                fail(new MicroException(service, 500, endpoint + ": " + e.getMessage(),
                        MicroException.statusText(500), e));
                return;
            }
            synchronized (this) {
                if (closed) {
                    return;
                }
                if (!headersSent) {
                    headersSent = true;
                    call.sendHeaders(new Metadata());
                }
                call.sendMessage(encoded);
            }
            if (pending.decrementAndGet() == 0) {
                askForResponses();
            }
        }

        @Override
        public void onError(Throwable throwable) {
            fail(error(throwable));
        }

        @Override
        public void onComplete() {
            synchronized (this) {
                if (closed) {
                    return;
                }
                closed = true;
                if (!headersSent) {
                    call.sendHeaders(new Metadata());
                }
                call.close(Status.OK, new Metadata());
            }
        }

        /** Asks the handler for more responses when none are on their way and the caller takes more. */
        private void askForResponses() {
            Flow.Subscription s = responses;
            if (s != null && call.isReady() && pending.compareAndSet(0, BATCH)) {
                s.request(BATCH);
            }
        }

        // ---- endings ----

        synchronized boolean isClosed() {
            return closed;
        }

        void request(int n) {
            call.request(n);
        }

        /** Closes the call with {@code e}, unless it is closed already. */
        void fail(MicroException e) {
            synchronized (this) {
                if (closed) {
                    return;
                }
                closed = true;
                if (e.code() >= 500 && e.getCause() != null) {
                    LOG.log(Level.WARNING, "handler failed: " + e.detail(), e.getCause());
                }
                StatusRuntimeException s = GrpcErrors.toStatus(e);
                Metadata trailers = s.getTrailers();
                call.close(s.getStatus(), trailers == null ? new Metadata() : trailers);
            }
            if (observation != null) {
                observation.end(e.code(), e);
            }
            Flow.Subscription r = responses;
            if (r != null) {
                r.cancel();
            }
            Inbound in = inbound;
            if (in != null) {
                in.cancelled();
            }
        }

        Object decodeRequest(byte[] bytes) {
            Object value = request.decode(form, bytes);
            if (value == null && refusesNull) {
                throw MicroException.badRequest(service, "%s: a request is null (expected: a %s)", endpoint,
                        requestName);
            }
            return value;
        }
    }

    /**
     * The requests of a streaming call as the handler's {@link Flow.Publisher}: one subscriber, each request asked of
     * the caller as the subscriber asks for it. Its signals come from gRPC's callbacks, one at a time; a completion or
     * cancellation before the handler subscribed waits for it.
     */
    final class Inbound implements Flow.Publisher<Object>, Flow.Subscription {
        private final Call call;
        private Flow.Subscriber<? super Object> subscriber;
        /** A terminal signal that came before the subscriber: {@code COMPLETE}, an error, or {@code null}. */
        private Object ended;
        private boolean done;
        private static final Object COMPLETE = new Object();

        Inbound(Call call) {
            this.call = call;
        }

        @Override
        public void subscribe(Flow.Subscriber<? super Object> s) {
            Object end;
            synchronized (this) {
                if (subscriber != null) {
                    end = new IllegalStateException(endpoint + ": the requests can be subscribed to once");
                    s.onSubscribe(this);
                    s.onError((Throwable) end);
                    return;
                }
                subscriber = s;
                end = ended;
            }
            s.onSubscribe(this);
            if (end != null) {
                signalEnd(s, end);
            }
        }

        private void signalEnd(Flow.Subscriber<? super Object> s, Object end) {
            synchronized (this) {
                if (done) {
                    return;
                }
                done = true;
            }
            if (end == COMPLETE) {
                s.onComplete();
            } else {
                s.onError((Throwable) end);
            }
        }

        @Override
        public void request(long n) {
            if (n <= 0) {
                end(new IllegalArgumentException("request(" + n + ") (expected: > 0)"));
                return;
            }
            call.request((int) Math.min(n, Integer.MAX_VALUE));
        }

        @Override
        public void cancel() {
            synchronized (this) {
                done = true;
            }
        }

        void message(byte[] bytes) {
            Flow.Subscriber<? super Object> s;
            synchronized (this) {
                s = done ? null : subscriber;
            }
            if (s == null) {
                return;
            }
            Object value;
            try {
                value = call.decodeRequest(bytes);
            } catch (CodecException e) {
                MicroException bad = MicroException.badRequest(service, "%s: %s", endpoint, e.getMessage());
                end(bad);
                call.fail(bad);
                return;
            } catch (MicroException e) {
                end(e);
                call.fail(e);
                return;
            }
            s.onNext(value);
        }

        void complete() {
            end(COMPLETE);
        }

        void cancelled() {
            end(new MicroException(service, 499, endpoint + ": the caller cancelled the call", "Cancelled"));
        }

        private void end(Object end) {
            Flow.Subscriber<? super Object> s;
            synchronized (this) {
                if (subscriber == null) {
                    if (ended == null) {
                        ended = end;
                    }
                    return;
                }
                s = subscriber;
            }
            signalEnd(s, end);
        }
    }
}
