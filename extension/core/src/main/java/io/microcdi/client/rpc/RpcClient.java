package io.microcdi.client.rpc;

import io.microcdi.client.CallFunc;
import io.microcdi.client.CallOptions;
import io.microcdi.client.CallWrapper;
import io.microcdi.client.Request;
import io.microcdi.client.Response;
import io.microcdi.client.RetryPolicy;
import io.microcdi.client.StreamingClient;
import io.microcdi.codec.Codecs;
import io.microcdi.codec.Envelope;
import io.microcdi.config.MicroConfig;
import io.microcdi.context.CallContext;
import io.microcdi.context.CallContexts;
import io.microcdi.errors.MicroException;
import io.microcdi.internal.context.OutboundHeaders;
import io.microcdi.internal.exec.HandlerExecutors;
import io.microcdi.metadata.Metadata;
import io.microcdi.registry.Node;
import io.microcdi.selector.Next;
import io.microcdi.selector.SelectOptions;
import io.microcdi.selector.Selector;
import io.microcdi.telemetry.Observation;
import io.microcdi.telemetry.Observed;
import io.microcdi.telemetry.Telemetry;
import io.microcdi.transport.Message;
import io.microcdi.transport.StreamingTransport;
import io.microcdi.transport.Transport;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Flow;
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
 *
 * <p>The parts, in this package: {@code RpcCall} runs a call's attempts and retries, waiting on {@code Backoff}; a
 * {@code ServiceCalls} per service holds the {@code EndpointTemplate}s that write each attempt's message and read its
 * answer; {@code WrappedClient} is the view {@link #wrap} returns, its attempts going through {@code Wrapping}; and
 * {@code ClientStream} opens and runs a stream.
 */
public final class RpcClient implements StreamingClient, Observed {

    static final String ID = "go.micro.client";

    private final RpcClientConfig config;
    private final MicroConfig source;
    private final CallOptions defaults;
    final Selector selector;
    final Transport transport;
    /** {@link #transport} when it streams, else {@code null}: a stream then fails (the start checks for it). */
    final StreamingTransport streams;
    final RetryPolicy retryPolicy;
    /** The codecs whose envelopes wrap requests of their content type; no others. */
    private final Codecs codecs;
    private final AtomicLong ids = new AtomicLong();
    /** The protocols besides mucp, for nodes that speak them. */
    final ClientProtocols protocols;
    /** Per service: its settings and per-endpoint header templates, built once. */
    private final ConcurrentHashMap<String, ServiceCalls> services = new ConcurrentHashMap<>();
    volatile boolean closed;
    /** The waits between attempts, and the retries waiting them out. */
    final Backoff backoff;
    /** The innermost attempt of wrapped views, and what it tells the attempt loop. */
    final Wrapping wrapping = new Wrapping(this);
    /** Where calls, attempts and retries are reported; {@link Telemetry#NONE} (and {@link #observed} false) until observed. */
    Telemetry telemetry = Telemetry.NONE;
    boolean observed;
    /** The continuations of typed async calls and the timeouts of wrapped calls run on the shared pools. */
    private final HandlerExecutors.Lease executors = HandlerExecutors.lease();

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
        this(config, source, selector, transport, retryPolicy, codecs, ClientProtocols.NONE);
    }

    /**
     * As {@link #RpcClient(RpcClientConfig, MicroConfig, Selector, Transport, RetryPolicy, Codecs)}, calling the nodes
     * that speak another protocol through {@code protocols} (closed with this client).
     */
    public RpcClient(RpcClientConfig config, MicroConfig source, Selector selector, Transport transport,
                     RetryPolicy retryPolicy, Codecs codecs, ClientProtocols protocols) {
        this.protocols = protocols;
        this.codecs = codecs;
        this.config = config;
        this.source = source;
        this.defaults = config.callOptions();
        this.selector = selector;
        this.transport = transport;
        this.streams = transport instanceof StreamingTransport s ? s : null;
        this.retryPolicy = retryPolicy;
        this.backoff = new Backoff(config.backoffBase(), config.backoffMax());
        // connections to nodes that left the registry are closed, not kept until their idle TTL
        selector.onAddressGone(transport::disconnect);
        if (protocols.any()) {
            selector.onAddressGone(protocols::disconnect);
        }
    }

    @Override
    public String name() {
        return "rpc";
    }

    /** Reports each call, attempt and retry to {@code telemetry}; before the first call. */
    @Override
    public void observe(Telemetry telemetry) {
        this.telemetry = telemetry;
        this.observed = telemetry.enabled();
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
        return wrappers.isEmpty() ? this : new WrappedClient(this, List.copyOf(wrappers));
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
        return subscriber -> ClientStream.open(this, open, requests, options, subscriber);
    }

    /** A call, through {@code chain} when wrapped (else {@code null}); never throws: its future fails. */
    CompletableFuture<Response> call(Request request, CallOptions options, CallFunc chain) {
        CompletableFuture<Response> result = new CompletableFuture<>();
        if (observed) {
            Observation call = telemetry.clientCall(request.service(), request.endpoint());
            if (call != Observation.NONE) {
                result.whenComplete((r, e) -> call.end(e == null ? 0 : code(e), e));
            }
        }
        try {
            start(request, options, chain, result);
        } catch (RuntimeException e) {
            // a bad per-service setting, a selector or transport that throws: the caller gets a failed future
            result.completeExceptionally(e instanceof MicroException ? e
                    : new MicroException(ID, 500, "calling " + request.service() + " " + request.endpoint() + ": "
                    + e.getMessage(), MicroException.statusText(500), e));
        }
        return result;
    }

    /** Starts the call; its outcome completes {@code result} (a throw before the first attempt is the caller's). */
    private void start(Request request, CallOptions options, CallFunc chain, CompletableFuture<Response> result) {
        if (closed) {
            result.completeExceptionally(closed(request));
            return;
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
        ServiceCalls calls = calls(request.service());
        EndpointTemplate endpoint = calls.endpoint(request);
        if (deadline - now <= 0) {
            result.completeExceptionally(MicroException.timeout(ID, "call to %s %s not sent: the deadline of the "
                    + "call being handled passed %d ms ago", request.service(), request.endpoint(),
                    TimeUnit.NANOSECONDS.toMillis(now - deadline)));
            return;
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
            return;
        }
        new RpcCall(this, request, options, endpoint, next, deadline, inheritedShorter, chain,
                chain != null && inbound.active() ? inbound : null, result).attempt();
    }

    /** The settings and templates of {@code service}, built at its first call. */
    ServiceCalls calls(String service) {
        ServiceCalls c = services.get(service);
        return c != null ? c : services.computeIfAbsent(service,
                s -> new ServiceCalls(config.forService(source, s), codecs, protocols.preferred(source, s)));
    }

    /**
     * Sends one attempt to {@code node}: over the protocol it speaks, or, when it speaks several, over
     * {@code preferred} if it is one of them; else mucp over the transport.
     */
    CompletableFuture<Message> send(Node node, String preferred, Message message, Duration timeout) {
        ClientProtocols.Spoken p;
        try {
            p = protocols.of(node, preferred);
        } catch (MicroException e) {
            return CompletableFuture.failedFuture(e);
        }
        return p == null ? transport.send(node, message, timeout)
                : p.transport.send(p.address(node), message, timeout);
    }

    /** The protocol an attempt to {@code node} speaks, for telemetry: {@code mucp}, or another protocol's name. */
    String protocolOf(Node node, String preferred) {
        try {
            ClientProtocols.Spoken p = protocols.of(node, preferred);
            return p == null ? ClientProtocols.MUCP : p.transport.name();
        } catch (MicroException e) {
            return ClientProtocols.MUCP;
        }
    }

    /** The code telemetry records for a failure: a {@link MicroException}'s, 408 for a timeout, else 500. */
    static int code(Throwable failure) {
        Throwable t = RpcCall.unwrap(failure);
        if (t instanceof MicroException e) {
            return e.code();
        }
        return t instanceof TimeoutException ? 408 : 500;
    }

    /** A new {@code Micro-Id}: one per attempt and per stream, as Go Micro. */
    String nextId() {
        return String.valueOf(ids.getAndIncrement());
    }

    /** The back-off before retry {@code retry}: see {@link Backoff#delay}. */
    long backoff(int retry) {
        return backoff.delay(retry);
    }

    static MicroException closed(Request r) {
        return new MicroException(ID, 503, "calling " + r.service() + " " + r.endpoint() + ": the client is closed",
                MicroException.statusText(503));
    }

    @Override
    public void close() {
        // the transport and selector are shared and closed by their owner
        closed = true;
        // retries waiting on their back-off run now, see the client closed, and fail their calls
        backoff.close();
        executors.close();
        protocols.close();
    }
}
