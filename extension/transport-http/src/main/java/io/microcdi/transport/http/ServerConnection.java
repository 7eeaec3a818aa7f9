package io.microcdi.transport.http;

import io.microcdi.errors.MicroException;
import io.microcdi.metadata.Metadata;
import io.microcdi.errors.ErrorJson;
import io.microcdi.transport.Message;
import io.microcdi.transport.MessageStream;
import io.microcdi.transport.TransportException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.EventExecutor;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * One accepted connection: turns decoded requests into {@link ServerExchange}s and writes their answers in request
 * order.
 *
 * <pre>{@code
 * ch.pipeline().addLast(new HttpRequestDecoder(cfg), new IdleStateHandler(...), new ServerConnection(listener, ch));
 * }</pre>
 *
 * <p>Everything but {@link #send} runs on the channel's event loop, so no field needs a lock. One request is handed
 * to the handler at a time: pipelined requests wait in {@link #waiting} (and reading pauses) until the one before was
 * answered, which keeps the answers in order without buffering replies. Answers a client has not read yet are bounded
 * too: while the channel is not writable (more than {@code micro.transport.http.max-queued-bytes} wait to be sent),
 * no waiting request is handed on and nothing more is read, so a client that pipelines and never reads holds one
 * read's worth of requests and that many bytes of answers, not more.
 *
 * <p>A client may shut its side down once it has sent its request: the answers owed are still written, then the
 * connection closes.
 */
final class ServerConnection extends ChannelInboundHandlerAdapter
        implements ServerExchange.Owner, RequestGuard.Owner {

    private static final System.Logger LOG = System.getLogger(ServerConnection.class.getName());

    /**
     * How long a connection we answered with a fatal error stays half-open, reading and dropping what the client
     * still sends: closing with unread bytes makes the kernel send RST, which can destroy our answer before the
     * client reads it (Go's server waits 500 ms for the same reason).
     */
    private static final long LINGER_MILLIS = 500;

    private final HttpListener listener;
    private final String remote;
    private final String local;
    private final HttpWire.HeaderWriter writer = new HttpWire.HeaderWriter();
    private ChannelHandlerContext ctx;
    private RequestGuard guard;

    // the request being read
    private Metadata head;
    private HttpMethod method;
    private String uri;
    /** The event {@link HttpListener#stopAccepting()} sends each connection. */
    static final Object DRAIN = new Object();

    private boolean keepAlive;
    private byte[] connectionLine;
    private byte[] body;
    private int filled;
    private List<ByteBuf> parts;
    private long partsSize;

    // the answers owed, in order
    private ServerExchange inFlight;
    private ArrayDeque<Object> waiting;
    private boolean draining;
    /** No further request is read: the client asked to close, or we are closing after an error. */
    private boolean done;
    /** The client shut its side down: close once the answers owed are written. */
    private boolean inputShut;
    /** Set once a request was taken over as a stream: every later request is a message of it. */
    private Http1Stream stream;

    ServerConnection(HttpListener listener, Channel channel) {
        this.listener = listener;
        this.remote = HttpWire.format(channel.remoteAddress());
        this.local = HttpWire.format(channel.localAddress());
    }

    @Override
    public String remoteAddress() {
        return remote;
    }

    @Override
    public String localAddress() {
        return local;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.guard = ctx.pipeline().get(RequestGuard.class);
        if (guard != null) {
            guard.owner(this);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (done) {
                return;
            }
            if (msg instanceof HttpRequest request) {
                if (request.decoderResult().isFailure()) {
                    malformed(request.decoderResult().cause());
                    return;
                }
                begin(request);
            }
            if (msg instanceof HttpContent content && head != null) {
                if (content.decoderResult().isFailure()) {
                    malformed(content.decoderResult().cause());
                    return;
                }
                append(content.content());
                if (!done && content instanceof LastHttpContent) {
                    finish();
                }
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void begin(HttpRequest request) {
        HttpVersion version = request.protocolVersion();
        if (version.majorVersion() != 1 || version.minorVersion() > 1) {
            fatal(505, "HTTP version " + version.text() + " not supported (expected: HTTP/1.0, HTTP/1.1 or HTTP/2)");
            return;
        }
        if (guard != null) {
            guard.headRead();
        }
        long length = HttpUtil.getContentLength(request, -1L);
        if (length > listener.maxBodySize()) {
            fatal(413, tooLarge(length));
            return;
        }
        if (HttpUtil.is100ContinueExpected(request)) {
            // curl sends Expect for bodies over 1 KiB and would wait a second for this
            ctx.writeAndFlush(Unpooled.wrappedBuffer(HttpWire.CONTINUE_100), ctx.voidPromise());
        }
        keepAlive = HttpUtil.isKeepAlive(request);
        connectionLine = !keepAlive ? HttpWire.CONNECTION_CLOSE
                : request.protocolVersion() == HttpVersion.HTTP_1_0 ? HttpWire.CONNECTION_KEEP_ALIVE : null;
        head = HttpWire.metadata(request.headers(), true);
        method = request.method(); // the decoder's objects: keeping them costs the RPC path nothing
        uri = request.uri();
        body = length < 0 ? null : length == 0 ? HttpWire.empty() : new byte[(int) length];
        filled = 0;
        partsSize = 0;
    }

    private void append(ByteBuf data) {
        int n = data.readableBytes();
        if (n == 0) {
            return;
        }
        if (body != null) {
            if (n > body.length - filled) {
                malformed(new IOException("body longer than its Content-Length"));
                return;
            }
            data.readBytes(body, filled, n);
            filled += n;
            return;
        }
        // chunked: keep the slices and copy once at the end
        partsSize += n;
        if (partsSize > listener.maxBodySize()) {
            fatal(413, tooLarge(partsSize));
            return;
        }
        if (parts == null) {
            parts = new ArrayList<>(8);
        }
        parts.add(data.retain());
    }

    private void finish() {
        if (guard != null) {
            guard.requestRead();
        }
        byte[] b = body != null ? body : HttpWire.gather(parts == null ? List.of() : parts, (int) partsSize);
        releaseParts();
        if (stream != null) {
            Metadata h = head;
            head = null;
            body = null;
            streamMessage(new Message(h, b));
            return;
        }
        ServerExchange exchange = new ServerExchange(this, new Message(head, b), method, uri, keepAlive,
                connectionLine);
        head = null;
        body = null;
        if (!keepAlive) {
            done = true;
        }
        submit(exchange);
    }

    private void submit(Object item) {
        if (inFlight == null && (waiting == null || waiting.isEmpty())) {
            if (item instanceof ServerExchange e) {
                dispatch(e);
            } else {
                writeFatal((MicroException) item);
            }
            return;
        }
        if (waiting == null) {
            waiting = new ArrayDeque<>(4);
        }
        waiting.add(item);
        // a pipelining client waits for its answers; stop reading so it cannot queue without bound
        ctx.channel().config().setAutoRead(false);
    }

    /** Whether nothing is owed: no request with the handler, none waiting. */
    private boolean idle() {
        return inFlight == null && (waiting == null || waiting.isEmpty());
    }

    private void dispatch(ServerExchange exchange) {
        inFlight = exchange;
        exchange.dispatch(listener);
    }

    @Override
    public EventExecutor loop() {
        return ctx.executor();
    }

    @Override
    public void loopError(Throwable e) {
        listener.transport().onLoopError(e);
    }

    /** Writes the answer of {@code exchange} (on the event loop). */
    @Override
    public void write(ServerExchange exchange) {
        if (exchange != inFlight) {
            return; // the connection closed meanwhile
        }
        inFlight = null;
        Message response = exchange.response();
        boolean last = !exchange.keepAlive()
                || ((listener.draining() || inputShut) && (waiting == null || waiting.isEmpty()));
        ByteBuf buf = HttpWire.encode(ctx.alloc(), HttpWire.statusLine(exchange.status()),
                last ? HttpWire.CONNECTION_CLOSE : exchange.connectionLine(), response.header(), response.body(), writer);
        if (last) {
            ctx.writeAndFlush(buf).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        ctx.writeAndFlush(buf, ctx.voidPromise());
        drain();
    }

    private void drain() {
        if (draining) {
            return; // a reply sent from inside dispatch: the loop below carries on
        }
        draining = true;
        try {
            // not while answers wait to be sent: a client that does not read gets no more of them
            while (inFlight == null && waiting != null && !waiting.isEmpty() && ctx.channel().isWritable()) {
                Object next = waiting.poll();
                if (next instanceof ServerExchange e) {
                    dispatch(e);
                } else {
                    writeFatal((MicroException) next);
                }
            }
        } finally {
            draining = false;
        }
        resumeReading();
    }

    /** Reads again once nothing is owed, unless the client has not read what we sent. */
    private void resumeReading() {
        Channel ch = ctx.channel();
        if (idle() && !done && stream == null && ch.isWritable() && !ch.config().isAutoRead()) {
            ch.config().setAutoRead(true);
        }
    }

    private void malformed(Throwable cause) {
        String why = cause == null ? "unknown error" : cause.getMessage() == null ? cause.toString() : cause.getMessage();
        fatal(400, "malformed HTTP request: " + why);
    }

    /** From the {@link RequestGuard}: the server-wide budget cannot hold this request. */
    @Override
    public void overBudget(long budget) {
        fatal(503, "server busy: requests being read hold micro.transport.http.max-pending-bytes (" + budget
                + " bytes); try again or another node");
    }

    /** From the {@link RequestGuard}: the head did not arrive whole in time. */
    @Override
    public void headTimeout(long nanos) {
        fatal(408, "request head not complete within micro.transport.http.head-timeout ("
                + TimeUnit.NANOSECONDS.toMillis(nanos) + " ms)");
    }

    private String tooLarge(long size) {
        return "request body of " + size + " bytes exceeds micro.transport.http.max-body-size (" + listener.maxBodySize()
                + " bytes)";
    }

    /** The request cannot be read: answer with a structured error after the answers owed, then close. */
    private void fatal(int code, String detail) {
        done = true;
        head = null;
        body = null;
        releaseParts();
        if (guard != null) {
            guard.stop();
        }
        if (ctx.pipeline().get("http") != null) {
            // nothing more is read: drop the decoder and what it holds (a half-read head), so the bytes the client
            // still sends during the linger are released as they come
            ctx.pipeline().remove("http");
        }
        if (stream != null) {
            // the stream's framing is lost: nothing after can be read, so the stream breaks (and the connection)
            stream.fail(new TransportException("stream " + stream.streamId() + " from " + remote + ": " + detail,
                    null, true));
            return;
        }
        submit(HttpWire.serverError(code, detail));
    }

    private void writeFatal(MicroException e) {
        Channel ch = ctx.channel();
        ch.config().setAutoRead(!inputShut); // keep draining what the client sends while it reads our answer
        ctx.writeAndFlush(HttpWire.encodeError(ctx.alloc(), e, writer)).addListener((ChannelFutureListener) f -> {
            if (!f.isSuccess() || !(ch instanceof SocketChannel sc) || inputShut) {
                ch.close();
                return;
            }
            sc.shutdownOutput();
            ch.eventLoop().schedule(() -> {
                ch.close();
            }, LINGER_MILLIS, TimeUnit.MILLISECONDS);
        });
    }

    // ---- stream mode ----

    @Override
    public boolean canStream(ServerExchange exchange) {
        return true;
    }

    /**
     * The connection becomes the stream {@code exchange} opens: answers are no longer paired with requests, every
     * later request is one of its messages, and the stream idle timeout replaces {@code micro.transport.http.idle-timeout}.
     */
    @Override
    public MessageStream stream(ServerExchange exchange) {
        Http1Stream s = new Http1Stream(ctx.channel(), HttpStream.streamIdOrNew(exchange.request()),
                HttpWire.SERVER_ID, HttpWire.STATUS_200, listener.streamIdleTimeout());
        EventExecutor loop = ctx.executor();
        if (loop.inEventLoop()) {
            enterStream(exchange, s);
        } else {
            try {
                loop.execute(() -> enterStream(exchange, s));
            } catch (RejectedExecutionException closed) {
                // the transport is shut down, the connection with it; the stream never carries anything
            }
        }
        return s;
    }

    private void enterStream(ServerExchange exchange, Http1Stream s) {
        if (exchange != inFlight || !ctx.channel().isActive()) {
            s.fail(new TransportException("connection from " + remote + " closed before stream " + s.streamId()
                    + " started", null, true));
            return;
        }
        inFlight = null;
        stream = s;
        if (guard != null) {
            guard.streaming();
        }
        ChannelPipeline p = ctx.pipeline();
        if (p.get("idle") != null) {
            p.remove("idle"); // micro.transport.http.idle-timeout is for calls; the stream times itself
        }
        s.startIdleTimer();
        ArrayDeque<Object> queued = waiting;
        waiting = null;
        ctx.channel().config().setAutoRead(true); // the stream pauses it again when its reader falls behind
        if (queued != null) {
            // sent by the client right after its open, before the handler took the request over
            for (Object next : queued) {
                if (next instanceof ServerExchange e) {
                    streamMessage(e.request());
                } else {
                    MicroException e = (MicroException) next;
                    s.fail(new TransportException("stream " + s.streamId() + " from " + remote + ": "
                            + e.getMessage(), e, true));
                    return;
                }
            }
        }
    }

    /** A request on a stream connection: a message of the stream, or refused when it names another stream. */
    private void streamMessage(Message m) {
        String id = HttpStream.streamId(m.header());
        if (id == null || id.equals(stream.streamId())) {
            stream.deliver(m);
            return;
        }
        MicroException e = HttpWire.serverError(400, "stream " + id + ": one stream per HTTP/1.1 connection (this "
                + "one carries " + stream.streamId() + ")");
        String json = ErrorJson.write(e);
        Metadata h = Metadata.of(MessageStream.STREAM_HEADER, id, "Content-Type", "application/json",
                "Micro-Error", json, "X-Micro-Error", json); // both spellings, as every error the transport sends
        ctx.writeAndFlush(HttpWire.encode(ctx.alloc(), HttpWire.STATUS_200, null, h,
                json.getBytes(StandardCharsets.UTF_8), writer), ctx.voidPromise());
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (stream != null) {
            stream.writableChanged();
        } else if (ctx.channel().isWritable()) {
            drain(); // hands on a waiting request (or error), or reads again
        } else if (!done) {
            ctx.channel().config().setAutoRead(false);
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            inputShut();
            ctx.fireUserEventTriggered(evt);
            return;
        }
        if (stream != null && (evt == DRAIN || evt instanceof IdleStateEvent)) {
            return; // a stream runs to its end (or its own idle timeout); Listener.close() cuts it
        }
        if (evt == DRAIN) {
            if (head != null) {
                return; // a request is half read: it is answered, with Connection: close
            }
            done = true; // no further request is read
            if (inFlight == null && (waiting == null || waiting.isEmpty())) {
                ctx.close();
            }
            return;
        }
        if (evt instanceof IdleStateEvent && (inFlight == null || inputShut)) {
            // a client that shut its side down and whose call is never answered does not hold the connection forever
            ctx.close();
        }
        ctx.fireUserEventTriggered(evt);
    }

    /**
     * The client shut its side down (the decoder has handed over what it still held): nothing more arrives, the
     * answers owed go out and the connection closes after the last; a stream cannot go on.
     */
    private void inputShut() {
        inputShut = true;
        listener.transport().inputShutdown();
        if (stream != null) {
            ctx.close();
            return;
        }
        boolean wasDone = done;
        done = true;
        if (guard != null) {
            guard.stop();
        }
        if (idle() && !wasDone) {
            // nothing owed: close after whatever was written last
            ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        done = true;
        if (stream != null && !stream.over()) {
            stream.fail(new TransportException("connection from " + remote + " closed before stream "
                    + stream.streamId() + " ended", null, true));
        }
        inFlight = null;
        waiting = null;
        head = null;
        body = null;
        releaseParts();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        listener.transport().onLoopError(cause);
        if (!(cause instanceof IOException)) {
            LOG.log(Level.DEBUG, "closing connection from " + remote, cause);
        }
        ctx.close();
    }

    private void releaseParts() {
        HttpWire.release(parts);
        parts = null;
        partsSize = 0;
    }
}
