package io.microcdi.transport.http;

import io.microcdi.transport.Message;
import io.microcdi.transport.MessageStream;
import io.microcdi.transport.TransportException;
import io.netty.util.NetUtil;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The HTTP/2 connections of the client to one address, shared by every stream opened and every unary call sent to
 * it: each goes on the first connection with room under the server's {@code SETTINGS_MAX_CONCURRENT_STREAMS} and not
 * going away, else on a new one. So up to that many calls in flight share one connection.
 *
 * <pre>{@code
 * Http2Pool pool = new Http2Pool(transport, "10.0.0.7:8080", config);
 * pool.open(new Http2Pool.Opening(open, future));   // completes the future with the stream once its HEADERS left
 * }</pre>
 *
 * <p>A connection with no stream closes after {@code micro.transport.http.pool-ttl}, at once after {@link #close()}
 * ({@code disconnect}) or a {@code GOAWAY} from the server. The lock guards only the list and the counts; each
 * connection does its I/O on its event loop.
 */
final class Http2Pool {

    /** How often a stream is moved to another connection when the one it was placed on had no room after all. */
    private static final int MAX_PLACEMENTS = 3;

    private final HttpTransport transport;
    final String address;
    private final HttpTransportConfig config;
    private final String host;
    private final InetSocketAddress target;
    private final long ttlNanos;
    private final List<Http2ClientConnection> connections = new ArrayList<>(2);
    private final AtomicLong dialed = new AtomicLong();
    private boolean closed;

    /** @throws IllegalArgumentException when {@code address} is no {@code host:port} */
    Http2Pool(HttpTransport transport, String address, HttpTransportConfig config) {
        InetSocketAddress parsed = HttpWire.parse(address, false);
        this.transport = transport;
        this.address = address;
        this.config = config;
        this.host = parsed.getHostString();
        this.target = NetUtil.isValidIpV4Address(host) || NetUtil.isValidIpV6Address(host)
                ? new InetSocketAddress(NetUtil.createInetAddressFromIpAddressString(host), parsed.getPort())
                : InetSocketAddress.createUnresolved(host, parsed.getPort());
        this.ttlNanos = config.poolTtl().toNanos();
    }

    /**
     * What the pool places on a connection: a stream to open ({@link Opening}) or a unary call to send
     * ({@link Http2Call}). It runs on its connection's event loop once that connection is up.
     */
    abstract static class Placed implements Runnable {

        /** The connection it was placed on; set before it is queued there. */
        Http2ClientConnection on;
        int placements;

        /** Whether its caller's future is complete already (timed out, cancelled). */
        abstract boolean done();

        abstract void fail(Throwable cause);

        /** Starts it on {@link #on}, which is up; on its loop. */
        abstract void startOn(Http2ClientConnection c);

        /** What it does, for errors: "open a stream to", "send to". */
        abstract String what();

        @Override
        public final void run() {
            on.start(this);
        }
    }

    /** A stream to open: its open message, and the caller's future (which its own timer may complete first). */
    static final class Opening extends Placed {

        final Message open;
        final CompletableFuture<MessageStream> result;

        Opening(Message open, CompletableFuture<MessageStream> result) {
            this.open = open;
            this.result = result;
        }

        @Override
        boolean done() {
            return result.isDone();
        }

        @Override
        void fail(Throwable cause) {
            result.completeExceptionally(cause);
        }

        @Override
        void startOn(Http2ClientConnection c) {
            c.startStream(this);
        }

        @Override
        String what() {
            return "open a stream to";
        }
    }

    /**
     * Places {@code o} on a connection with room, dialing one when none has; {@code false} when the pool was closed
     * meanwhile (the caller takes a fresh pool).
     */
    boolean open(Placed o) {
        Http2ClientConnection c = null;
        boolean dial = false;
        synchronized (this) {
            if (closed) {
                return false;
            }
            for (Http2ClientConnection each : connections) {
                if (!each.goingAway && each.reserved < each.maxStreams) {
                    c = each;
                    break;
                }
            }
            if (c == null) {
                c = new Http2ClientConnection(this, transport, config);
                connections.add(c);
                dial = true;
            }
            c.reserved++;
        }
        if (dial) {
            dialed.incrementAndGet();
            c.dial(host, target);
        }
        c.open(o);
        return true;
    }

    /** {@code o} did not fit where it was placed: again, elsewhere. */
    void retry(Placed o) {
        if (++o.placements > MAX_PLACEMENTS || !open(o)) {
            o.fail(new TransportException(o.what() + " " + address + ": no HTTP/2 connection had room", null,
                    false));
        }
    }

    /**
     * A stream or call placed on {@code c} is over (or never started). A connection left with none is closed after
     * {@code pool-ttl} unused: one timer per connection, armed when it first goes idle and re-armed for the rest of
     * the time when it finds the connection was used meanwhile, so that a call at a time arms no timer per call.
     */
    void released(Http2ClientConnection c) {
        boolean closeNow = false;
        synchronized (this) {
            c.reserved--;
            if (c.reserved > 0) {
                return;
            }
            c.idleSince = System.nanoTime();
            if (c.goingAway) {
                connections.remove(c);
                closeNow = true;
            } else if (c.idleTimerArmed) {
                return;
            } else {
                c.idleTimerArmed = true;
            }
        }
        if (closeNow) {
            c.close();
            return;
        }
        idleCheckIn(c, ttlNanos);
    }

    private void idleCheckIn(Http2ClientConnection c, long nanos) {
        try {
            transport.anyLoop().schedule(() -> idleCheck(c), nanos, TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.RejectedExecutionException shutDown) {
            // the transport is closed, and the connection with it
        }
    }

    private void idleCheck(Http2ClientConnection c) {
        long left;
        synchronized (this) {
            if (c.reserved > 0) {
                c.idleTimerArmed = false; // in use: its next release arms it again
                return;
            }
            left = ttlNanos - (System.nanoTime() - c.idleSince);
            if (left <= 0) {
                c.idleTimerArmed = false;
                connections.remove(c);
            }
        }
        if (left > 0) {
            idleCheckIn(c, left); // used and released again since: the rest of its time
        } else {
            c.close();
        }
    }

    /** The server sent {@code GOAWAY}: no new stream on {@code c}; it closes when its last one ends. */
    void goingAway(Http2ClientConnection c) {
        boolean closeNow;
        synchronized (this) {
            c.goingAway = true;
            closeNow = c.reserved == 0 && connections.remove(c);
        }
        if (closeNow) {
            c.close();
        }
    }

    /** {@code c} is closed or failed to dial: it leaves the pool. */
    void gone(Http2ClientConnection c) {
        synchronized (this) {
            c.goingAway = true;
            connections.remove(c);
        }
    }

    /** No new stream here; connections close as soon as they carry none ({@code disconnect}). */
    void close() {
        List<Http2ClientConnection> idle = new ArrayList<>();
        synchronized (this) {
            closed = true;
            for (Http2ClientConnection c : connections) {
                c.goingAway = true;
                if (c.reserved == 0) {
                    idle.add(c);
                }
            }
            connections.removeAll(idle);
        }
        idle.forEach(Http2ClientConnection::close);
    }

    /** Closes every connection now: their streams break (transport close). */
    void closeNow() {
        List<Http2ClientConnection> all;
        synchronized (this) {
            closed = true;
            all = new ArrayList<>(connections);
            connections.clear();
        }
        all.forEach(Http2ClientConnection::close);
    }

    /** Connections open or being dialed (tests). */
    synchronized int connections() {
        return connections.size();
    }

    /** Streams placed on {@code c} and not closed yet (tests). */
    synchronized int reserved(Http2ClientConnection c) {
        return c.reserved;
    }

    /** Connections ever dialed by this pool (tests). */
    long dialed() {
        return dialed.get();
    }
}
