package io.microcdi.transport.http;

import io.microcdi.metadata.Metadata;
import io.microcdi.transport.Message;
import io.microcdi.transport.TransportException;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;

import java.io.IOException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * One pooled client connection: writes a call's request, reads its response, and goes back to its pool.
 *
 * <pre>{@code
 * connection.start(call);   // from any thread; the call then runs on the connection's event loop
 * }</pre>
 *
 * <p>Every field is confined to the event loop, except {@link #channel}. A connection whose call timed out, broke or
 * was answered with {@code Connection: close} is closed, never pooled: a late answer must not reach the next call.
 * It also serves as the response timer and the write listener, so a call allocates nothing here.
 */
final class ClientConnection extends ChannelInboundHandlerAdapter implements Runnable, ChannelFutureListener {

    private final ConnectionPool pool;
    private final HttpWire.HeaderWriter writer = new HttpWire.HeaderWriter();
    /** Set by the pool right after the connect starts, before any call can see this connection. */
    volatile Channel channel;
    /** The TLS handler, set when the channel is set up; {@code null} in plain text. */
    SslHandler ssl;
    private ChannelHandlerContext ctx;
    /** This connection counts against the pool size until it closes. */
    private boolean holdsSlot = true;
    private ClientCall current;
    private Throwable failure;

    // the response being read
    private Metadata head;
    private int status;
    private String reason;
    private boolean keepAlive;
    private final AnswerBody body = new AnswerBody("response", "Content-Length");

    ClientConnection(ConnectionPool pool) {
        this.pool = pool;
    }

    boolean isActive() {
        return channel.isActive();
    }

    void close() {
        channel.close();
    }

    /** Runs {@code call} on this connection; from any thread. */
    void start(ClientCall call) {
        call.connection = this;
        EventLoop loop = channel.eventLoop();
        if (loop.inEventLoop()) {
            begin(call);
            return;
        }
        try {
            loop.execute(call);
        } catch (RejectedExecutionException e) {
            call.completeExceptionally(new TransportException("transport closed", e, false));
        }
    }

    /** Writes the request of {@code call} (on the event loop). */
    void begin(ClientCall call) {
        if (!channel.isActive()) {
            // closed while it sat in the pool: nothing was sent, so take another connection
            if (!pool.acquire(call)) {
                call.completeExceptionally(new TransportException("connections to " + pool.address + " closed", null,
                        false));
            }
            return;
        }
        if (call.isDone()) {
            pool.release(this); // cancelled by its caller meanwhile
            return;
        }
        long left = call.remaining();
        if (left <= 0) {
            pool.release(this);
            call.completeExceptionally(call.timeout(pool.address, "request to"));
            return;
        }
        current = call;
        call.timer = channel.eventLoop().schedule(this, left, TimeUnit.NANOSECONDS);
        Message request = call.request;
        byte[] head = call.head != null ? call.head : pool.requestHead;
        ByteBuf buf = HttpWire.encode(ctx.alloc(), head, null, request.header(), request.body(), writer);
        // from here bytes may reach the server even if the write later reports failure
        call.written = true;
        ctx.writeAndFlush(buf).addListener(this);
    }

    /** The write of the current request finished. */
    @Override
    public void operationComplete(ChannelFuture f) {
        if (!f.isSuccess()) {
            failure = f.cause();
            f.channel().close();
        }
    }

    /** The current call timed out: close, so that its late response is never read as the next call's. */
    @Override
    public void run() {
        ClientCall call = current;
        if (call == null) {
            return;
        }
        current = null;
        call.timer = null;
        channel.close();
        call.completeExceptionally(call.timeout(pool.address, "request to"));
    }

    void dialFailed() {
        if (holdsSlot) {
            holdsSlot = false;
            pool.slotFreed(null);
        }
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof HttpResponse response) {
                if (current == null || response.decoderResult().isFailure()) {
                    failure = current == null ? new IOException("response without a request")
                            : response.decoderResult().cause();
                    ctx.close();
                    return;
                }
                if (response.status().code() < 200) {
                    head = null; // 1xx: informational, the real answer follows
                    return;
                }
                begin(response);
            }
            if (msg instanceof HttpContent content && head != null) {
                if (content.decoderResult().isFailure()) {
                    failure = content.decoderResult().cause();
                    ctx.close();
                    return;
                }
                if (append(content.content()) && content instanceof LastHttpContent) {
                    complete();
                }
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void begin(HttpResponse response) {
        String bad = body.start(HttpUtil.getContentLength(response, -1L));
        if (bad != null) {
            failure = new IOException(bad);
            ctx.close();
            return;
        }
        status = response.status().code();
        reason = response.status().reasonPhrase();
        keepAlive = HttpUtil.isKeepAlive(response);
        head = HttpWire.metadata(response.headers(), false);
    }

    private boolean append(ByteBuf data) {
        String bad = body.append(data);
        if (bad != null) {
            failure = new IOException(bad);
            ctx.close();
            return false;
        }
        return true;
    }

    private void complete() {
        ClientCall call = current;
        current = null;
        call.cancelTimer();
        byte[] b = body.take();
        Metadata h = head;
        head = null;
        // back to the pool before the caller hears of it, so that its next call can reuse this connection
        if (keepAlive) {
            pool.release(this);
        } else {
            ctx.close();
        }
        call.answered(status, reason, h, b);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent && current == null && pool.removeIdle(this)) {
            ctx.close(); // unused for pool-ttl
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        ClientCall call = current;
        current = null;
        head = null;
        body.release();
        if (holdsSlot) {
            holdsSlot = false;
            pool.slotFreed(this);
        }
        if (call != null) {
            call.cancelTimer();
            Throwable why = failure;
            call.completeExceptionally(new TransportException("connection to " + pool.address
                    + " closed before the response" + (why == null ? "" : ": " + why.getMessage()), why,
                    call.written));
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

    @Override
    public String toString() {
        return "connection to " + pool.address + " (" + channel + ")";
    }
}
