package io.microcdi.transport.http;

import io.microcdi.internal.exec.HandlerExecutors;
import io.microcdi.transport.TransportException;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.NetUtil;
import io.netty.util.concurrent.FastThreadLocalThread;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The keep-alive connections to one address: at most {@code pool-size} of them, one call at a time on each; callers
 * beyond that wait, within their own timeout, for one to come back.
 *
 * <pre>{@code
 * ConnectionPool pool = new ConnectionPool(transport, "10.0.0.7:8080");
 * pool.acquire(call);   // runs the call on an idle connection, a new one, or when one is released
 * }</pre>
 *
 * <p>Idle connections are reused last-in first-out: under light load the same few stay warm and the rest reach
 * {@code pool-ttl} and close. The lock guards only the idle stack, the waiters and the count; connections do their
 * I/O on their event loop.
 */
final class ConnectionPool {

    private final HttpTransport transport;
    final String address;
    /** {@code POST / HTTP/1.1} and {@code Host}, as Go Micro's client writes them. */
    final byte[] requestHead;
    private final String host;
    private final int port;
    /** The address when {@link #host} is an IP literal; otherwise it is resolved at each dial. */
    private final InetSocketAddress literal;
    private final int maxConnections;
    private final int dialTimeoutMillis;
    private final long ttlNanos;
    private final HttpDecoderConfig decoderConfig = HttpWire.decoderConfig();
    /** {@code null}: plain text. */
    private final SslContext tls;

    private final ArrayDeque<ClientConnection> idle = new ArrayDeque<>();
    private final ArrayDeque<ClientCall> waiters = new ArrayDeque<>();
    /** Connections open or being dialed. */
    private int open;
    private boolean closed;
    private final AtomicLong dialed = new AtomicLong();

    ConnectionPool(HttpTransport transport, String address, HttpTransportConfig config) {
        InetSocketAddress parsed = HttpWire.parse(address, false);
        this.transport = transport;
        this.address = address;
        this.host = parsed.getHostString();
        this.port = parsed.getPort();
        this.literal = NetUtil.isValidIpV4Address(host) || NetUtil.isValidIpV6Address(host)
                ? new InetSocketAddress(NetUtil.createInetAddressFromIpAddressString(host), port) : null;
        this.requestHead = ("POST / HTTP/1.1\r\nHost: " + address + "\r\n").getBytes(StandardCharsets.US_ASCII);
        this.maxConnections = config.poolSize();
        this.dialTimeoutMillis = (int) Math.min(Integer.MAX_VALUE, config.dialTimeout().toMillis());
        this.ttlNanos = config.poolTtl().toNanos();
        this.tls = config.tls().clientContext();
    }

    /**
     * Runs {@code call} on a pooled connection, a new one, or the next one released; {@code false} when the pool was
     * closed (by {@code disconnect}) and the caller should take a new one.
     */
    boolean acquire(ClientCall call) {
        ClientConnection c;
        boolean dial = false;
        synchronized (this) {
            if (closed) {
                return false;
            }
            // a connection closed while idle leaves the count when its channelInactive runs
            while ((c = idle.pollFirst()) != null && !c.isActive()) {
                // skip it
            }
            if (c == null) {
                if (open < maxConnections) {
                    open++;
                    dial = true;
                } else {
                    long left = call.remaining();
                    if (left <= 0) {
                        call.completeExceptionally(call.timeout(address, "waiting for a connection to"));
                        return true;
                    }
                    waiters.addLast(call);
                    call.timer = transport.anyLoop().schedule(() -> expire(call), left, TimeUnit.NANOSECONDS);
                }
            }
        }
        if (c != null) {
            c.start(call);
        } else if (dial) {
            dial(call);
        }
        return true;
    }

    /** A call's wait for a free connection ran out. */
    private void expire(ClientCall call) {
        synchronized (this) {
            if (!waiters.remove(call)) {
                return; // a connection reached it first
            }
        }
        call.completeExceptionally(call.timeout(address, "waiting for a free connection (micro.transport.http.pool-size="
                + maxConnections + ") to"));
    }

    /** {@code c} finished a call cleanly: give it to the next waiter, or keep it. Called on its event loop. */
    void release(ClientConnection c) {
        ClientCall next;
        synchronized (this) {
            if (closed) {
                next = null;
            } else {
                next = nextWaiter();
                if (next == null) {
                    idle.addFirst(c);
                    return;
                }
            }
        }
        if (next == null) {
            c.close();
            return;
        }
        next.cancelTimer();
        c.start(next);
    }

    /** An idle connection reached its TTL; {@code true} if it was idle and is now out of the pool. */
    synchronized boolean removeIdle(ClientConnection c) {
        return idle.remove(c);
    }

    /** A connection closed, or a dial failed ({@code c == null}): its slot is free, maybe for a waiter. */
    void slotFreed(ClientConnection c) {
        ClientCall next = null;
        synchronized (this) {
            open--;
            if (c != null) {
                idle.remove(c);
            }
            if (!closed && open < maxConnections) {
                next = nextWaiter();
                if (next != null) {
                    open++;
                }
            }
        }
        if (next != null) {
            next.cancelTimer();
            dial(next);
        }
    }

    private ClientCall nextWaiter() {
        ClientCall next;
        while ((next = waiters.pollFirst()) != null && next.isDone()) {
            next.cancelTimer(); // cancelled by its caller
        }
        return next;
    }

    private void dial(ClientCall call) {
        if (literal != null) {
            connect(call, literal);
        } else if (Thread.currentThread() instanceof FastThreadLocalThread) {
            // a name lookup can block for seconds: never on an event loop
            HandlerExecutors.callbacks().execute(() -> resolveAndConnect(call));
        } else {
            resolveAndConnect(call);
        }
    }

    private void resolveAndConnect(ClientCall call) {
        InetSocketAddress target = new InetSocketAddress(host, port);
        if (target.isUnresolved()) {
            slotFreed(null);
            call.completeExceptionally(new TransportException("dial " + address + ": unknown host " + host, null,
                    false));
            return;
        }
        connect(call, target);
    }

    private void connect(ClientCall call, InetSocketAddress target) {
        transport.onNetty(() -> dialNow(call, target));
    }

    private void dialNow(ClientCall call, InetSocketAddress target) {
        long left = call.remaining();
        if (left <= 0) {
            slotFreed(null);
            call.completeExceptionally(call.timeout(address, "dial"));
            return;
        }
        int millis = (int) Math.max(1, Math.min(dialTimeoutMillis, TimeUnit.NANOSECONDS.toMillis(left) + 1));
        ClientConnection conn = new ClientConnection(this);
        // the host as dialed: SNI, and the name (or IP) the server's certificate must carry
        Bootstrap b = transport.dialer(millis, tls, host, port, (ch, ssl) -> {
            conn.ssl = ssl;
            ch.pipeline()
                    .addLast("http", new HttpResponseDecoder(decoderConfig))
                    .addLast("idle", new IdleStateHandler(ttlNanos, 0, 0, TimeUnit.NANOSECONDS))
                    .addLast("mucp", conn);
        });
        ChannelFuture f;
        try {
            f = b.connect(target);
        } catch (RuntimeException e) {
            slotFreed(null);
            call.completeExceptionally(new TransportException("dial " + address + ": " + e, e, false));
            return;
        }
        conn.channel = f.channel();
        f.addListener((ChannelFutureListener) done -> {
            if (!done.isSuccess()) {
                conn.dialFailed();
                call.completeExceptionally(dialFailure(call, done.cause(), false));
            } else if (tls == null) {
                dialed.incrementAndGet();
                conn.begin(call);
            } else {
                // nothing is written before the handshake is done, so a failed one is a failed dial: safe to retry
                conn.ssl.handshakeFuture().addListener(shake -> {
                    if (shake.isSuccess()) {
                        dialed.incrementAndGet();
                        conn.begin(call);
                    } else {
                        conn.dialFailed();
                        done.channel().close();
                        call.completeExceptionally(dialFailure(call, shake.cause(), true));
                    }
                });
            }
        });
    }

    private Throwable dialFailure(ClientCall call, Throwable cause, boolean handshake) {
        if ((cause instanceof ConnectTimeoutException || cause instanceof SslHandshakeTimeoutException)
                && call.remaining() <= TimeUnit.MILLISECONDS.toNanos(1)) {
            // the call's own deadline capped the dial timeout: report the call's timeout, as Go Micro does
            return call.timeout(address, "dial");
        }
        return new TransportException((handshake ? "TLS handshake with " : "dial ") + address + ": "
                + cause.getMessage(), cause, false);
    }

    /** Closes idle connections now and busy ones when their call ends; waiting callers fail. */
    void close() {
        List<ClientConnection> toClose;
        List<ClientCall> toFail;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            toClose = new ArrayList<>(idle);
            idle.clear();
            toFail = new ArrayList<>(waiters);
            waiters.clear();
        }
        for (ClientConnection c : toClose) {
            c.close();
        }
        for (ClientCall call : toFail) {
            call.cancelTimer();
            call.completeExceptionally(new TransportException("connections to " + address + " closed", null, false));
        }
    }

    /** Connections open or being dialed (tests). */
    synchronized int openConnections() {
        return open;
    }

    /** Connections ever established (tests). */
    long connectionsDialed() {
        return dialed.get();
    }

    @Override
    public String toString() {
        return "connection pool to " + address;
    }
}
