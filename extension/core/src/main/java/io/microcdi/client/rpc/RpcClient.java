package io.microcdi.client.rpc;

import io.microcdi.internal.stream.Flows;
import io.microcdi.internal.exec.HandlerExecutors;
import io.microcdi.transport.MessageStream;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import io.microcdi.client.CallFunc;
import io.microcdi.client.CallOptions;
import io.microcdi.client.CallWrapper;
import io.microcdi.client.StreamingClient;
import io.microcdi.client.Request;
import io.microcdi.client.Response;
import io.microcdi.client.RetryPolicy;
import io.microcdi.codec.CodecException;
import io.microcdi.codec.Codecs;
import io.microcdi.codec.Envelope;
import io.microcdi.config.MicroConfig;
import io.microcdi.errors.MicroException;
import io.microcdi.internal.ErrorJson;
import io.microcdi.internal.context.OutboundHeaders;
import io.microcdi.context.CallContext;
import io.microcdi.context.CallContexts;
import io.microcdi.internal.exec.HandlerExecutors;
import io.microcdi.metadata.Metadata;
import io.microcdi.registry.Node;
import io.microcdi.selector.Next;
import io.microcdi.selector.SelectOptions;
import io.microcdi.selector.Selector;
import io.microcdi.transport.Message;
import io.microcdi.transport.StreamingTransport;
import io.microcdi.transport.Transport;
import io.microcdi.transport.TransportException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Calls a service the Go Micro way: select a node, {@code POST /} with the {@code Micro-*} headers (both spellings)
 * and the remaining budget in {@code Timeout}; when an attempt fails in a way the {@link RetryPolicy} retries, wait a
 * jittered back-off and try another node, all within the call's one deadline.
 *
 * <pre>{@code
 * Client client = new RpcClient(RpcClientConfig.from(config), config, selector, transport, RetryPolicy.defaults());
 * Response rsp = client.call(request, client.defaultOptions("greeter")).join();
 * }</pre>
 *
 * <p>Nothing blocks: each attempt continues on the transport's completion, a back-off on a timer. A call made while
 * handling an inbound call ({@link CallContext}) inherits what is left of that call's deadline when it is shorter
 * than its own, carries its metadata and names its service in {@code Micro-From-Service}. {@link #wrap} makes a view
 * whose attempts go through {@link CallWrapper}s.
 *
 * <p>A request whose content type is an {@link Envelope} ({@code application/json-rpc},
 * {@code application/proto-rpc}) carries the plain message in {@link Request#body()}: the client wraps it with the
 * endpoint and the attempt's id, and unwraps the answer, raising the envelope's error as a {@link MicroException}.
 */
public final class RpcClient implements StreamingClient {

    static final String ID = "go.micro.client";
    /** How much longer than its budget a wrapped attempt may take before it fails as timed out. */
    private static final long WRAPPED_MARGIN_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    /** Set by {@link #send} on the thread that runs it: whether a wrapper chain reached the transport at once. */
    private static final ThreadLocal<boolean[]> SENT = ThreadLocal.withInitial(() -> new boolean[1]);

    private final RpcClientConfig config;
    private final MicroConfig source;
    private final CallOptions defaults;
    private final Selector selector;
    private final Transport transport;
    /** {@link #transport} when it streams, else {@code null}: a stream then fails (the start checks for it). */
    private final StreamingTransport streams;
    private final RetryPolicy retryPolicy;
    /** The codecs whose envelopes wrap requests of their content type; no others. */
    private final Codecs codecs;
    private final AtomicLong ids = new AtomicLong();
    /** Per service: its settings and per-endpoint header templates, built once. */
    private final ConcurrentHashMap<String, ServiceCalls> services = new ConcurrentHashMap<>();
    private volatile ScheduledExecutorService backoffTimer;
    private volatile boolean closed;
    /** Calls waiting on their back-off before a retry. */
    private final Set<Call> waiting = ConcurrentHashMap.newKeySet();
    /** One attempt, unwrapped: what the innermost {@link CallWrapper} calls. */
    private final CallFunc send = this::send;
    /**
     * The failures of wrapped attempts that came from the node (its error answer, or failing to reach it), as opposed
     * to a wrapper's own: only those count for or against the node. Filled on the error path only; weak keys.
     */
    private final Set<Throwable> fromNode = java.util.Collections.synchronizedSet(
            java.util.Collections.newSetFromMap(new java.util.WeakHashMap<>()));

    /** A client with the default retry policy and no per-service settings (tests, embedding). */
    public RpcClient(RpcClientConfig config, Selector selector, Transport transport) {
        this(config, null, selector, transport, RetryPolicy.defaults());
    }

    /**
     * A client selecting with {@code selector} and sending over {@code transport}; {@code source} (may be
     * {@code null}) supplies {@code micro.client.<service>.*}. Bodies go out as given: no envelopes.
     */
    public RpcClient(RpcClientConfig config, MicroConfig source, Selector selector, Transport transport,
                     RetryPolicy retryPolicy) {
        this(config, source, selector, transport, retryPolicy, Codecs.of(List.of()));
    }

    /**
     * As {@link #RpcClient(RpcClientConfig, MicroConfig, Selector, Transport, RetryPolicy)}, wrapping requests whose
     * content type is one of the {@link Envelope}s among {@code codecs}.
     */
    public RpcClient(RpcClientConfig config, MicroConfig source, Selector selector, Transport transport,
                     RetryPolicy retryPolicy, Codecs codecs) {
        this.codecs = codecs;
        this.config = config;
        this.source = source;
        this.defaults = config.callOptions();
        this.selector = selector;
        this.transport = transport;
        this.streams = transport instanceof StreamingTransport s ? s : null;
        this.retryPolicy = retryPolicy;
        // connections to nodes that left the registry are closed, not kept until their idle TTL
        selector.onAddressGone(transport::disconnect);
    }

    @Override
    public String name() {
        return "rpc";
    }

    @Override
    public CallOptions defaultOptions() {
        return defaults;
    }

    @Override
    public CallOptions defaultOptions(String service) {
        return calls(service).settings.options();
    }

    /** The content type typed clients encode with. */
    public String contentType() {
        return config.contentType();
    }

    @Override
    public CompletableFuture<Response> call(Request request, CallOptions options) {
        return call(request, options, null);
    }

    @Override
    public StreamingClient wrap(List<CallWrapper> wrappers) {
        return wrappers.isEmpty() ? this : new Wrapped(List.copyOf(wrappers));
    }

    /**
     * {@inheritDoc}
     *
     * <p>The stream opens with the endpoint's headers (both spellings), a {@code Micro-Id}, a {@code Micro-Stream}
     * id (the same value) and the caller's metadata, and no {@code Timeout}: streams are not bounded by the request
     * timeout. Call wrappers do not apply to streams (they wrap one request and its response). Over a transport that
     * is no {@link StreamingTransport} the subscriber fails with a 501.
     */
    @Override
    public Flow.Publisher<Response> stream(Request open, Flow.Publisher<byte[]> requests, CallOptions options) {
        Objects.requireNonNull(open, "open");
        Objects.requireNonNull(requests, "requests");
        Objects.requireNonNull(options, "options");
        return subscriber -> {
            Objects.requireNonNull(subscriber, "subscriber");
            CallContext inbound = CallContexts.current();
            Executor callbacks = HandlerExecutors.callbacks(inbound);
            Request request = open;
            Next next;
            Message message;
            String id = String.valueOf(ids.getAndIncrement());
            try {
                if (closed) {
                    throw closed(open);
                }
                if (streams == null) {
                    throw new MicroException(ID, "the " + transport.name() + " transport cannot stream (expected: a "
                            + "StreamingTransport)", 501);
                }
                if (inbound.active()) {
                    Metadata sent = OutboundHeaders.metadata(open.metadata(), inbound);
                    if (sent != open.metadata()) {
                        request = open.withMetadata(sent);
                    }
                }
                ServiceCalls calls = calls(request.service());
                Endpoint endpoint = calls.endpoint(request);
                SelectOptions select = options.select();
                if (calls.settings.endpointFilter() && select.endpoint() == null) {
                    select = select == calls.settings.options().select() ? endpoint.select
                            : select.withEndpoint(request.endpoint());
                }
                next = selector.select(request.service(), select);
                Metadata.Builder h = Metadata.builder(request.metadata().size() + endpoint.headers.size() + 4);
                request.metadata().forEach(h::put);
                endpoint.headers.forEach(h::put);
                message = new Message(h.put("Micro-Id", id).put("X-Micro-Id", id)
                        .put(MessageStream.STREAM_HEADER, id).put("X-Micro-Stream", id).build(), null);
            } catch (RuntimeException e) {
                MicroException failure = e instanceof MicroException me ? me : new MicroException(ID, 500,
                        "opening a stream to " + open.service() + " " + open.endpoint() + ": " + e.getMessage(),
                        MicroException.statusText(500), e);
                Flows.<Response>failed(failure).subscribe(subscriber);
                return;
            }
            new ClientStream(message, request.service(), request.endpoint(), id, request.contentType(), next,
                    streams, requests, options.retries(), options.requestTimeout(), subscriber, callbacks).start();
        };
    }

    private CompletableFuture<Response> call(Request request, CallOptions options, CallFunc chain) {
        try {
            return start(request, options, chain);
        } catch (RuntimeException e) {
            // a bad per-service setting, a selector or transport that throws: the caller gets a failed future
            return CompletableFuture.failedFuture(e instanceof MicroException ? e
                    : new MicroException(ID, 500, "calling " + request.service() + " " + request.endpoint() + ": "
                    + e.getMessage(), MicroException.statusText(500), e));
        }
    }

    private CompletableFuture<Response> start(Request request, CallOptions options, CallFunc chain) {
        if (closed) {
            return CompletableFuture.failedFuture(closed(request));
        }
        long now = System.nanoTime();
        long deadline = now + options.requestTimeout().toNanos();
        boolean inheritedShorter = false;
        CallContext inbound = CallContexts.current();
        if (inbound.active()) {
            long inherited = inbound.deadlineNanoTime();
            inheritedShorter = inherited != 0 && inherited - deadline < 0;
            if (inheritedShorter) {
                deadline = inherited;
            }
            Metadata sent = OutboundHeaders.metadata(request.metadata(), inbound);
            if (sent != request.metadata()) {
                request = request.withMetadata(sent);
            }
        }
        CompletableFuture<Response> result = new CompletableFuture<>();
        ServiceCalls calls = calls(request.service());
        Endpoint endpoint = calls.endpoint(request);
        if (deadline - now <= 0) {
            result.completeExceptionally(MicroException.timeout(ID, "call to %s %s not sent: the deadline of the "
                    + "call being handled passed %d ms ago", request.service(), request.endpoint(),
                    TimeUnit.NANOSECONDS.toMillis(now - deadline)));
            return result;
        }
        SelectOptions select = options.select();
        if (calls.settings.endpointFilter() && select.endpoint() == null) {
            select = select == calls.settings.options().select() ? endpoint.select
                    : select.withEndpoint(request.endpoint());
        }
        Next next;
        try {
            next = selector.select(request.service(), select);
        } catch (MicroException e) {
            result.completeExceptionally(e);
            return result;
        }
        new Call(request, options, endpoint, next, deadline, inheritedShorter, chain,
                chain != null && inbound.active() ? inbound : null, result).attempt();
        return result;
    }

    private ServiceCalls calls(String service) {
        ServiceCalls c = services.get(service);
        return c != null ? c : services.computeIfAbsent(service,
                s -> new ServiceCalls(config.forService(source, s), codecs));
    }

    /** One call in progress: its attempts share the deadline and the {@link Next}. */
    private final class Call {
        final Request request;
        final CallOptions options;
        final Endpoint endpoint;
        final Next next;
        final long deadline;
        /** The deadline is an inbound call's, shorter than this call's own timeout. */
        final boolean inherited;
        /** The wrapped attempt, or {@code null}: straight to the transport. */
        final CallFunc chain;
        /** The call being handled when this one was made, for the wrappers of later attempts; or {@code null}. */
        final CallContext context;
        final CompletableFuture<Response> result;
        int attempts;
        /** The current attempt had the whole budget it is configured with (not a remnant of the deadline). */
        boolean fullBudget;

        Call(Request request, CallOptions options, Endpoint endpoint, Next next, long deadline, boolean inherited,
             CallFunc chain, CallContext context, CompletableFuture<Response> result) {
            this.request = request;
            this.options = options;
            this.endpoint = endpoint;
            this.next = next;
            this.deadline = deadline;
            this.inherited = inherited;
            this.chain = chain;
            this.context = context;
            this.result = result;
        }

        void attempt() {
            if (closed) {
                result.completeExceptionally(RpcClient.this.closed(request));
                return;
            }
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                result.completeExceptionally(timeout());
                return;
            }
            if (result.isDone()) {
                return; // cancelled by the caller
            }
            long own = options.attemptTimeout().isZero() ? options.requestTimeout().toNanos()
                    : options.attemptTimeout().toNanos();
            long budget = Math.min(remaining, own);
            // a timeout only says something about the node when the attempt had its whole budget (not the last
            // milliseconds of an inbound call's deadline, or of a call that already spent most of it)
            fullBudget = budget >= own / 2;
            Node node;
            try {
                node = next.next();
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
                return;
            }
            attempts++;
            try {
                if (chain == null) {
                    transport.send(node.address(), message(request, endpoint, budget), Duration.ofNanos(budget))
                            .whenComplete((response, error) -> done(node, response, error));
                } else {
                    wrapped(node, budget).whenComplete((response, error) -> settle(node, response,
                            error == null ? null : unwrap(error)));
                }
            } catch (RuntimeException e) {
                // a transport or wrapper that throws instead of failing its future: the node is still marked, once
                if (chain == null) {
                    next.mark(node, null);
                } else {
                    next.skip(node);
                }
                result.completeExceptionally(describe(e, node));
            }
        }

        /**
         * The attempt through the wrappers: in the context of the call being handled when this one was made (a retry
         * runs on a timer or I/O thread), and bounded by its budget even if a wrapper never completes its future.
         */
        private CompletableFuture<Response> wrapped(Node node, long budget) {
            CompletableFuture<Response> wrapped;
            boolean[] sent = SENT.get();
            sent[0] = false;
            CallContext previous = context == null ? null : CallContexts.attach(context);
            try {
                wrapped = chain.call(node, request, options.withRequestTimeout(Duration.ofNanos(budget)));
            } finally {
                if (context != null) {
                    CallContexts.restore(previous);
                }
            }
            if (wrapped == null) {
                throw new IllegalStateException("a CallWrapper returned no future");
            }
            if (wrapped.isDone() || sent[0]) {
                return wrapped; // reached the transport, which times out at the budget itself: no timer per call
            }
            // a wrapper that went its own way (or calls on later): bounded here, with a margin for the transport's
            return wrapped.copy().orTimeout(budget + WRAPPED_MARGIN_NANOS, TimeUnit.NANOSECONDS);
        }

        /** The transport's outcome: an answer (maybe an error the node sent) or a failure to get one. */
        private void done(Node node, Message response, Throwable error) {
            if (error != null) {
                settle(node, null, unwrap(error));
                return;
            }
            Response answer;
            MicroException sent;
            try {
                answer = answer(endpoint, response);
                sent = null;
            } catch (MicroException e) {
                answer = null;
                sent = e;
            }
            settle(node, answer, sent);
        }

        /**
         * The attempt's outcome: an answer, an error the node (or a wrapper) answered with, or a failure to reach the
         * node, which counts against it.
         */
        private void settle(Node node, Response response, Throwable failure) {
            if (failure == null) {
                next.mark(node, null);
                result.complete(response);
                return;
            }
            if (chain != null && !fromNode.remove(failure)) {
                next.skip(node); // a wrapper's own failure (a short-circuit): says nothing about the node
            } else if (failure instanceof MicroException) {
                next.mark(node, null); // the node answered
            } else {
                // the node's fault: it refused, reset or hung; not a timeout that only a nearly spent budget caused
                boolean nodeFault = !(failure instanceof TimeoutException) || fullBudget;
                next.mark(node, nodeFault ? failure : null);
            }
            if (attempts <= options.retries() && retryable(failure)) {
                retryAfterBackoff(failure, node);
            } else {
                result.completeExceptionally(describe(failure, node));
            }
        }

        private boolean retryable(Throwable failure) {
            try {
                return retryPolicy.retry(request, attempts, failure);
            } catch (RuntimeException e) {
                failure.addSuppressed(e);
                return false;
            }
        }

        private void retryAfterBackoff(Throwable failure, Node node) {
            long delay = backoff(attempts);
            long remaining = deadline - System.nanoTime();
            if (delay >= remaining) {
                result.completeExceptionally(describe(failure, node));
                return;
            }
            if (delay < 50_000) { // under 50 µs: not worth a timer
                attempt();
                return;
            }
            waiting.add(this);
            try {
                backoffTimer().schedule(this::afterBackoff, delay, TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException e) {
                afterBackoff(); // closed meanwhile: fails the call
            }
        }

        /** The back-off is over (or the client closed): whoever takes the call off the waiting set runs it. */
        void afterBackoff() {
            if (waiting.remove(this)) {
                attempt();
            }
        }

        private MicroException describe(Throwable failure, Node node) {
            if (failure instanceof MicroException me) {
                return me;
            }
            String where = request.service() + " " + request.endpoint() + " at " + node.address()
                    + (attempts > 1 ? " (attempt " + attempts + ")" : "");
            if (failure instanceof TimeoutException) {
                if (deadline - System.nanoTime() <= 0) {
                    return timeout();
                }
                return MicroException.timeout(ID, "calling %s: attempt timed out after %s: %s", where,
                        options.attemptTimeout(), failure.getMessage());
            }
            if (failure instanceof TransportException te) {
                return new MicroException(ID, 500, "calling " + where + ": " + te.getMessage(),
                        MicroException.statusText(500), te);
            }
            return new MicroException(ID, 500, "calling " + where + ": " + failure, MicroException.statusText(500),
                    failure);
        }

        private MicroException timeout() {
            return MicroException.timeout(ID, "call timeout: %s %s took longer than %s%s", request.service(),
                    request.endpoint(), inherited ? "what was left of the deadline of the call being handled"
                            : options.requestTimeout(), attempts > 1 ? " (" + attempts + " attempts)" : "");
        }
    }

    /**
     * Exponential back-off with full jitter: before retry {@code k} (1 = the first) wait a uniform time in
     * [0, min(max, base * 2^(k-1))].
     */
    long backoff(int retry) {
        long base = config.backoffBase().toNanos();
        long max = config.backoffMax().toNanos();
        if (base <= 0) {
            return 0;
        }
        int shift = Math.min(retry - 1, 40);
        long cap = base > (max >> shift) ? max : Math.min(max, base << shift);
        return ThreadLocalRandom.current().nextLong(cap + 1);
    }

    private ScheduledExecutorService backoffTimer() {
        ScheduledExecutorService t = backoffTimer;
        if (t == null) {
            synchronized (this) {
                t = backoffTimer;
                if (t == null) {
                    if (closed) {
                        throw new RejectedExecutionException("client closed");
                    }
                    t = Executors.newSingleThreadScheduledExecutor(HandlerExecutors.daemonThreads("microcdi-retry"));
                    backoffTimer = t;
                }
            }
        }
        return t;
    }

    private static MicroException closed(Request r) {
        return new MicroException(ID, 503, "calling " + r.service() + " " + r.endpoint() + ": the client is closed",
                MicroException.statusText(503));
    }

    /** One attempt, unwrapped: the innermost {@link CallFunc} of a wrapped client. */
    private CompletableFuture<Response> send(Node node, Request request, CallOptions options) {
        SENT.get()[0] = true;
        long budget = options.requestTimeout().toNanos();
        Endpoint endpoint = calls(request.service()).endpoint(request);
        CompletableFuture<Response> answer = new CompletableFuture<>();
        transport.send(node.address(), message(request, endpoint, budget), options.requestTimeout())
                .whenComplete((response, error) -> {
                    if (error != null) {
                        Throwable failure = unwrap(error);
                        fromNode.add(failure);
                        answer.completeExceptionally(failure);
                        return;
                    }
                    Response ok;
                    try {
                        ok = answer(endpoint, response);
                    } catch (MicroException sent) {
                        fromNode.add(sent);
                        answer.completeExceptionally(sent);
                        return;
                    }
                    answer.complete(ok);
                });
        return answer;
    }

    /**
     * The node's answer, unwrapped from the endpoint's envelope if it has one.
     *
     * @throws MicroException the error the node answered with, in {@code Micro-Error} or the envelope
     */
    private static Response answer(Endpoint endpoint, Message response) {
        MicroException sent = sentError(response);
        if (sent != null) {
            throw sent;
        }
        if (endpoint.envelope == null) {
            return new Response(response.header(), response.body());
        }
        Envelope.Frame frame;
        try {
            frame = endpoint.envelope.readResponse(response.body());
        } catch (CodecException e) {
            throw new MicroException(ID, 500, "the answer is not a " + endpoint.contentType + " envelope: "
                    + e.getMessage(), MicroException.statusText(500), e);
        }
        if (frame.error() != null) {
            throw ErrorJson.parse(frame.error()); // Go Micro's errors.Parse: its JSON, or any text as the detail
        }
        return new Response(response.header(), frame.message());
    }

    /** The error a node answered with ({@code Micro-Error}), or {@code null}. */
    private static MicroException sentError(Message response) {
        String microError = response.header().get("Micro-Error");
        if (microError == null) {
            microError = response.header().get("X-Micro-Error");
        }
        return microError == null ? null : ErrorJson.parse(microError);
    }

    /** The message of one attempt: its own {@code Micro-Id} (as Go Micro: one per attempt) and budget. */
    private Message message(Request request, Endpoint endpoint, long budgetNanos) {
        String id = String.valueOf(ids.getAndIncrement());
        byte[] body = endpoint.envelope == null ? request.body()
                : endpoint.envelope.writeRequest(request.endpoint(), id, request.body());
        return new Message(headers(request, endpoint, id, budgetNanos), body);
    }

    private Metadata headers(Request r, Endpoint endpoint, String id, long remainingNanos) {
        Metadata template = endpoint.headers;
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

    /** A service's settings and its endpoints' templates. */
    private static final class ServiceCalls {
        final RpcClientConfig.ServiceSettings settings;
        final Codecs codecs;
        final ConcurrentHashMap<String, Endpoint> endpoints = new ConcurrentHashMap<>();

        ServiceCalls(RpcClientConfig.ServiceSettings settings, Codecs codecs) {
            this.settings = settings;
            this.codecs = codecs;
        }

        Endpoint endpoint(Request r) {
            Endpoint e = endpoints.get(r.endpoint());
            if (e == null || !r.contentType().equals(e.contentType)) {
                e = new Endpoint(r, settings.options().select(), codecs.envelope(r.contentType()));
                endpoints.put(r.endpoint(), e);
            }
            return e;
        }
    }

    /**
     * What is the same for every call of one endpoint: the headers (Go Micro sends both spellings and
     * {@code Accept} = {@code Content-Type}) and the endpoint filter.
     */
    private static final class Endpoint {
        final String contentType;
        final Metadata headers;
        final SelectOptions select;
        /** The envelope requests of this content type travel in, or {@code null}. */
        final Envelope envelope;

        Endpoint(Request r, SelectOptions serviceSelect, Envelope envelope) {
            this.contentType = r.contentType();
            this.envelope = envelope;
            this.headers = Metadata.builder(8)
                    .put("Content-Type", r.contentType())
                    .put("Accept", r.contentType())
                    .put("Micro-Service", r.service())
                    .put("Micro-Endpoint", r.endpoint())
                    .put("Micro-Method", r.endpoint())
                    .put("X-Micro-Service", r.service())
                    .put("X-Micro-Endpoint", r.endpoint())
                    .put("X-Micro-Method", r.endpoint())
                    .build();
            this.select = serviceSelect.withEndpoint(r.endpoint());
        }
    }

    private static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /** This client with its attempts going through a chain of wrappers composed once. */
    private final class Wrapped implements StreamingClient {
        private final List<CallWrapper> wrappers;
        private final CallFunc chain;

        Wrapped(List<CallWrapper> wrappers) {
            this.wrappers = wrappers;
            CallFunc c = send;
            for (int i = wrappers.size() - 1; i >= 0; i--) {
                c = wrappers.get(i).wrap(c);
                if (c == null) {
                    throw new IllegalArgumentException(wrappers.get(i).getClass().getName()
                            + ".wrap returned null (expected: a CallFunc)");
                }
            }
            this.chain = c;
        }

        @Override
        public String name() {
            return RpcClient.this.name();
        }

        @Override
        public CompletableFuture<Response> call(Request request, CallOptions options) {
            return RpcClient.this.call(request, options, chain);
        }

        @Override
        public CallOptions defaultOptions() {
            return RpcClient.this.defaultOptions();
        }

        @Override
        public CallOptions defaultOptions(String service) {
            return RpcClient.this.defaultOptions(service);
        }

        @Override
        public Flow.Publisher<Response> stream(Request open, Flow.Publisher<byte[]> requests, CallOptions options) {
            return RpcClient.this.stream(open, requests, options);
        }

        @Override
        public StreamingClient wrap(List<CallWrapper> more) {
            if (more.isEmpty()) {
                return this;
            }
            List<CallWrapper> all = new ArrayList<>(wrappers);
            all.addAll(more);
            return new Wrapped(List.copyOf(all));
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

    @Override
    public void close() {
        // the transport and selector are shared and closed by their owner
        ScheduledExecutorService t;
        synchronized (this) {
            closed = true;
            t = backoffTimer;
        }
        if (t != null) {
            t.shutdownNow();
        }
        // retries waiting on their back-off run now, see the client closed, and fail their calls
        for (Call c : List.copyOf(waiting)) {
            c.afterBackoff();
        }
    }
}
