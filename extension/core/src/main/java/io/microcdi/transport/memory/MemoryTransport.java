package io.microcdi.transport.memory;

import io.microcdi.internal.exec.HandlerExecutors;
import io.microcdi.internal.transport.PathTransport;
import io.microcdi.transport.Listener;
import io.microcdi.transport.Message;
import io.microcdi.registry.Node;
import io.microcdi.transport.MessageStream;
import io.microcdi.transport.StreamingTransport;
import io.microcdi.transport.TransportException;
import io.microcdi.transport.TransportTimeoutException;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The in-process transport ({@code memory}): a listener is an entry in a JVM-wide map, and a send hands the request
 * to its handler directly, without sockets, threads of its own or copies (a {@link Message} is immutable by
 * contract).
 *
 * <pre>{@code
 * try (MemoryTransport t = new MemoryTransport()) {
 *     Listener l = t.listen("memory:0", ex -> ex.reply(ex.request()));   // l.address() is "memory:1", say
 *     Message echo = t.send(l.address(), request, Duration.ofSeconds(5)).join();
 *     MessageStream s = t.stream(l2.address(), open, Duration.ofSeconds(5)).join();  // l2's handler: ex.stream()
 * }
 * }</pre>
 *
 * <p>Every instance sees the listeners of every other, as two processes on one machine would: a server and a client
 * built in two containers of one JVM find each other through the address registered for the node. Addresses keep the
 * {@code host:port} form; port 0 picks the next unused number, and a wildcard or empty host becomes {@code memory}.
 * Nothing dials them over TCP.
 *
 * <p>{@link Handler#handle} runs on the sending thread, and the future completes on the thread that replies. A call
 * that is not answered within its timeout fails with a {@link java.util.concurrent.TimeoutException}, raised by one
 * JVM-wide daemon timer thread ({@code microcdi-memory-timer}).
 *
 * <p>{@link #stream} opens a stream whose two ends are linked in memory, with backpressure end to end (a receiver
 * that lags stops the sender's publisher being asked) and an idle timeout of its own
 * ({@code micro.transport.stream-idle-timeout}, {@link #DEFAULT_STREAM_IDLE_TIMEOUT} by default); the handler gets it
 * with {@link io.microcdi.transport.StreamingExchange#stream()}. Signals run on one daemon pool
 * ({@code microcdi-memory-stream}), one stream's in order.
 *
 * <p>{@link #post} hands its path to the listener's {@link io.microcdi.transport.Exchange#path()} and reads the status
 * the handler answers with, so the HTTP broker runs over this transport too.
 */
public final class MemoryTransport implements StreamingTransport, PathTransport {

    /** The plugin name. */
    public static final String NAME = "memory";

    /** The host of an address asked for without a usable one ({@code :0}, {@code 0.0.0.0:0}). */
    static final String DEFAULT_HOST = "memory";

    /** Key of the stream idle timeout: no message either way for that long fails a stream; {@code 0} = none. */
    public static final String STREAM_IDLE_TIMEOUT = "micro.transport.stream-idle-timeout";

    /** Default stream idle timeout: 5 minutes. */
    public static final Duration DEFAULT_STREAM_IDLE_TIMEOUT = Duration.ofMinutes(5);

    private static final AtomicLong STREAM_IDS = new AtomicLong();

    /** Caps a call's timeout so that {@link Duration#toNanos} cannot overflow (about 73 years). */
    private static final long MAX_TIMEOUT_NANOS = Long.MAX_VALUE / 4;

    /** Every listener of the JVM, by address. */
    private static final ConcurrentHashMap<String, MemoryListener> LISTENERS = new ConcurrentHashMap<>();
    private static final AtomicInteger PORTS = new AtomicInteger();

    private final Set<MemoryListener> listeners = ConcurrentHashMap.newKeySet();
    /** The client ends of open streams, broken on {@link #close()}. */
    private final Set<MemoryStream> streams = ConcurrentHashMap.newKeySet();
    private final Duration streamIdleTimeout;
    private volatile boolean closed;
    /** The shared timer and stream threads live while a transport is open. */
    private final HandlerExecutors.Lease executors = HandlerExecutors.lease();

    /** A transport over the JVM-wide table of listeners, streams idling out after the default. */
    public MemoryTransport() {
        this(DEFAULT_STREAM_IDLE_TIMEOUT);
    }

    /**
     * A transport whose streams (the ends it opens or its listeners accept) fail after {@code streamIdleTimeout}
     * without a message either way; {@link Duration#ZERO} for never.
     */
    public MemoryTransport(Duration streamIdleTimeout) {
        Objects.requireNonNull(streamIdleTimeout, "streamIdleTimeout");
        if (streamIdleTimeout.isNegative()) {
            throw new IllegalArgumentException("streamIdleTimeout: " + streamIdleTimeout + " (expected: >= 0)");
        }
        this.streamIdleTimeout = streamIdleTimeout;
    }

    /** The idle timeout of this transport's stream ends; zero for none. */
    Duration streamIdleTimeout() {
        return streamIdleTimeout;
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
        int colon = address.lastIndexOf(':');
        if (colon < 0) {
            throw new TransportException("listen " + address + ": no port (expected: host:port)", null, false);
        }
        String host = host(address.substring(0, colon));
        int port;
        try {
            port = Integer.parseInt(address.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new TransportException("listen " + address + ": bad port (expected: host:port)", e, false);
        }
        if (port < 0) {
            throw new TransportException("listen " + address + ": port " + port + " (expected: >= 0)", null, false);
        }
        MemoryListener listener;
        if (port == 0) {
            do {
                listener = new MemoryListener(this, host + ":" + PORTS.incrementAndGet(), handler);
            } while (LISTENERS.putIfAbsent(listener.address(), listener) != null);
        } else {
            listener = new MemoryListener(this, host + ":" + port, handler);
            if (LISTENERS.putIfAbsent(listener.address(), listener) != null) {
                throw new TransportException("listen " + address + ": address already in use", null, false);
            }
        }
        listeners.add(listener);
        if (closed) {
            listener.close();
            throw new TransportException("listen " + address + ": transport closed", null, false);
        }
        return listener;
    }

    /** A wildcard or missing host cannot be registered for a node: name the transport instead. */
    private static String host(String host) {
        return switch (host) {
            case "", "0.0.0.0", "::", "[::]" -> DEFAULT_HOST;
            default -> host;
        };
    }

    @Override
    public CompletableFuture<Message> send(String address, Message request, Duration timeout) {
        return start(address, "/", false, request, timeout);
    }

    @Override
    public CompletableFuture<Reply> post(String address, String path, Message request, Duration timeout) {
        PathTransport.checkPath(path);
        CompletableFuture<Message> sent = start(address, path, true, request, timeout);
        return sent.thenApply(m -> new Reply(sent instanceof MemoryExchange ex ? ex.status() : 200, m));
    }

    private CompletableFuture<Message> start(String address, String path, boolean readsStatus, Message request,
                                             Duration timeout) {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(request, "request");
        if (closed) {
            return CompletableFuture.failedFuture(
                    new TransportException("send to " + address + ": transport closed", null, false));
        }
        MemoryListener listener = LISTENERS.get(address);
        if (listener == null) {
            return CompletableFuture.failedFuture(
                    new TransportException("send to " + address + ": no memory listener there", null, false));
        }
        long nanos = timeout.compareTo(Duration.ofNanos(MAX_TIMEOUT_NANOS)) >= 0 ? MAX_TIMEOUT_NANOS
                : timeout.toNanos();
        MemoryExchange exchange = new MemoryExchange(listener, request, path, readsStatus, nanos);
        if (nanos <= 0) {
            exchange.completeExceptionally(exchange.timeout());
            return exchange;
        }
        if (!listener.enter()) {
            exchange.completeExceptionally(
                    new TransportException("send to " + address + ": listener stopped accepting", null, false));
            return exchange;
        }
        exchange.start(HandlerExecutors.schedule(exchange, nanos));
        return exchange;
    }

    /** Nothing in a node's metadata changes how a memory stream opens: as {@link #stream(String, Message, Duration)}. */
    @Override
    public CompletableFuture<MessageStream> stream(Node node, Message open, Duration connectTimeout) {
        return stream(node.address(), open, connectTimeout);
    }

    /** Memory listeners take every stream the same way: nothing to add to a node's metadata. */
    @Override
    public Map<String, String> nodeMetadata() {
        return Map.of();
    }

    @Override
    public CompletableFuture<MessageStream> stream(String address, Message open, Duration connectTimeout) {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(open, "open");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        if (closed) {
            return CompletableFuture.failedFuture(
                    new TransportException("stream to " + address + ": transport closed", null, false));
        }
        if (connectTimeout.isNegative() || connectTimeout.isZero()) {
            return CompletableFuture.failedFuture(new TransportTimeoutException("stream to " + address
                    + ": connect timed out after " + connectTimeout.toMillis() + " ms", false));
        }
        MemoryListener listener = LISTENERS.get(address);
        if (listener == null) {
            return CompletableFuture.failedFuture(
                    new TransportException("stream to " + address + ": no memory listener there", null, false));
        }
        if (!listener.enter()) {
            return CompletableFuture.failedFuture(
                    new TransportException("stream to " + address + ": listener stopped accepting", null, false));
        }
        String id = open.header().get(MessageStream.STREAM_HEADER);
        if (id == null) {
            id = open.header().get("X-" + MessageStream.STREAM_HEADER);
        }
        if (id == null) {
            id = Long.toString(STREAM_IDS.incrementAndGet());
        }
        MemoryStream[] pair = MemoryStream.pair(id, streamIdleTimeout, listener.streamIdleTimeout(), address);
        MemoryStream client = pair[0];
        MemoryStream server = pair[1];
        streams.add(client);
        client.onOver(() -> streams.remove(client));
        listener.opened(server);
        MemoryStreamExchange exchange = new MemoryStreamExchange(listener, open, server);
        try {
            listener.handler.handle(exchange);
        } catch (RuntimeException | Error e) {
            if (exchange.answer()) {
                client.breakWith(new TransportException("stream to " + address + ": handler failed: "
                        + e.getMessage(), e, true));
            }
        }
        return CompletableFuture.completedFuture(client);
    }

    /** Nothing to close: there are no connections. */
    @Override
    public void disconnect(String address) {
        // a send looks the listener up every time
    }

    /** Closes this transport's listeners and breaks its open streams; listeners of other instances stay. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (MemoryListener l : listeners) {
            l.close();
        }
        for (MemoryStream s : streams) {
            s.breakWith(new TransportException("stream " + s.streamId() + ": transport closed", null, true));
        }
        executors.close();
    }

    void forget(MemoryListener listener) {
        listeners.remove(listener);
        LISTENERS.remove(listener.address(), listener);
    }

    @Override
    public String toString() {
        return "memory transport (" + listeners.size() + " listeners)";
    }
}
