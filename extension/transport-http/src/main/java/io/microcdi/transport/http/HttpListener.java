package io.microcdi.transport.http;

import io.microcdi.transport.Listener;
import io.microcdi.transport.Transport;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.Promise;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * A bound server socket of the {@link HttpTransport}, and the connections it accepted.
 *
 * <pre>{@code
 * Listener l = transport.listen("127.0.0.1:0", handler);
 * l.stopAccepting();   // open connections keep being served
 * l.close();           // and now they are closed too
 * }</pre>
 */
final class HttpListener implements Listener {

    /** How long {@link #close} waits for connections to close; it never waits on an event loop. */
    private static final long CLOSE_WAIT_MILLIS = 1000;

    private final HttpTransport transport;
    private final Transport.Handler handler;
    private final int maxBodySize;
    private final long idleNanos;
    private final long headTimeoutNanos;
    private final int maxConcurrentStreams;
    private final java.time.Duration streamIdleTimeout;
    private final HttpDecoderConfig decoderConfig = HttpWire.decoderConfig();
    /** {@code null}: plain text (HTTP/1.1, or HTTP/2 with prior knowledge). */
    private final SslContext tls;
    private final Set<Channel> accepted = ConcurrentHashMap.newKeySet();
    private volatile Channel server;
    private volatile String address;
    private volatile boolean closed;
    /** Set by {@link #stopAccepting()}: open connections close once their current call is answered. */
    private volatile boolean draining;

    HttpListener(HttpTransport transport, Transport.Handler handler, HttpTransportConfig config) {
        this.transport = transport;
        this.handler = handler;
        this.maxBodySize = config.maxBodySize();
        this.idleNanos = config.idleTimeout().toNanos();
        this.headTimeoutNanos = config.limits().headTimeout().toNanos();
        this.maxConcurrentStreams = config.limits().maxConcurrentStreams();
        this.streamIdleTimeout = config.streamIdleTimeout();
        this.tls = config.tls().serverContext();
    }

    Transport.Handler handler() {
        return handler;
    }

    int maxBodySize() {
        return maxBodySize;
    }

    /** {@code micro.transport.http.max-concurrent-streams}. */
    int maxConcurrentStreams() {
        return maxConcurrentStreams;
    }

    /** The server-wide budget of bytes held for requests not read whole yet. */
    PendingBytes pending() {
        return transport.pendingBytes();
    }

    HttpTransport transport() {
        return transport;
    }

    /** {@code micro.transport.stream-idle-timeout}; zero for none. */
    java.time.Duration streamIdleTimeout() {
        return streamIdleTimeout;
    }

    HttpDecoderConfig decoderConfig() {
        return decoderConfig;
    }

    /** Sets up each accepted connection. */
    ChannelInitializer<SocketChannel> initializer() {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                if (!transport.admit()) {
                    // past micro.transport.http.max-connections: closed before a byte is read, so the client
                    // knows at once and tries another node
                    ch.close();
                    return;
                }
                accepted.add(ch);
                ch.closeFuture().addListener(f -> {
                    transport.connectionClosed();
                    accepted.remove(ch);
                    synchronized (accepted) {
                        accepted.notifyAll();
                    }
                });
                if (closed) {
                    // accepted while close() ran: it may not have seen this one
                    ch.close();
                    return;
                }
                ChannelPipeline p = ch.pipeline();
                if (tls != null) {
                    p.addLast("tls", tls.newHandler(ch.alloc()));
                }
                // the selector replaces itself with the HTTP/1.1 or the HTTP/2 handlers
                p.addLast("idle", new IdleStateHandler(idleNanos, 0, 0, TimeUnit.NANOSECONDS))
                        .addLast("guard", new RequestGuard(transport.pendingBytes(), headTimeoutNanos))
                        .addLast("select", new ProtocolSelector(HttpListener.this, tls != null));
            }
        };
    }

    void bound(Channel serverChannel) {
        this.server = serverChannel;
        this.address = HttpWire.format(serverChannel.localAddress());
    }

    /** Connections accepted and still open (tests). */
    int connections() {
        return accepted.size();
    }

    @Override
    public String address() {
        return address;
    }

    /** Whether the listener stopped accepting and its connections are being wound down. */
    boolean draining() {
        return draining;
    }

    /**
     * Stops accepting, and winds the open connections down: an idle one closes now, a busy one after its answer
     * (sent with {@code Connection: close}), so keep-alive clients move on instead of sending more calls here.
     */
    @Override
    public void stopAccepting() {
        draining = true;
        for (Channel c : accepted) {
            c.pipeline().fireUserEventTriggered(ServerConnection.DRAIN);
        }
        Channel ch = server;
        EventLoop loop = ch.eventLoop();
        Promise<Void> refusing = loop.newPromise();
        try {
            loop.execute(() -> ch.close().addListener(f ->
                    // NIO closes the socket of a registered channel only at the loop's next select, and until then
                    // the kernel still completes connects; a task scheduled from the loop runs after that select
                    loop.schedule(() -> refusing.trySuccess(null), 0, TimeUnit.NANOSECONDS)));
        } catch (RejectedExecutionException shutDown) {
            return; // the event loop is gone, and the socket with it
        }
        if (!transport.onIoThread()) {
            refusing.awaitUninterruptibly(CLOSE_WAIT_MILLIS);
        }
    }

    @Override
    public boolean awaitConnectionsClosed(java.time.Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (accepted) {
            long left;
            while (!accepted.isEmpty() && (left = deadline - System.nanoTime()) > 0) {
                try {
                    TimeUnit.NANOSECONDS.timedWait(accepted, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return accepted.isEmpty();
                }
            }
            return accepted.isEmpty();
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        stopAccepting();
        List<ChannelFuture> closing = new ArrayList<>(accepted.size());
        for (Channel ch : accepted) {
            closing.add(ch.close());
        }
        transport.forget(this);
        if (!transport.onIoThread()) {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CLOSE_WAIT_MILLIS);
            for (ChannelFuture f : closing) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || !f.awaitUninterruptibly(left, TimeUnit.NANOSECONDS)) {
                    break;
                }
            }
        }
    }

    @Override
    public String toString() {
        return "http listener on " + address;
    }
}
