package io.microcdi.transport.http;

import io.microcdi.internal.exec.HandlerExecutors;
import io.microcdi.metadata.Metadata;
import io.microcdi.transport.Message;
import io.microcdi.transport.MessageStream;
import io.microcdi.transport.TransportException;
import io.microcdi.transport.TransportTimeoutException;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.NetUtil;
import io.netty.util.ReferenceCountUtil;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A stream on one HTTP/1.1 connection, as Go Micro streams over its HTTP transport: the client dials a connection of
 * its own for it (not pooled), and every message either way is one HTTP message, unpaired: each client message is
 * another {@code POST /}, each server message another {@code 200 OK}, both with {@code Content-Length}.
 *
 * <pre>{@code
 * MessageStream s = Http1Stream.dial(transport, "10.0.0.7:8080", open, Duration.ofSeconds(5)).join();
 * }</pre>
 *
 * <p>One stream per connection: when both directions have ended the connection closes (both sides close it);
 * cancelling closes it at once, which the peer sees as a broken stream.
 */
final class Http1Stream extends HttpStream {

    /** Id of the errors the client side of a stream raises itself, as Go Micro's client. */
    static final String CLIENT_ID = "go.micro.client";

    private final Channel channel;
    private final byte[] startLine;
    private final HttpWire.HeaderWriter writer = new HttpWire.HeaderWriter();
    /** Loop only: when the release began, and when its flush completed (0 until then). */
    private long releaseStart;
    private long flushed;
    private ScheduledFuture<?> releaseTimer;

    /**
     * @param startLine what each message starts with: {@code POST / HTTP/1.1} and {@code Host} from a client,
     *                  {@code HTTP/1.1 200 OK} from a server
     */
    Http1Stream(Channel channel, String streamId, String errorId, byte[] startLine, Duration idleTimeout) {
        super(streamId, errorId, channel.eventLoop(), idleTimeout);
        this.channel = channel;
        this.startLine = startLine;
    }

    @Override
    public String remoteAddress() {
        return HttpWire.format(channel.remoteAddress());
    }

    @Override
    public void write(Message message) {
        channel.write(encode(message), channel.voidPromise());
    }

    private ByteBuf encode(Message message) {
        return HttpWire.encode(channel.alloc(), startLine, null, message.header(), message.body(), writer);
    }

    @Override
    public void flush() {
        channel.flush();
    }

    @Override
    public boolean writable() {
        return channel.isWritable();
    }

    @Override
    public void pauseReading(boolean pause) {
        onLoop(() -> channel.config().setAutoRead(!pause));
    }

    /**
     * Flushes, then half-closes (our FIN after all we sent) and closes once the peer has closed too: closing with the
     * peer's messages unread would make the kernel reset the connection, and a reset can destroy what we sent last
     * (our end of stream) before the peer reads it. Reading goes on meanwhile and what arrives is dropped, so a peer
     * still sending is never stuck. A peer that neither closes nor sends anything for {@link #releaseCapNanos()}
     * (the stream idle timeout) is cut off: the release never waits for ever, even when the flush never completes.
     */
    @Override
    public void release() {
        stopIdleTimer();
        releaseStart = System.nanoTime();
        channel.config().setAutoRead(true);
        channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener((ChannelFutureListener) f -> {
            if (!f.isSuccess() || !(channel instanceof SocketChannel sc) || !channel.isActive()) {
                channel.close();
                return;
            }
            flushed = System.nanoTime();
            sc.shutdownOutput();
        });
        channel.closeFuture().addListener(f -> {
            ScheduledFuture<?> t = releaseTimer;
            if (t != null) {
                t.cancel(false); // closed in time: no timer left behind for the cap's length
            }
        });
        checkRelease();
    }

    /** Closes a released connection whose peer showed no sign of life for the cap; on the loop. */
    private void checkRelease() {
        if (!channel.isOpen()) {
            return; // the peer closed its side: done
        }
        long since = Math.max(releaseStart, Math.max(flushed, lastMessage()));
        long wait = releaseCapNanos() - (System.nanoTime() - since);
        if (wait <= 0) {
            channel.close();
            return;
        }
        releaseTimer = channel.eventLoop().schedule(this::checkRelease, wait, TimeUnit.NANOSECONDS);
    }

    @Override
    public void abort() {
        stopIdleTimer();
        channel.close();
    }

    /** Whether its connection is still open (tests). */
    boolean connectionOpen() {
        return channel.isOpen();
    }

    @Override
    public String toString() {
        return "HTTP/1.1 stream " + streamId() + " (" + channel + ")";
    }

    // ---- the client side ----

    /**
     * Dials a connection of its own to {@code address} (TLS and socket settings as the pool's), writes {@code open}
     * on it, and completes with the stream once it is written.
     */
    static CompletableFuture<MessageStream> dial(HttpTransport transport, String address, Message open,
                                                 Duration connectTimeout) {
        Dial d = new Dial(transport, address, open, connectTimeout);
        d.start();
        return d.result;
    }

    /** One dial: the future, its timer, and the channel to close if the caller is gone by the time it is up. */
    private static final class Dial {

        final CompletableFuture<MessageStream> result = new CompletableFuture<>();
        private final HttpTransport transport;
        private final HttpTransportConfig config;
        private final String address;
        private final Message open;
        private final long timeoutNanos;
        private final long deadline;
        private volatile Channel channel;

        Dial(HttpTransport transport, String address, Message open, Duration connectTimeout) {
            this.transport = transport;
            this.config = transport.config();
            this.address = address;
            this.open = open;
            this.timeoutNanos = Math.max(0, Math.min(connectTimeout.toNanos(), Long.MAX_VALUE / 4));
            this.deadline = System.nanoTime() + timeoutNanos;
        }

        void start() {
            result.whenComplete((s, e) -> {
                Channel ch = channel;
                if (e != null && ch != null) {
                    ch.close(); // timed out or cancelled by the caller: the connection is nobody's
                }
            });
            if (timeoutNanos <= 0) {
                result.completeExceptionally(timeout());
                return;
            }
            InetSocketAddress parsed;
            try {
                parsed = HttpWire.parse(address, false);
            } catch (IllegalArgumentException e) {
                result.completeExceptionally(new TransportException(e.getMessage(), e, false));
                return;
            }
            var timer = transport.anyLoop().schedule(() -> result.completeExceptionally(timeout()), timeoutNanos,
                    TimeUnit.NANOSECONDS);
            result.whenComplete((s, e) -> timer.cancel(false));
            String host = parsed.getHostString();
            int port = parsed.getPort();
            if (NetUtil.isValidIpV4Address(host) || NetUtil.isValidIpV6Address(host)) {
                connect(host, new InetSocketAddress(NetUtil.createInetAddressFromIpAddressString(host), port));
            } else {
                // a name lookup can block for seconds: never on the caller's (maybe event loop) thread
                HandlerExecutors.callbacks().execute(() -> {
                    InetSocketAddress target = new InetSocketAddress(host, port);
                    if (target.isUnresolved()) {
                        result.completeExceptionally(new TransportException("dial " + address + ": unknown host "
                                + host, null, false));
                    } else {
                        connect(host, target);
                    }
                });
            }
        }

        private TransportTimeoutException timeout() {
            return new TransportTimeoutException("opening a stream to " + address + " timed out after "
                    + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms", false);
        }

        private void connect(String host, InetSocketAddress target) {
            transport.onNetty(() -> dialNow(host, target));
        }

        private void dialNow(String host, InetSocketAddress target) {
            if (result.isDone()) {
                return;
            }
            long left = deadline - System.nanoTime();
            int millis = (int) Math.max(1, Math.min(config.dialTimeout().toMillis(),
                    TimeUnit.NANOSECONDS.toMillis(left) + 1));
            SslContext tls = config.tls().clientContext();
            String id = streamIdOrNew(open);
            byte[] head = ("POST / HTTP/1.1\r\nHost: " + address + "\r\n").getBytes(StandardCharsets.US_ASCII);
            Http1Stream[] made = new Http1Stream[1];
            Bootstrap b = transport.dialer(millis, tls, host, target.getPort(), (ch, ssl) -> {
                Http1Stream stream = new Http1Stream(ch, id, CLIENT_ID, head, config.streamIdleTimeout());
                made[0] = stream;
                ch.pipeline()
                        .addLast("http", new HttpResponseDecoder(HttpWire.decoderConfig()))
                        .addLast("aggregate", new HttpObjectAggregator(config.maxBodySize()))
                        .addLast("stream", new ClientHandler(stream, address));
            });
            ChannelFuture f;
            try {
                f = b.connect(target);
            } catch (RuntimeException e) {
                result.completeExceptionally(new TransportException("dial " + address + ": " + e, e, false));
                return;
            }
            channel = f.channel();
            if (result.isDone()) {
                f.channel().close();
                return;
            }
            f.addListener((ChannelFutureListener) done -> {
                if (!done.isSuccess()) {
                    result.completeExceptionally(new TransportException("dial " + address + ": "
                            + done.cause().getMessage(), done.cause(), false));
                    return;
                }
                SslHandler ssl = done.channel().pipeline().get(SslHandler.class);
                if (ssl == null) {
                    up(made[0]);
                    return;
                }
                ssl.handshakeFuture().addListener(shake -> {
                    if (shake.isSuccess()) {
                        up(made[0]);
                    } else {
                        done.channel().close();
                        result.completeExceptionally(new TransportException("TLS handshake with " + address + ": "
                                + shake.cause().getMessage(), shake.cause(), false));
                    }
                });
            });
        }

        /** The connection is up: write the open, on the loop. */
        private void up(Http1Stream stream) {
            if (result.isDone()) {
                stream.channel.close();
                return;
            }
            stream.startIdleTimer();
            stream.channel.writeAndFlush(stream.encode(open)).addListener((ChannelFutureListener) w -> {
                if (!w.isSuccess()) {
                    w.channel().close();
                    result.completeExceptionally(new TransportException("opening a stream to " + address + ": "
                            + w.cause().getMessage(), w.cause(), true));
                } else if (!result.complete(stream)) {
                    w.channel().close(); // the caller timed out meanwhile
                }
            });
        }
    }

    /** Reads the server's messages (one aggregated response each) into the stream. */
    private static final class ClientHandler extends ChannelInboundHandlerAdapter {

        private final Http1Stream stream;
        private final String address;
        private Throwable failure;

        ClientHandler(Http1Stream stream, String address) {
            this.stream = stream;
            this.address = address;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (!(msg instanceof FullHttpResponse r)) {
                    return;
                }
                if (r.decoderResult().isFailure()) {
                    failure = r.decoderResult().cause();
                    ctx.close();
                    return;
                }
                int status = r.status().code();
                if (status < 200) {
                    return; // informational: a real message follows
                }
                Metadata h = HttpWire.metadata(r.headers(), false);
                ByteBuf c = r.content();
                byte[] body = c.isReadable() ? ByteBufUtil.getBytes(c) : HttpWire.empty();
                if (status != 200 && !h.contains("Micro-Error") && !h.contains("X-Micro-Error")) {
                    // not a stream message: the peer is no streaming Go Micro server
                    stream.fail(new TransportException(status + " " + r.status().reasonPhrase() + ": "
                            + new String(body, StandardCharsets.UTF_8), null, true));
                    return;
                }
                stream.deliver(new Message(h, body));
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            stream.writableChanged();
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (!stream.over()) {
                Throwable why = failure;
                stream.fail(new TransportException("connection to " + address + " closed before stream "
                        + stream.streamId() + " ended" + (why == null ? "" : ": " + why.getMessage()), why, true));
            }
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            HttpTransport.loopError(cause); // an OutOfMemoryError ends the process (exit-on-out-of-memory)
            if (failure == null) {
                failure = cause;
            }
            ctx.close();
        }
    }
}
