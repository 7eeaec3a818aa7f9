package io.microcdi.server.rpc;

import io.microcdi.codec.Codecs;
import io.microcdi.codec.Envelope;
import io.microcdi.context.CallContext;
import io.microcdi.config.ConfigException;
import io.microcdi.internal.config.Addresses;
import io.microcdi.internal.exec.HandlerExecutors;
import io.microcdi.internal.model.Capabilities;
import io.microcdi.registry.Registry;
import io.microcdi.registry.Service;
import io.microcdi.server.EndpointDefinition;
import io.microcdi.server.Server;
import io.microcdi.server.ServiceDefinition;
import io.microcdi.telemetry.Observed;
import io.microcdi.telemetry.Telemetry;
import io.microcdi.transport.Exchange;
import io.microcdi.transport.Listener;
import io.microcdi.transport.StreamingTransport;
import io.microcdi.transport.Transport;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Serves Go Micro's "mucp" protocol: routes a request by its {@code Micro-Endpoint} header, decodes the body with
 * the codec of its {@code Content-Type}, runs the handler off the I/O thread (on it, when the endpoint never blocks:
 * {@link EndpointDefinition#nonBlocking()}) and answers, errors in {@code Micro-Error}.
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
 * <p>The parts, in this package: this class starts and stops the server; {@code Registration} keeps its services in
 * the registry, {@code Drain} counts the calls a stop waits for, {@code Routes} finds an endpoint's {@code Route},
 * and each request is a {@code ServerCall} (a stream, a {@code ServerStream}).
 *
 * <p>Streaming endpoints need a {@link StreamingTransport}: on another transport {@link #start()} fails with
 * {@code MICRO-0107} before it listens.
 *
 * <p>Like every Go Micro service, it answers {@code Debug.Health} ({@code {"status":"ok"}}) and {@code Debug.Stats}
 * ({@link #stats()}) under any service name, without advertising them ({@code micro.server.debug=false} turns them
 * off). The counts cost a call nothing it did not pay before: the requests are the count a graceful stop keeps
 * anyway, the errors are counted on the error path.
 */
public final class RpcServer implements Server, Observed {

    static final String ID = "go.micro.server";
    /** A request without {@code Content-Type} is read as JSON (Go Micro assumes protobuf; curl users expect JSON). */
    static final String DEFAULT_CONTENT_TYPE = "application/json";

    private static final System.Logger LOG = System.getLogger(RpcServer.class.getName());

    private final RpcServerConfig config;
    private final Registry registry;
    final Transport transport;
    final Codecs codecs;
    private final List<ServiceDefinition> services = new CopyOnWriteArrayList<>();
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean stopped = new AtomicBoolean();

    volatile Routes routes;
    private volatile Listener listener;
    volatile ExecutorService handlers;
    private final Registration registration;
    /** Calls accepted and not yet answered, for a graceful stop. */
    final Drain drain = new Drain(stopped);
    /** Streams being served. */
    final AtomicInteger openStreams = new AtomicInteger();
    final DropLog drops = new DropLog();
    /** Calls answered with an error, for {@code Debug.Stats}. */
    final LongAdder errors = new LongAdder();
    private volatile long startedMillis;
    private volatile long startedNanos;
    /** Where calls served are reported; {@link Telemetry#NONE} (and {@link #observed} false) until observed. */
    Telemetry telemetry = Telemetry.NONE;
    boolean observed;

    /** A server listening through {@code transport} and registering in {@code registry}. */
    public RpcServer(RpcServerConfig config, Registry registry, Transport transport, Codecs codecs) {
        this.config = config;
        this.registry = registry;
        this.transport = transport;
        this.codecs = codecs;
        this.registration = new Registration(config, registry, transport, name(), stopped);
    }

    @Override
    public String name() {
        return "rpc";
    }

    /** Reports each unary call served to {@code telemetry}; before {@link #start()}. */
    @Override
    public void observe(Telemetry telemetry) {
        this.telemetry = telemetry;
        this.observed = telemetry.enabled();
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
            startedMillis = System.currentTimeMillis();
            startedNanos = System.nanoTime();
            routes = Routes.build(services, codecs, config.debug() ? new Debug(this::stats) : null);
            handlers = HandlerExecutors.create("handler", config.handlerThreads(), config.virtualThreads());
            listener = transport.listen(config.address(), this::accept);
            String advertise = config.advertise().orElseGet(() -> advertisable(listener.address()));
            registration.register(services, advertise);
        } catch (RuntimeException | Error e) {
            // undo what was done: no port, thread or registration may outlive a failed start
            stop();
            throw e;
        }
        LOG.log(Level.INFO, "serving {0} on {1} (registry {2}, transport {3})",
                services.stream().map(ServiceDefinition::name).toList(), listener.address(), registry.name(),
                transport.name());
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
        return registration.registered();
    }

    /**
     * Why the last heartbeat could not re-register every service (the registry's message), or empty when it could
     * (or none has run yet: the registration at start fails the start instead).
     */
    public Optional<String> registrationFailure() {
        return registration.failure();
    }

    /** What {@code Debug.Stats} answers now: uptime, memory, threads, collections, calls and errors. */
    public ServerStats stats() {
        if (!started.get()) {
            throw new IllegalStateException("the server has not started");
        }
        return Debug.stats(startedMillis, startedNanos, drain.acceptedCount(), errors.sum());
    }

    @Override
    public void stop() {
        if (!started.get() || !stopped.compareAndSet(false, true)) {
            return;
        }
        registration.deregister(config.shutdownTimeout());
        Listener l = listener;
        if (l != null) {
            if (!registration.registered().isEmpty()) {
                drain.graceAfterDeregistering(config.shutdownGrace());
            }
            long deadline = System.nanoTime() + config.shutdownTimeout().toNanos();
            l.stopAccepting();
            // connections close themselves once their calls are answered: queued, half-read and large answers too
            if (!l.awaitConnectionsClosed(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())))) {
                LOG.log(Level.WARNING, "stopping with connections still open after {0}", config.shutdownTimeout());
            }
            drain.awaitDrained(deadline, config.shutdownTimeout()); // handlers whose caller hung up may still run
            l.close();
        }
        ExecutorService h = handlers;
        if (h != null) {
            h.shutdown();
        }
    }

    // ---- the request path: I/O thread -> handler thread, unless the endpoint never blocks (a ServerCall) -> reply ----

    private void accept(Exchange exchange) {
        long received = System.nanoTime();
        drain.accepted();
        new ServerCall(this, exchange, received).dispatch(handlers);
    }

    /** How many streams are being served now. */
    public int openStreams() {
        return openStreams.get();
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

    /**
     * The address to register for a bound one: a wildcard bind ({@code 0.0.0.0}, {@code [::]}) cannot be dialled, so
     * register the first site-local IPv4 address of an up interface, as Go Micro does, or loopback when there is none.
     */
    static String advertisable(String bound) {
        return Addresses.advertisable(bound);
    }
}
