package io.microcdi.transport.http;

import io.microcdi.internal.exec.HandlerExecutors;
import io.microcdi.internal.transport.PathTransport;
import io.microcdi.registry.Node;
import io.microcdi.telemetry.Observed;
import io.microcdi.telemetry.Telemetry;
import io.microcdi.transport.Listener;
import io.microcdi.transport.Message;
import io.microcdi.transport.MessageStream;
import io.microcdi.transport.StreamingTransport;
import io.microcdi.transport.TransportException;
import io.microcdi.transport.TransportTimeoutException;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.resolver.NoopAddressResolverGroup;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.FastThreadLocalThread;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The default transport ({@code http}): Go Micro's mucp over HTTP/1.1 (HTTP/2 and TLS too), on Netty. A call is one
 * {@code POST /}; every answer is {@code 200 OK}, with errors in the {@code Micro-Error} header.
 *
 * <pre>{@code
 * try (HttpTransport t = new HttpTransport(HttpTransportConfig.from(config))) {
 *     Listener l = t.listen("127.0.0.1:0", ex -> ex.reply(ex.request()));
 *     Message echo = t.send(l.address(), request, Duration.ofSeconds(5)).join();
 * }
 * }</pre>
 *
 * <p>Server and client share one group of {@code micro.transport.http.io-threads} event loops (daemon threads named
 * {@code microcdi-io-N}). A listener hands each request to its handler on the event loop; the handler must not block,
 * and may reply from any thread. The client keeps up to {@code micro.transport.http.pool-size} keep-alive connections per
 * address, each carrying one call at a time.
 *
 * <p>Listeners also accept HTTP/2, one call per stream: cleartext with prior knowledge, and with TLS
 * ({@link HttpTlsConfig}, {@code micro.transport.http.tls.*}) through ALPN, which offers {@code h2} and {@code http/1.1}; a
 * TLS listener speaks only TLS. The client speaks HTTP/1.1, as Go Micro's does, over TLS when the process has a TLS
 * setting: one setting for the whole process, as Go Micro's {@code Secure} option. Our own nodes are the exception:
 * to a node that registered {@code calls=h2} (our listeners do, see {@link #nodeMetadata()}) a {@link #send(Node,
 * Message, Duration) call} goes on an HTTP/2 stream of one connection per address ({@link Http2Call}), every call in
 * flight sharing it, unless {@code micro.transport.http.h2-calls=false}; to one that registered {@code streams=h2},
 * streams go there too ({@link Http2ClientStream}), unless {@code micro.transport.http.h2-streams=false}. Go Micro
 * nodes register neither, and get HTTP/1.1.
 *
 * <p>Besides Go Micro's {@code POST /}, the client can {@linkplain #post post to another path} and read the answer's
 * status (the HTTP broker's {@code /_sub}), over the same pooled connections; a listener tells its handler the
 * request's {@linkplain io.microcdi.transport.Exchange#method() method} and
 * {@linkplain io.microcdi.transport.Exchange#path() path}, and answers with any status.
 */
public final class HttpTransport implements StreamingTransport, PathTransport, Observed {

    /** The plugin name. */
    public static final String NAME = "http";

    /**
     * The node metadata keys that say what streams and what unary calls a node's listener takes, and their HTTP/2
     * value.
     */
    static final String STREAMS_KEY = "streams";
    static final String CALLS_KEY = "calls";
    static final String H2 = "h2";
    private static final Map<String, String> NODE_METADATA = Map.of(STREAMS_KEY, H2, CALLS_KEY, H2);

    /** Longest wait in {@link #close} for the event loops to stop; they are told to stop at once. */
    private static final long SHUTDOWN_TIMEOUT_MILLIS = 1000;

    /** Caps a call's timeout so that its deadline in {@link System#nanoTime} units cannot overflow (about 73 years). */
    private static final long MAX_TIMEOUT_NANOS = Long.MAX_VALUE / 4;

    private final HttpTransportConfig config;
    private final NioEventLoopGroup group;
    private final Bootstrap clientBootstrap;
    private final ConcurrentHashMap<String, ConnectionPool> pools = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Http2Pool> h2Pools = new ConcurrentHashMap<>();
    private final Set<HttpListener> listeners = ConcurrentHashMap.newKeySet();
    /** Server connections open now, across listeners: {@code micro.transport.http.max-connections}. */
    private final AtomicInteger serverConnections = new AtomicInteger();
    private final PendingBytes pendingBytes;
    private final AtomicInteger inputShutdowns = new AtomicInteger();
    private volatile boolean closed;
    /** Name lookups run on the shared callback pool, which lives while a transport is open. */
    private final HandlerExecutors.Lease executors = HandlerExecutors.lease();

    /** A transport with {@link HttpTransportConfig#defaults()}. */
    public HttpTransport() {
        this(HttpTransportConfig.defaults());
    }

    /** A transport configured by {@code config}; its threads start with the first listener or call. */
    public HttpTransport(HttpTransportConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.pendingBytes = new PendingBytes(config.limits().maxPendingBytes());
        this.group = new NioEventLoopGroup(config.ioThreads(), new IoThreadFactory(this));
        this.clientBootstrap = new Bootstrap()
                .group(group)
                .channel(NioSocketChannel.class)
                // addresses are resolved by the pool, off the event loop; Netty's default resolver would block it
                .resolver(NoopAddressResolverGroup.INSTANCE)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true);
    }

    /** The settings in use. */
    public HttpTransportConfig config() {
        return config;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Listener listen(String address, Handler handler) {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(handler, "handler");
        if (closed) {
            throw new TransportException("listen " + address + ": transport closed", null, false);
        }
        InetSocketAddress bindTo = HttpWire.parse(address, true);
        if (bindTo.isUnresolved()) {
            throw new TransportException("listen " + address + ": unknown host " + bindTo.getHostString(), null,
                    false);
        }
        HttpListener listener = new HttpListener(this, handler, config);
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                // a client that shuts down its side after a request still gets the answer (see ServerConnection)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                // past the high mark the connection stops reading until its client has read the answers queued
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(
                        config.limits().maxQueuedBytes() / 2, config.limits().maxQueuedBytes()))
                .childHandler(listener.initializer());
        // bound from an event loop: Netty would leave its thread-local map on the caller's thread (an application
        // server's), and that map would keep the application's classes alive after it stopped
        ChannelFuture bound = onNettyThread() ? bootstrap.bind(bindTo)
                : group.next().submit(() -> bootstrap.bind(bindTo)).syncUninterruptibly().getNow();
        bound.awaitUninterruptibly();
        if (!bound.isSuccess()) {
            Throwable cause = bound.cause();
            throw new TransportException("listen " + address + ": " + cause.getMessage(), cause, false);
        }
        listener.bound(bound.channel());
        listeners.add(listener);
        if (closed) {
            listener.close();
            throw new TransportException("listen " + address + ": transport closed", null, false);
        }
        return listener;
    }

    @Override
    public CompletableFuture<Message> send(String address, Message request, Duration timeout) {
        return start(address, request, null, timeout);
    }

    /**
     * Sends {@code request} to {@code node}: on an HTTP/2 stream of a connection shared by every call to its address
     * (see {@link Http2Call}) when the node's metadata says {@code calls=h2} and {@code micro.transport.http.h2-calls}
     * allows it, else over HTTP/1.1 as {@link #send(String, Message, Duration)} does. Go Micro nodes do not say it.
     */
    @Override
    public CompletableFuture<Message> send(Node node, Message request, Duration timeout) {
        if (config.h2Calls() && takesH2(node.metadata().get(CALLS_KEY))) {
            return sendH2(node.address(), request, timeout);
        }
        return start(node.address(), request, null, timeout);
    }

    /** Sends {@code request} on an HTTP/2 stream to {@code address}, whatever the node says (tests, and the above). */
    CompletableFuture<Message> sendH2(String address, Message request, Duration timeout) {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(request, "request");
        long nanos = timeout.compareTo(Duration.ofNanos(MAX_TIMEOUT_NANOS)) >= 0 ? MAX_TIMEOUT_NANOS
                : timeout.toNanos();
        ClientCall call = new ClientCall(request, System.nanoTime(), nanos);
        if (nanos <= 0) {
            call.completeExceptionally(call.timeout(address, "request to"));
            return call;
        }
        placeH2(address, new Http2Call(call));
        return call;
    }

    /**
     * Places a call or stream on the HTTP/2 connections to {@code address}, in a fresh pool when the last one was
     * closed meanwhile; fails it when the transport is closed or the address is no {@code host:port}.
     */
    private void placeH2(String address, Http2Pool.Placed placed) {
        while (true) {
            if (closed) {
                placed.fail(new TransportException(placed.what() + " " + address + ": transport closed", null,
                        false));
                return;
            }
            Http2Pool pool = h2Pools.get(address);
            if (pool == null) {
                try {
                    pool = h2Pools.computeIfAbsent(address, a -> new Http2Pool(this, a, config));
                } catch (IllegalArgumentException e) {
                    placed.fail(new TransportException(e.getMessage(), e, false));
                    return;
                }
            }
            if (pool.open(placed)) {
                return;
            }
            h2Pools.remove(address, pool); // disconnected meanwhile: start a fresh pool
        }
    }

    /**
     * Sends {@code request} as {@code POST path} over the pooled connections to {@code address}; completes with the
     * answer whatever its status (a {@code 404} is an answer, not a failure).
     */
    @Override
    public CompletableFuture<Reply> post(String address, String path, Message request, Duration timeout) {
        Objects.requireNonNull(address, "address");
        byte[] head = ("POST " + PathTransport.checkPath(path) + " HTTP/1.1\r\nHost: " + address + "\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        ClientCall call = start(address, request, head, timeout);
        return call.thenApply(m -> new Reply(call.status, m));
    }

    /**
     * {@code streams=h2, calls=h2}: our listeners take streams and calls on HTTP/2 streams (see
     * {@link Http2ServerConnection}); a client of this transport then opens its streams and sends its calls to that
     * node on a shared HTTP/2 connection.
     */
    @Override
    public Map<String, String> nodeMetadata() {
        return NODE_METADATA;
    }

    /**
     * Opens a stream to {@code node}: on an HTTP/2 stream of a connection shared by every stream to its address (see
     * {@link Http2ClientStream}) when the node's metadata says {@code streams=h2} and
     * {@code micro.transport.http.h2-streams} allows it, else as {@link #stream(String, Message, Duration)} does. Go Micro
     * nodes do not say it: they get HTTP/1.1 streams, the only ones they understand.
     */
    @Override
    public CompletableFuture<MessageStream> stream(Node node, Message open, Duration connectTimeout) {
        Objects.requireNonNull(node, "node");
        if (config.h2Streams() && takesH2(node.metadata().get(STREAMS_KEY))) {
            return streamH2(node.address(), open, connectTimeout);
        }
        return stream(node.address(), open, connectTimeout);
    }

    /** Whether a node's {@code streams} or {@code calls} metadata (comma-separated) names {@code h2}. */
    static boolean takesH2(String value) {
        if (value == null) {
            return false;
        }
        if (value.equals(H2)) {
            return true; // what our nodes say, without a split per call
        }
        for (String s : value.split(",")) {
            if (s.trim().equalsIgnoreCase(H2)) {
                return true;
            }
        }
        return false;
    }

    /** Opens a stream on an HTTP/2 stream to {@code address}, whatever the node says (tests, and the above). */
    CompletableFuture<MessageStream> streamH2(String address, Message open, Duration connectTimeout) {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(open, "open");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        CompletableFuture<MessageStream> result = new CompletableFuture<>();
        long nanos = Math.max(0, Math.min(connectTimeout.toNanos(), MAX_TIMEOUT_NANOS));
        if (nanos == 0) {
            result.completeExceptionally(openTimeout(address, nanos));
            return result;
        }
        var timer = anyLoop().schedule(() -> result.completeExceptionally(openTimeout(address, nanos)), nanos,
                TimeUnit.NANOSECONDS);
        result.whenComplete((s, e) -> timer.cancel(false));
        placeH2(address, new Http2Pool.Opening(open, result));
        return result;
    }

    private static TransportTimeoutException openTimeout(String address, long nanos) {
        return new TransportTimeoutException("opening a stream to " + address + " timed out after "
                + TimeUnit.NANOSECONDS.toMillis(nanos) + " ms", false);
    }

    /**
     * Opens a stream on a connection of its own to {@code address} (Go Micro dials streams fresh too): not pooled,
     * not counted in {@code micro.transport.http.pool-size}, closed when the stream is over. See {@link Http1Stream}.
     */
    @Override
    public CompletableFuture<MessageStream> stream(String address, Message open, Duration connectTimeout) {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(open, "open");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        if (closed) {
            return CompletableFuture.failedFuture(new TransportException("open a stream to " + address
                    + ": transport closed", null, false));
        }
        return Http1Stream.dial(this, address, open, connectTimeout);
    }

    private ClientCall start(String address, Message request, byte[] head, Duration timeout) {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(request, "request");
        long start = System.nanoTime();
        long nanos = timeout.compareTo(Duration.ofNanos(MAX_TIMEOUT_NANOS)) >= 0 ? MAX_TIMEOUT_NANOS
                : timeout.toNanos();
        ClientCall call = new ClientCall(request, head, start, nanos);
        if (nanos <= 0) {
            call.completeExceptionally(call.timeout(address, "request to"));
            return call;
        }
        while (true) {
            if (closed) {
                call.completeExceptionally(new TransportException("send to " + address + ": transport closed", null,
                        false));
                return call;
            }
            ConnectionPool pool = pools.get(address);
            if (pool == null) {
                try {
                    pool = pools.computeIfAbsent(address, this::newPool);
                } catch (IllegalArgumentException e) {
                    call.completeExceptionally(new TransportException(e.getMessage(), e, false));
                    return call;
                }
            }
            if (pool.acquire(call)) {
                return call;
            }
            pools.remove(address, pool); // disconnected meanwhile: start a fresh pool
        }
    }

    private ConnectionPool newPool(String address) {
        return new ConnectionPool(this, address, config);
    }

    /**
     * Closes idle connections to {@code address} now, busy ones as soon as their call ends (HTTP/2 ones: their last
     * stream).
     */
    @Override
    public void disconnect(String address) {
        ConnectionPool pool = pools.remove(address);
        if (pool != null) {
            pool.close();
        }
        Http2Pool h2 = h2Pools.remove(address);
        if (h2 != null) {
            h2.close();
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (HttpListener l : listeners) {
            l.close();
        }
        for (ConnectionPool p : pools.values()) {
            p.close();
        }
        pools.clear();
        for (Http2Pool p : h2Pools.values()) {
            p.closeNow();
        }
        h2Pools.clear();
        // no quiet period: nothing may be submitted after close, and tests must not wait seconds
        var terminated = group.shutdownGracefully(0, SHUTDOWN_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
        if (!onIoThread()) {
            terminated.awaitUninterruptibly(SHUTDOWN_TIMEOUT_MILLIS * 2);
        }
        executors.close();
    }

    void forget(HttpListener listener) {
        listeners.remove(listener);
    }

    /** Counts a newly accepted connection; {@code false} (and not counted) past {@code max-connections}. */
    boolean admit() {
        if (serverConnections.incrementAndGet() > config.limits().maxConnections()) {
            serverConnections.decrementAndGet();
            return false;
        }
        return true;
    }

    /** An admitted connection closed. */
    void connectionClosed() {
        serverConnections.decrementAndGet();
    }

    /** Server connections whose client shut its side down (tests). */
    int inputShutdowns() {
        return inputShutdowns.get();
    }

    void inputShutdown() {
        inputShutdowns.incrementAndGet();
    }

    /** Server connections open now, across listeners (tests). */
    int serverConnections() {
        return serverConnections.get();
    }

    /** The budget of {@code micro.transport.http.max-pending-bytes}. */
    PendingBytes pendingBytes() {
        return pendingBytes;
    }

    /**
     * Every error an event loop meets ends here first: an {@link OutOfMemoryError} (as itself or as a cause) ends
     * the process when {@code micro.transport.http.exit-on-out-of-memory} says so. After one, any thread may have died
     * half way (an event loop, a timer), leaving a process that looks alive and never answers; a supervisor restarts
     * a process that exits. {@link Runtime#halt} rather than {@code exit}: shutdown hooks would need the memory
     * that is missing and could hang.
     */
    void onLoopError(Throwable cause) {
        if (config.limits().exitOnOutOfMemory() && outOfMemory(cause)) {
            OomExit.halt();
        }
    }

    static boolean outOfMemory(Throwable t) {
        for (int depth = 0; t != null && depth < 8; t = t.getCause(), depth++) {
            if (t instanceof OutOfMemoryError) {
                return true;
            }
        }
        return false;
    }

    /**
     * A bootstrap for one dial to {@code host:port}: a connect timeout of {@code millis}, then, when {@code tls} is
     * set, a TLS handler first in the pipeline (SNI and the certificate's name checked against {@code host} as
     * dialed; the handshake bounded by {@code millis} too); {@code pipeline} adds the rest, given that handler or
     * {@code null}. The pool, HTTP/1.1 streams and HTTP/2 connections all dial through it.
     */
    Bootstrap dialer(int millis, SslContext tls, String host, int port,
                     java.util.function.BiConsumer<Channel, SslHandler> pipeline) {
        return clientBootstrap.clone()
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, millis)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        SslHandler ssl = null;
                        if (tls != null) {
                            ssl = tls.newHandler(ch.alloc(), host, port);
                            ssl.setHandshakeTimeoutMillis(millis);
                            ch.pipeline().addLast("tls", ssl);
                        }
                        pipeline.accept(ch, ssl);
                    }
                });
    }

    /** An event loop for timers that belong to no connection yet. */
    EventLoop anyLoop() {
        return group.next();
    }

    /**
     * Runs {@code task} now on a Netty thread, else on one of our event loops. Dials and binds go through here: Netty
     * code run on any other thread leaves Netty's thread-local map there, and a map left on a thread that outlives
     * the application (an application server's, the common pool's) keeps the application's classes alive.
     */
    void onNetty(Runnable task) {
        if (onNettyThread()) {
            task.run();
        } else {
            group.next().execute(task);
        }
    }

    private static boolean onNettyThread() {
        return Thread.currentThread() instanceof FastThreadLocalThread;
    }

    /** Whether the current thread is one of our event loops: blocking there would stall every connection on it. */
    boolean onIoThread() {
        if (!(Thread.currentThread() instanceof FastThreadLocalThread)) {
            return false;
        }
        for (EventExecutor e : group) {
            if (e.inEventLoop()) {
                return true;
            }
        }
        return false;
    }

    /**
     * Samples the connections: {@code microcdi.transport.connections} with {@code side=client} (pooled HTTP/1.1 and
     * HTTP/2 connections to nodes, open or being dialed) and {@code side=server} (accepted, open now).
     */
    @Override
    public void observe(Telemetry telemetry) {
        telemetry.gauge("microcdi.transport.connections", "connections the transport has open", Map.of("transport",
                name(), "side", "client"), this, HttpTransport::clientConnections);
        telemetry.gauge("microcdi.transport.connections", "connections the transport has open", Map.of("transport",
                name(), "side", "server"), this, t -> t.serverConnections.get());
    }

    /** Client connections open or being dialed, to every node. */
    int clientConnections() {
        int n = 0;
        for (ConnectionPool p : pools.values()) {
            n += p.openConnections();
        }
        for (Http2Pool p : h2Pools.values()) {
            n += p.connections();
        }
        return n;
    }

    /** Connections to {@code address} open or being dialed (tests). */
    int openConnections(String address) {
        ConnectionPool p = pools.get(address);
        return p == null ? 0 : p.openConnections();
    }

    /** Connections to {@code address} ever established by its current pool (tests). */
    long connectionsDialed(String address) {
        ConnectionPool p = pools.get(address);
        return p == null ? 0 : p.connectionsDialed();
    }

    /** HTTP/2 connections to {@code address} open or being dialed (tests). */
    int h2Connections(String address) {
        Http2Pool p = h2Pools.get(address);
        return p == null ? 0 : p.connections();
    }

    /** HTTP/2 connections to {@code address} ever dialed by its current pool (tests). */
    long h2Dialed(String address) {
        Http2Pool p = h2Pools.get(address);
        return p == null ? 0 : p.dialed();
    }

    @Override
    public String toString() {
        return "http transport (" + config.ioThreads() + " I/O threads, " + pools.size() + " pools, "
                + listeners.size() + " listeners)";
    }

    /**
     * Daemon threads {@code microcdi-io-1}, {@code -2} ...: the JVM need not wait for them to exit. An error that
     * kills one goes through {@link #onLoopError} first.
     */
    private static final class IoThreadFactory implements ThreadFactory {

        private final AtomicInteger next = new AtomicInteger();
        private final HttpTransport transport;

        IoThreadFactory(HttpTransport transport) {
            this.transport = transport;
        }

        @Override
        public Thread newThread(Runnable r) {
            // FastThreadLocalThread makes Netty's thread-local buffer caches cheap
            Thread t = new IoThread(r, "microcdi-io-" + next.incrementAndGet(), transport);
            t.setDaemon(true);
            t.setUncaughtExceptionHandler((thread, e) -> {
                transport.onLoopError(e);
                Thread.UncaughtExceptionHandler d = Thread.getDefaultUncaughtExceptionHandler();
                if (d != null) {
                    d.uncaughtException(thread, e);
                } else {
                    System.err.print("Exception in thread \"" + thread.getName() + "\" ");
                    e.printStackTrace();
                }
            });
            return t;
        }
    }

    /** An event loop thread, which knows its transport so that any handler on it can report an error. */
    private static final class IoThread extends FastThreadLocalThread {

        final HttpTransport transport;

        IoThread(Runnable r, String name, HttpTransport transport) {
            super(r, name);
            this.transport = transport;
        }
    }

    /** {@link #onLoopError} of the transport whose event loop this is; nothing on another thread. */
    static void loopError(Throwable cause) {
        if (Thread.currentThread() instanceof IoThread t) {
            t.transport.onLoopError(cause);
        }
    }

    /** The exit after an {@link OutOfMemoryError}: its message made before it is needed. */
    static final class OomExit {

        private static final String MESSAGE = "microcdi: OutOfMemoryError on an event loop, exiting with code "
                + HttpServerLimits.OOM_EXIT_CODE + " (" + HttpServerLimits.EXIT_ON_OUT_OF_MEMORY + "=true)";

        private OomExit() {
        }

        static void halt() {
            try {
                System.err.println(MESSAGE);
                System.err.flush();
            } finally {
                Runtime.getRuntime().halt(HttpServerLimits.OOM_EXIT_CODE);
            }
        }
    }
}
