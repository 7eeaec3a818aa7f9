package io.microcdi.server.rpc;

import io.microcdi.config.ConfigException;
import io.microcdi.internal.model.Capabilities;
import io.microcdi.codec.Codec;
import io.microcdi.codec.CodecException;
import io.microcdi.codec.Codecs;
import io.microcdi.codec.Envelope;
import io.microcdi.errors.MicroException;
import io.microcdi.internal.ErrorJson;
import io.microcdi.internal.config.Addresses;
import io.microcdi.context.CallContext;
import io.microcdi.context.CallContexts;
import io.microcdi.internal.context.InboundHeaders;
import io.microcdi.internal.exec.HandlerExecutors;
import io.microcdi.internal.registry.Heartbeat;
import io.microcdi.internal.model.Schema;
import io.microcdi.metadata.Metadata;
import io.microcdi.registry.Endpoint;
import io.microcdi.registry.Node;
import io.microcdi.registry.Registry;
import io.microcdi.registry.Service;
import io.microcdi.server.EndpointDefinition;
import io.microcdi.server.Server;
import io.microcdi.server.ServiceDefinition;
import io.microcdi.transport.Exchange;
import io.microcdi.transport.Listener;
import io.microcdi.transport.Message;
import io.microcdi.transport.MessageStream;
import io.microcdi.transport.StreamingExchange;
import io.microcdi.transport.StreamingTransport;
import io.microcdi.transport.Transport;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Serves Go Micro's "mucp" protocol: routes a request by its {@code Micro-Endpoint} header, decodes the body with
 * the codec of its {@code Content-Type}, runs the handler off the I/O thread and answers, errors in
 * {@code Micro-Error}.
 *
 * <pre>{@code
 * Server server = new RpcServer(RpcServerConfig.from(config), registry, transport, codecs);
 * server.handle(ServiceModel.define(Greeter.class, greeter, "greeter", "latest"));
 * server.start();
 * }</pre>
 *
 * <p>The handler runs with the call's {@link CallContext} attached: its interceptors and code see the service,
 * endpoint, caller, deadline and metadata, and the calls it makes carry them on.
 *
 * <p>Bad input never stops the server: unknown endpoint 404, malformed body 400, unsupported content type 415,
 * expired deadline 408, a handler exception 500 with its message (never a stack trace).
 *
 * <p>A request with neither {@code Micro-Protocol} nor {@code Micro-Topic}, and either without routing headers
 * ({@code Micro-Service}, {@code Micro-Method}, {@code Micro-Endpoint}) or with {@code Micro-Target}, is read in its
 * legacy {@link Envelope} form as a Go Micro server does: {@code application/json} as JSON-RPC,
 * {@code application/protobuf} and {@code application/octet-stream} as protorpc. The method and id come from the
 * envelope, and the answer, errors included, goes back in the same envelope (its id as sent) under the request's
 * content type.
 *
 * <p>Streaming endpoints need a {@link StreamingTransport}: on another transport {@link #start()} fails with
 * {@code MICRO-0107} before it listens.
 */
public final class RpcServer implements Server {

    static final String ID = "go.micro.server";
    /** A request without {@code Content-Type} is read as JSON (Go Micro assumes protobuf; curl users expect JSON). */
    static final String DEFAULT_CONTENT_TYPE = "application/json";

    private static final System.Logger LOG = System.getLogger(RpcServer.class.getName());
    /** A deadline of {@code 0}: the caller sent no {@code Timeout}. */
    private static final long NO_DEADLINE = 0;
    private static final byte[] NO_BYTES = new byte[0];

    private final RpcServerConfig config;
    private final Registry registry;
    private final Transport transport;
    private final Codecs codecs;
    private final List<ServiceDefinition> services = new CopyOnWriteArrayList<>();
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean stopped = new AtomicBoolean();
    private final Object drainLock = new Object();

    private volatile Routes routes;
    private volatile Listener listener;
    private volatile List<Service> registered = List.of();
    private volatile ExecutorService handlers;
    private volatile Heartbeat heartbeat;
    /** Calls accepted and not yet answered; {@link #drainLock} is notified when it reaches 0 during a stop. */
    private final AtomicInteger inFlight = new AtomicInteger();
    /** Calls ever accepted: the shutdown grace ends once it stops moving. */
    private final AtomicLong accepted = new AtomicLong();
    /** Streams being served. */
    private final AtomicInteger openStreams = new AtomicInteger();
    private final DropLog drops = new DropLog();

    /** A server listening through {@code transport} and registering in {@code registry}. */
    public RpcServer(RpcServerConfig config, Registry registry, Transport transport, Codecs codecs) {
        this.config = config;
        this.registry = registry;
        this.transport = transport;
        this.codecs = codecs;
    }

    @Override
    public String name() {
        return "rpc";
    }

    @Override
    public void handle(ServiceDefinition service) {
        if (started.get()) {
            throw new IllegalStateException("handle(" + service.name() + "): the server has already started");
        }
        services.add(service);
    }

    @Override
    public List<ServiceDefinition> services() {
        return List.copyOf(services);
    }

    @Override
    public void start() {
        if (!started.compareAndSet(false, true)) {
            return;
        }
        try {
            List<String> problems = Capabilities.server(services, transport);
            if (!problems.isEmpty()) {
                throw new ConfigException(String.join("; ", problems));
            }
            routes = Routes.build(services, codecs);
            handlers = HandlerExecutors.create("handler", config.handlerThreads(), config.virtualThreads());
            listener = transport.listen(config.address(), this::accept);
            String advertise = config.advertise().orElseGet(() -> advertisable(listener.address()));
            List<Service> toRegister = services.stream().map(s -> registration(s, advertise)).toList();
            for (Service s : toRegister) {
                registry.register(s, config.registerTtl());
                registered = append(registered, s);
            }
            heartbeat = Heartbeat.start("microcdi-register", config.registerInterval(), this::reregister);
        } catch (RuntimeException | Error e) {
            // undo what was done: no port, thread or registration may outlive a failed start
            stop();
            throw e;
        }
        LOG.log(Level.INFO, "serving {0} on {1} (registry {2}, transport {3})",
                services.stream().map(ServiceDefinition::name).toList(), listener.address(), registry.name(),
                transport.name());
    }

    private static List<Service> append(List<Service> list, Service s) {
        List<Service> copy = new ArrayList<>(list);
        copy.add(s);
        return List.copyOf(copy);
    }

    @Override
    public String address() {
        Listener l = listener;
        if (l == null) {
            throw new IllegalStateException("the server has not started");
        }
        return l.address();
    }

    /** The services as registered, with this node. */
    public List<Service> registered() {
        return registered;
    }

    @Override
    public void stop() {
        if (!started.get() || !stopped.compareAndSet(false, true)) {
            return;
        }
        Heartbeat hb = heartbeat;
        if (hb != null) {
            // a heartbeat already inside register() must finish before we deregister, or it re-registers us
            hb.stop(config.shutdownTimeout());
        }
        for (Service s : registered) {
            try {
                registry.deregister(s);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "deregistering " + s.name() + " failed: " + e.getMessage(), e);
            }
        }
        Listener l = listener;
        if (l != null) {
            graceAfterDeregistering();
            long deadline = System.nanoTime() + config.shutdownTimeout().toNanos();
            l.stopAccepting();
            // connections close themselves once their calls are answered: queued, half-read and large answers too
            if (!l.awaitConnectionsClosed(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())))) {
                LOG.log(Level.WARNING, "stopping with connections still open after {0}", config.shutdownTimeout());
            }
            awaitDrained(deadline); // handlers whose caller hung up may still run
            l.close();
        }
        ExecutorService h = handlers;
        if (h != null) {
            h.shutdown();
        }
    }

    /**
     * Keeps serving for {@code shutdown-grace} after deregistering, while clients still holding this node in their
     * caches learn that it left; ends early once no call arrived for {@link RpcServerConfig#QUIET}.
     */
    private void graceAfterDeregistering() {
        long grace = config.shutdownGrace().toNanos();
        if (grace <= 0 || registered.isEmpty()) {
            return;
        }
        long start = System.nanoTime();
        long quiet = Math.min(grace, RpcServerConfig.QUIET.toNanos());
        long slice = Math.max(1, quiet / 4);
        long seen = accepted.get();
        long lastChange = start;
        long now;
        while ((now = System.nanoTime()) - start < grace && now - lastChange < quiet) {
            java.util.concurrent.locks.LockSupport.parkNanos(slice);
            long a = accepted.get();
            if (a != seen) {
                seen = a;
                lastChange = System.nanoTime();
            }
            if (Thread.interrupted()) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        LOG.log(Level.DEBUG, "grace after deregistering: {0} ms", String.valueOf((System.nanoTime() - start) / 1_000_000));
    }

    private void awaitDrained(long deadline) {
        synchronized (drainLock) {
            long left;
            while (inFlight.get() > 0 && (left = deadline - System.nanoTime()) > 0) {
                try {
                    TimeUnit.NANOSECONDS.timedWait(drainLock, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        if (inFlight.get() > 0) {
            LOG.log(Level.WARNING, "stopping with {0} calls still running after {1}", String.valueOf(inFlight.get()),
                    config.shutdownTimeout());
        }
    }

    // ---- the request path: I/O thread -> handler thread -> reply ----

    private void accept(Exchange exchange) {
        long received = System.nanoTime();
        inFlight.incrementAndGet();
        accepted.incrementAndGet();
        try {
            handlers.execute(() -> serve(exchange, received));
        } catch (RejectedExecutionException e) {
            fail(exchange, null, new MicroException(ID, "server busy: too many calls waiting", 503));
        }
    }

    private void serve(Exchange exchange, long received) {
        Message request = exchange.request();
        Metadata h = request.header();
        String id = header(h, "Micro-Id", "X-Micro-Id");
        // set when the request came in an envelope: the answer goes back in it
        Enveloped enveloped = null;
        try {
            String contentType = h.get("Content-Type");
            if (contentType == null || contentType.isEmpty()) {
                contentType = DEFAULT_CONTENT_TYPE;
            }
            Codec codec = codecs.get(contentType);
            if (codec == null) {
                throw new MicroException(ID, "unsupported Content-Type: " + contentType + " (expected: one of "
                        + String.join(", ", codecs.contentTypes()) + ")", 415);
            }
            String endpoint = header(h, "Micro-Endpoint", "X-Micro-Endpoint");
            if (endpoint == null || endpoint.isEmpty()) {
                endpoint = header(h, "Micro-Method", "X-Micro-Method");
            }
            String service = header(h, "Micro-Service", "X-Micro-Service");
            byte[] body = request.body();
            int offset = 0;
            int length = body.length;
            Codec wire = legacy(h, endpoint, service) ? legacyCodec(codec) : codec;
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
            if (endpoint == null || endpoint.isEmpty()) {
                throw MicroException.badRequest(ID, enveloped != null
                        ? "no method in the " + enveloped.envelope.contentType() + " envelope and no Micro-Endpoint "
                        + "header (expected: Handler.Method, for example Greeter.Hello)"
                        : "missing Micro-Endpoint header (expected: Handler.Method, for example Greeter.Hello)");
            }
            Route route = routes.find(service, endpoint);
            if (route == null) {
                throw MicroException.notFound(ID, "unknown endpoint %s%s (serving: %s)", endpoint,
                        service == null ? "" : " of service " + service, routes.names());
            }
            // a unary call pays one header lookup here: both spellings are read only once a stream is in play
            if (route.streaming != EndpointDefinition.Streaming.NONE || h.get(MessageStream.STREAM_HEADER) != null) {
                openStream(exchange, route, codec, enveloped, header(h, MessageStream.STREAM_HEADER,
                        "X-Micro-Stream"), h);
                return;
            }
            String timeout = h.get("Timeout");
            long deadline = timeout == null ? NO_DEADLINE : deadline(timeout, received);
            if (deadline != NO_DEADLINE && deadline - System.nanoTime() <= 0) {
                drops.dropped(endpoint, received, "before it started");
                throw MicroException.timeout(ID, "deadline of %s ns passed before %s started", timeout, endpoint);
            }
            int c = route.codecIndex(codec);
            if (route.unsupported[c] != null) {
                throw new MicroException(ID, route.unsupported[c], 415);
            }
            Object argument;
            try {
                argument = route.decoders[c].decode(body, offset, length);
            } catch (CodecException e) {
                throw MicroException.badRequest(route.errorId, "%s: %s", endpoint, e.getMessage());
            }
            Object result;
            // interceptors and the handler see the call; calls it makes inherit its metadata and deadline
            CallContext call = CallContexts.call(route.service, route.endpoint,
                    header(h, "Micro-From-Service", "X-Micro-From-Service"), exchange.remoteAddress(), deadline,
                    InboundHeaders.metadata(h));
            CallContext outer = CallContexts.attach(call);
            try {
                result = route.invoke(argument);
            } finally {
                CallContexts.restore(outer);
            }
            if (deadline != NO_DEADLINE && deadline - System.nanoTime() <= 0) {
                // nobody waits for this answer any more: do not encode it
                drops.dropped(endpoint, received, "after its handler returned");
                // under the service's id, as the handler's own errors: it ran, so a client must not retry it
                throw MicroException.timeout(route.errorId, "deadline of %s ns passed while %s ran", timeout,
                        endpoint);
            }
            if (result instanceof CompletionStage<?> stage) {
                String ct = codec.contentType();
                String ep = endpoint;
                String callId = id;
                Enveloped env = enveloped;
                stage.whenComplete((value, error) -> {
                    if (error != null) {
                        fail(exchange, callId, env, route.error(unwrap(error)));
                        return;
                    }
                    if (deadline != NO_DEADLINE && deadline - System.nanoTime() <= 0) {
                        drops.dropped(ep, received, "before its handler completed");
                        fail(exchange, callId, env, MicroException.timeout(route.errorId,
                                "deadline of %s ns passed while %s ran", timeout, ep));
                        return;
                    }
                    byte[] encoded;
                    try {
                        encoded = route.encode(c, value);
                    } catch (MicroException e) {
                        fail(exchange, callId, env, e);
                        return;
                    }
                    reply(exchange, callId, env, ct, encoded);
                });
                return;
            }
            reply(exchange, id, enveloped, codec.contentType(), route.encode(c, result));
        } catch (MicroException e) {
            fail(exchange, id, enveloped, e);
        } catch (RuntimeException | Error e) {
            fail(exchange, id, enveloped, new MicroException(ID, 500, describe(e), MicroException.statusText(500), e));
        }
    }

    /**
     * Serves a stream opened by {@code exchange}: the exchange is taken over (never replied to) and the stream lives
     * until both sides ended it, with no deadline (the {@code Timeout} header bounds unary calls only).
     */
    private void openStream(Exchange exchange, Route route, Codec codec, Enveloped enveloped, String streamId,
                            Metadata h) {
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
        int c = route.codecIndex(codec);
        if (route.unsupported[c] != null) {
            throw new MicroException(ID, route.unsupported[c], 415);
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
        handedOver();
        openStreams.incrementAndGet();
        CallContext call = CallContexts.call(route.service, route.endpoint,
                header(h, "Micro-From-Service", "X-Micro-From-Service"), exchange.remoteAddress(), NO_DEADLINE,
                InboundHeaders.metadata(h));
        new ServerStream(route, c, stream, streamId, call, handlers, openStreams::decrementAndGet).start();
    }

    private MicroException cannotStream(Route route) {
        return new MicroException(ID, "the " + transport.name() + " transport cannot stream " + route.endpoint, 501);
    }

    /** How many streams are being served now. */
    public int openStreams() {
        return openStreams.get();
    }

    /**
     * Whether a request is in Go Micro's legacy form (server/rpc_server.go): no {@code Micro-Protocol} or
     * {@code Micro-Topic}, and none of the routing headers or a {@code Micro-Target}.
     */
    private static boolean legacy(Metadata h, String endpoint, String service) {
        boolean routed = (endpoint != null && !endpoint.isEmpty()) || (service != null && !service.isEmpty());
        if (routed && header(h, "Micro-Target", "X-Micro-Target") == null) {
            return false; // the usual case: one header lookup more
        }
        return header(h, "Micro-Protocol", "X-Micro-Protocol") == null
                && header(h, "Micro-Topic", "X-Micro-Topic") == null;
    }

    /**
     * The envelope codec a legacy request of {@code codec}'s content type is read with (Go Micro's legacy map:
     * json to jsonrpc, protobuf and octet-stream to protorpc), or {@code codec} itself when there is none.
     */
    private Codec legacyCodec(Codec codec) {
        String legacyType = switch (codec.contentType()) {
            case "application/json" -> "application/json-rpc";
            case "application/protobuf", "application/octet-stream" -> "application/proto-rpc";
            default -> null;
        };
        Codec c = legacyType == null ? null : codecs.get(legacyType);
        return c != null ? c : codec;
    }

    /**
     * How an enveloped request is answered: in {@code envelope}, under the request's {@code contentType}, naming
     * {@code method} (may be {@code null} when the envelope could not be read) and echoing the envelope's {@code id}
     * as sent ({@code idString}: it was a string).
     */
    private record Enveloped(Envelope envelope, String contentType, String method, String id, boolean idString) {

        byte[] answer(String error, byte[] message) {
            return envelope.writeResponse(method, id, idString, error, message);
        }
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

    /**
     * Logs dropped expired calls: the first at once, then at most one line a second with how many more were dropped,
     * so that an overloaded server does not also drown its log.
     */
    private static final class DropLog {
        private final AtomicLong next = new AtomicLong(System.nanoTime() - 1);
        private final AtomicLong unlogged = new AtomicLong();

        void dropped(String endpoint, long received, String when) {
            long now = System.nanoTime();
            long due = next.get();
            if (now - due < 0 || !next.compareAndSet(due, now + 1_000_000_000L)) {
                unlogged.incrementAndGet();
                return;
            }
            long more = unlogged.getAndSet(0);
            LOG.log(Level.WARNING, "dropped expired call to {0}: its deadline passed {1} ({2} ms after it arrived){3}",
                    endpoint, when, String.valueOf((now - received) / 1_000_000),
                    more == 0 ? "" : "; " + more + " more dropped since the last report");
        }
    }

    private void reply(Exchange exchange, String id, Enveloped enveloped, String contentType, byte[] body) {
        if (enveloped == null) {
            reply(exchange, id, contentType, body);
        } else {
            reply(exchange, id, enveloped.contentType, enveloped.answer(null, body));
        }
    }

    private void reply(Exchange exchange, String id, String contentType, byte[] body) {
        Metadata.Builder b = Metadata.builder(3).put("Content-Type", contentType);
        if (id != null) {
            b.put("Micro-Id", id).put("X-Micro-Id", id);
        }
        send(exchange, new Message(b.build(), body));
    }

    private void fail(Exchange exchange, String id, MicroException e) {
        fail(exchange, id, null, e);
    }

    /**
     * Answers {@code e}: in {@code Micro-Error} and the body, or, for an enveloped request, in {@code Micro-Error}
     * and the envelope's error field (Go Micro puts the error's text there).
     */
    private void fail(Exchange exchange, String id, Enveloped enveloped, MicroException e) {
        if (e.code() >= 500 && e.getCause() != null) {
            LOG.log(Level.WARNING, "handler failed: " + e.detail(), e.getCause());
        }
        String json = ErrorJson.write(e);
        Metadata.Builder b = Metadata.builder(5)
                .put("Content-Type", enveloped == null ? "application/json" : enveloped.contentType)
                .put("Micro-Error", json).put("X-Micro-Error", json);
        if (id != null) {
            b.put("Micro-Id", id).put("X-Micro-Id", id);
        }
        byte[] body = enveloped == null ? ErrorJson.bytes(e)
                : enveloped.answer(json, NO_BYTES);
        send(exchange, new Message(b.build(), body));
    }

    private void send(Exchange exchange, Message message) {
        try {
            exchange.reply(message);
        } finally {
            handedOver();
        }
    }

    /** A request was answered, or became a stream: it no longer holds a graceful stop. */
    private void handedOver() {
        if (inFlight.decrementAndGet() == 0 && stopped.get()) {
            synchronized (drainLock) {
                drainLock.notifyAll();
            }
        }
    }

    private static String header(Metadata h, String name, String legacy) {
        String v = h.get(name);
        return v != null ? v : h.get(legacy);
    }

    static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    static String describe(Throwable t) {
        String m = t.getMessage();
        return m == null || m.isEmpty() ? t.getClass().getName() : m;
    }

    // ---- registration ----

    private Service registration(ServiceDefinition s, String advertise) {
        Map<String, String> md = new LinkedHashMap<>(config.metadata());
        md.put("protocol", "mucp");
        md.put("transport", transport.name());
        md.put("registry", registry.name());
        md.put("server", name());
        // the broker this process is configured with, as Go Micro advertises it (whether or not it subscribes)
        md.put("broker", config.broker());
        if (transport instanceof StreamingTransport streaming) {
            streaming.nodeMetadata().forEach(md::putIfAbsent);
        }
        List<Endpoint> endpoints = new ArrayList<>();
        for (EndpointDefinition e : s.endpoints()) {
            endpoints.add(new Endpoint(e.name(), Schema.of(e.requestType()), Schema.of(e.responseType()),
                    e.metadata()));
        }
        Node node = new Node(s.name() + "-" + config.id(), advertise, md);
        return new Service(s.name(), s.version(), s.metadata(), endpoints, List.of(node));
    }

    /**
     * The address to register for a bound one: a wildcard bind ({@code 0.0.0.0}, {@code [::]}) cannot be dialled, so
     * register the first site-local IPv4 address of an up interface, as Go Micro does, or loopback when there is none.
     */
    static String advertisable(String bound) {
        return Addresses.advertisable(bound);
    }

    private void reregister() {
        for (Service s : registered) {
            if (stopped.get()) {
                return;
            }
            try {
                registry.register(s, config.registerTtl());
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "re-registering " + s.name() + " failed: " + e.getMessage(), e);
            }
        }
    }

    // ---- routing table, built once at start ----

    /** The decoder of an endpoint without a request: the body is not read. */

    /** Endpoints by name; when two services share an endpoint name, {@code Micro-Service} decides. */
    private static final class Routes {
        private final Map<String, Route> byEndpoint;
        private final Map<String, Map<String, Route>> byServiceAndEndpoint;
        private final String names;

        private Routes(Map<String, Route> byEndpoint, Map<String, Map<String, Route>> byServiceAndEndpoint,
                       String names) {
            this.byEndpoint = byEndpoint;
            this.byServiceAndEndpoint = byServiceAndEndpoint;
            this.names = names;
        }

        static Routes build(List<ServiceDefinition> services, Codecs codecs) {
            Map<String, Route> byEndpoint = new HashMap<>();
            Map<String, Map<String, Route>> both = new HashMap<>();
            List<String> names = new ArrayList<>();
            List<Codec> all = codecs.contentTypes().stream().map(codecs::get).toList();
            for (ServiceDefinition s : services) {
                for (EndpointDefinition e : s.endpoints()) {
                    Route r = new Route(s.name(), e, all);
                    both.computeIfAbsent(s.name(), k -> new HashMap<>()).put(e.name(), r);
                    Route clash = byEndpoint.putIfAbsent(e.name(), r);
                    if (clash != null) {
                        byEndpoint.put(e.name(), null);
                    }
                    names.add(e.name());
                }
            }
            byEndpoint.values().removeIf(java.util.Objects::isNull);
            Map<String, Map<String, Route>> frozen = new HashMap<>();
            both.forEach((service, routes) -> frozen.put(service, Map.copyOf(routes)));
            return new Routes(Map.copyOf(byEndpoint), Map.copyOf(frozen), String.join(", ", names));
        }

        Route find(String service, String endpoint) {
            if (service != null) {
                Map<String, Route> ofService = byServiceAndEndpoint.get(service);
                Route r = ofService == null ? null : ofService.get(endpoint);
                if (r != null) {
                    return r;
                }
            }
            // Go Micro ignores Micro-Service when routing; so do we when the endpoint name is unambiguous.
            return byEndpoint.get(endpoint);
        }

        String names() {
            return names;
        }
    }
}
