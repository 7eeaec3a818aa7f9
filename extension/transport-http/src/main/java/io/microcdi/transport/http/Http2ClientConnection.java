package io.microcdi.transport.http;

import io.microcdi.internal.exec.HandlerExecutors;
import io.microcdi.transport.Message;
import io.microcdi.transport.TransportException;
import io.microcdi.transport.TransportTimeoutException;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.DefaultHttp2WindowUpdateFrame;
import io.netty.handler.codec.http2.Http2ChannelDuplexHandler;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2FrameStream;
import io.netty.handler.codec.http2.Http2FrameStreamEvent;
import io.netty.handler.codec.http2.Http2FrameStreamException;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2SettingsFrame;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.collection.IntObjectHashMap;
import io.netty.util.concurrent.EventExecutor;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;

/**
 * One HTTP/2 connection of the client, carrying any number of {@link Http2ClientStream}s and unary
 * {@link Http2Call}s to one address, up to the server's {@code SETTINGS_MAX_CONCURRENT_STREAMS}. Cleartext speaks
 * HTTP/2 with prior knowledge (our listeners recognise its preface); TLS offers only {@code h2} through ALPN and fails
 * when the server picks anything else.
 *
 * <pre>{@code
 * Http2ClientConnection c = new Http2ClientConnection(pool, transport, config);
 * c.dial(host, target);
 * c.open(opening);   // now if it is up, else once it is
 * }</pre>
 *
 * <p>Its {@link Http2Pool} decides which connection a stream or call goes on and when an unused one closes; this
 * class dials, starts streams and calls on its event loop, and routes each frame to its stream or call. What waits for
 * the dial is kept here.
 */
final class Http2ClientConnection extends Http2ChannelDuplexHandler {

    private static final System.Logger LOG = System.getLogger(Http2ClientConnection.class.getName());

    /** At most this many flushes are held back in one loop turn (Netty's default). */
    static final int FLUSH_AFTER = FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES;

    private static final AsciiString HTTP = AsciiString.cached("http");
    private static final AsciiString HTTPS = AsciiString.cached("https");

    private enum State { DIALING, UP, GONE }

    private final Http2Pool pool;
    private final HttpTransport transport;
    private final HttpTransportConfig config;
    private final SslContext tls;
    private final AsciiString authority;

    // ---- guarded by this: what waits for the dial ----
    private State state = State.DIALING;
    private Throwable failure;
    private final ArrayDeque<Http2Pool.Placed> pending = new ArrayDeque<>();

    // ---- guarded by the pool's lock ----
    /** Streams placed here: waiting, being opened, or open. */
    int reserved;
    /** No new stream goes here: the server sent GOAWAY, or the pool was closed. */
    boolean goingAway;
    /** When the last stream or call placed here ended ({@link System#nanoTime}). */
    long idleSince;
    /** The pool's idle check for this connection is scheduled. */
    boolean idleTimerArmed;

    /** The server's {@code SETTINGS_MAX_CONCURRENT_STREAMS} (ours, until its SETTINGS arrive). */
    volatile int maxStreams = Http2Wire.MAX_CONCURRENT_STREAMS;
    private volatile Channel channel;

    // ---- loop only ----
    private ChannelHandlerContext ctx;
    private Http2FrameCodec codec;
    private final IntObjectHashMap<Http2ClientStream> streams = new IntObjectHashMap<>(8);
    /** Unary calls in flight, by HTTP/2 stream id. */
    private final IntObjectHashMap<Http2Call> calls = new IntObjectHashMap<>(64);
    /** The last stream id of the server's GOAWAY: calls on later streams were not processed. */
    private int goAwayLastStreamId = Integer.MAX_VALUE;
    private final Http2Wire.HeaderWriter headerWriter = new Http2Wire.HeaderWriter();
    private final HttpWire.HeaderWriter lines = new HttpWire.HeaderWriter();
    private Throwable closeCause;

    Http2ClientConnection(Http2Pool pool, HttpTransport transport, HttpTransportConfig config) {
        this.pool = pool;
        this.transport = transport;
        this.config = config;
        this.tls = config.tls().h2ClientContext();
        this.authority = AsciiString.of(pool.address);
    }

    String address() {
        return pool.address;
    }

    String remoteAddress() {
        Channel ch = channel;
        return ch == null || ch.remoteAddress() == null ? pool.address : HttpWire.format(ch.remoteAddress());
    }

    /** Whether its channel is open (tests, and the pool). */
    boolean open() {
        Channel ch = channel;
        return ch != null && ch.isOpen();
    }

    /** Streams placed here and not closed yet: what holds its slots in the pool (tests). */
    int reservedStreams() {
        return pool.reserved(this);
    }

    // ---- dialing ----

    /** Dials {@code host} at {@code target} ({@code target} may be unresolved: then it is looked up first). */
    void dial(String host, InetSocketAddress target) {
        if (target.isUnresolved()) {
            // a name lookup can block for seconds: never on the caller's (maybe event loop) thread
            HandlerExecutors.callbacks().execute(() -> {
                InetSocketAddress resolved = new InetSocketAddress(host, target.getPort());
                if (resolved.isUnresolved()) {
                    failed(new TransportException("dial " + pool.address + ": unknown host " + host, null, false));
                } else {
                    connect(host, resolved);
                }
            });
        } else {
            connect(host, target);
        }
    }

    private void connect(String host, InetSocketAddress target) {
        transport.onNetty(() -> dialNow(host, target));
    }

    private void dialNow(String host, InetSocketAddress target) {
        int millis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, config.dialTimeout().toMillis()));
        Bootstrap b = transport.dialer(millis, tls, host, target.getPort(), (ch, ssl) -> { });
        ChannelFuture f;
        try {
            f = b.connect(target);
        } catch (RuntimeException e) {
            failed(new TransportException("dial " + pool.address + ": " + e, e, false));
            return;
        }
        channel = f.channel();
        f.channel().closeFuture().addListener(c -> closed());
        f.addListener((ChannelFutureListener) done -> {
            if (!done.isSuccess()) {
                failed(dialFailure("dial " + pool.address, done.cause()));
                return;
            }
            SslHandler ssl = done.channel().pipeline().get(SslHandler.class);
            if (ssl == null) {
                up(done.channel());
                return;
            }
            ssl.handshakeFuture().addListener(shake -> {
                if (!shake.isSuccess()) {
                    done.channel().close();
                    failed(dialFailure("TLS handshake with " + pool.address, shake.cause()));
                    return;
                }
                String picked = ssl.applicationProtocol();
                if (!ApplicationProtocolNames.HTTP_2.equals(picked)) {
                    done.channel().close();
                    failed(new TransportException("TLS server at " + pool.address + " chose "
                            + (picked == null || picked.isEmpty() ? "no protocol" : picked)
                            + " through ALPN, not h2: it does not take HTTP/2 (set " + HttpTransportConfig.H2_STREAMS + "=false and "
                            + HttpTransportConfig.H2_CALLS + "=false to use HTTP/1.1)", null, false));
                    return;
                }
                up(done.channel());
            });
        });
    }

    private Throwable dialFailure(String what, Throwable cause) {
        if (cause instanceof ConnectTimeoutException || cause instanceof SslHandshakeTimeoutException) {
            TransportTimeoutException t = new TransportTimeoutException(what + " timed out after "
                    + config.dialTimeout().toMillis() + " ms (" + HttpTransportConfig.DIAL_TIMEOUT + ")", false);
            t.initCause(cause);
            return t;
        }
        return new TransportException(what + ": " + cause.getMessage(), cause, false);
    }

    /** Connected (and TLS agreed on h2): HTTP/2 from here on; on the loop. */
    private void up(Channel ch) {
        Http2Settings settings = Http2Settings.defaultSettings()
                .pushEnabled(false)
                .maxHeaderListSize(HttpWire.MAX_HEAD_BYTES);
        Http2FrameCodec frameCodec = Http2FrameCodecBuilder.forClient()
                .initialSettings(settings)
                .headerSensitivityDetector(Http2Wire.PER_CALL)
                .build();
        // one flush for every frame written in a loop turn: calls from many callers leave in one write
        ch.pipeline().addLast("flush", new FlushConsolidationHandler(FLUSH_AFTER, true))
                .addLast("h2", frameCodec).addLast("streams", this);
    }

    @Override
    protected void handlerAdded0(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.codec = ctx.pipeline().get(Http2FrameCodec.class);
        // room for every stream's own window: a stream whose reader is paused must not stall the others
        ctx.writeAndFlush(new DefaultHttp2WindowUpdateFrame(Http2Wire.CONNECTION_WINDOW_BONUS), ctx.voidPromise());
        List<Http2Pool.Placed> waiting;
        synchronized (this) {
            if (state != State.DIALING) {
                return;
            }
            state = State.UP;
            waiting = new ArrayList<>(pending);
            pending.clear();
        }
        for (Http2Pool.Placed o : waiting) {
            start(o);
        }
    }

    /** The dial failed: every stream waiting for it fails with {@code cause}, as nothing was sent. */
    private void failed(Throwable cause) {
        List<Http2Pool.Placed> waiting;
        synchronized (this) {
            if (state == State.GONE) {
                return;
            }
            state = State.GONE;
            failure = cause;
            waiting = new ArrayList<>(pending);
            pending.clear();
        }
        Channel ch = channel;
        if (ch != null) {
            ch.close();
        }
        pool.gone(this);
        for (Http2Pool.Placed o : waiting) {
            o.fail(cause);
            pool.released(this);
        }
    }

    // ---- opening streams ----

    /** Starts a stream or call placed here by the pool: now when up, else once up. */
    void open(Http2Pool.Placed o) {
        o.on = this;
        Throwable gone;
        synchronized (this) {
            switch (state) {
                case DIALING -> {
                    pending.add(o);
                    return;
                }
                case UP -> gone = null;
                default -> gone = failure;
            }
        }
        if (gone != null) {
            o.fail(gone);
            pool.released(this);
            return;
        }
        if (ctx.executor().inEventLoop()) {
            start(o);
            return;
        }
        try {
            ctx.executor().execute(o);
        } catch (RejectedExecutionException shutDown) {
            o.fail(new TransportException(o.what() + " " + pool.address + ": transport closed", null, false));
            pool.released(this);
        }
    }

    /** Starts what was placed here, if it still can start; on the loop. */
    void start(Http2Pool.Placed o) {
        if (o.done()) {
            pool.released(this); // timed out or cancelled while waiting
            return;
        }
        if (!ctx.channel().isActive() || closeCause != null) {
            o.fail(new TransportException("connection to " + pool.address + " closed before the "
                    + (o instanceof Http2Call ? "request was sent" : "stream opened"), closeCause, false));
            pool.released(this);
            return;
        }
        if (!codec.connection().local().canOpenStream()) {
            // the server allows fewer streams than we placed here: another connection takes it
            maxStreams = codec.connection().local().numActiveStreams();
            pool.released(this);
            pool.retry(o);
            return;
        }
        o.startOn(this);
    }

    /** Writes a stream's HEADERS; on the loop, once {@link #start} found room. */
    void startStream(Http2Pool.Opening o) {
        Message open = o.open;
        String id = HttpStream.streamIdOrNew(open);
        Http2FrameStream fs = newStream();
        Http2ClientStream s = new Http2ClientStream(this, ctx, codec, fs, id, config, lines);
        ChannelFuture written = s.writeOpen(open, tls == null ? HTTP : HTTPS, authority, headerWriter);
        if (fs.id() > 0) {
            streams.put(fs.id(), s);
        }
        written.addListener(w -> {
            if (!w.isSuccess()) {
                if (streams.get(fs.id()) == s) {
                    streams.remove(fs.id());
                }
                pool.released(this);
                o.fail(new TransportException("open a stream to " + pool.address + ": " + w.cause().getMessage(),
                        w.cause(), false));
                return;
            }
            s.startIdleTimer();
            if (!o.result.complete(s)) {
                s.cancel(); // the caller gave up meanwhile: reset it, and the reservation goes with it
            }
        });
    }

    /**
     * Sends a unary call on a new stream: its HEADERS, and its body in one DATA frame with {@code END_STREAM}, flushed
     * with whatever else this loop turn writes ({@link FlushConsolidationHandler}); on the loop, once {@link #start}
     * found room.
     */
    void startCall(Http2Call k) {
        Http2FrameStream fs = newStream();
        ChannelFuture written = k.write(ctx, fs, tls == null ? HTTP : HTTPS, authority, headerWriter);
        if (fs.id() > 0) {
            calls.put(fs.id(), k);
        }
        if (written.isDone()) {
            k.written(written);
        } else {
            written.addListener(k);
        }
    }

    /** A call is over (answered, failed or timed out; {@code fs} null if it never started): it leaves; on the loop. */
    void ended(Http2Call k, Http2FrameStream fs) {
        if (fs != null && fs.id() > 0 && calls.get(fs.id()) == k) {
            calls.remove(fs.id());
        }
        pool.released(this);
    }

    /** Resets {@code fs} ({@code RST_STREAM(CANCEL)}): a call given up on; on the loop. */
    void reset(Http2FrameStream fs) {
        // an ordinary promise: the server may have closed the stream meanwhile, which must not close the connection
        ctx.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.CANCEL).stream(fs));
    }

    /** The event loop this connection runs on (once it is up). */
    EventExecutor loop() {
        return ctx.executor();
    }

    /** Whether the server's GOAWAY said that stream {@code id} was never processed. */
    boolean refusedByGoAway(int id) {
        return id > goAwayLastStreamId;
    }

    /** A stream is over: it leaves the connection; on the loop. */
    void ended(Http2ClientStream s) {
        int id = s.frameStream().id();
        if (streams.get(id) == s) {
            streams.remove(id);
            pool.released(this);
        }
    }

    // ---- frames ----

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof Http2DataFrame data) {
            try {
                Http2Call k = calls.get(data.stream().id());
                if (k != null) {
                    int flowControlled = data.initialFlowControlledBytes();
                    if (flowControlled > 0 && !data.isEndStream()) {
                        // a body in several frames: hand the window back as it arrives (the last frame closes the
                        // stream, and the codec gives its bytes back then)
                        ctx.write(new DefaultHttp2WindowUpdateFrame(flowControlled).stream(data.stream()),
                                ctx.voidPromise());
                    }
                    k.data(data.content(), data.isEndStream());
                    return;
                }
                Http2ClientStream s = streams.get(data.stream().id());
                if (s != null) {
                    s.data(data.content(), data.initialFlowControlledBytes(), data.isEndStream());
                } else if (data.initialFlowControlledBytes() > 0 && data.stream().state() != Http2Stream.State.CLOSED) {
                    // a stream we let go: keep the connection window open
                    ctx.write(new DefaultHttp2WindowUpdateFrame(data.initialFlowControlledBytes())
                            .stream(data.stream()), ctx.voidPromise());
                }
            } finally {
                data.release();
            }
        } else if (msg instanceof Http2HeadersFrame headers) {
            Http2Call k = calls.get(headers.stream().id());
            if (k != null) {
                k.headers(headers.headers(), headers.isEndStream());
                return;
            }
            Http2ClientStream s = streams.get(headers.stream().id());
            if (s != null) {
                s.headers(headers.headers(), headers.isEndStream());
            }
        } else if (msg instanceof Http2ResetFrame reset) {
            Http2Call k = calls.get(reset.stream().id());
            if (k != null) {
                k.reset(Http2Error.valueOf(reset.errorCode()));
                return;
            }
            Http2ClientStream s = streams.get(reset.stream().id());
            if (s != null) {
                s.reset(Http2Error.valueOf(reset.errorCode()));
            }
        } else if (msg instanceof Http2SettingsFrame settings) {
            Long max = settings.settings().maxConcurrentStreams();
            if (max != null) {
                maxStreams = (int) Math.min(Integer.MAX_VALUE, max);
            }
        } else if (msg instanceof Http2GoAwayFrame goAway) {
            try {
                // streams past its last id are closed by the codec (and broken below); the rest finish here
                goAwayLastStreamId = goAway.lastStreamId();
                pool.goingAway(this);
            } finally {
                goAway.release();
            }
        } else {
            ReferenceCountUtil.release(msg); // pings, window updates: the codec acted on them
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.flush(); // window updates handed back while reading
        ctx.fireChannelReadComplete();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof Http2FrameStreamEvent e) {
            if (e.type() == Http2FrameStreamEvent.Type.State && e.stream().state() == Http2Stream.State.CLOSED) {
                Http2Call k = calls.get(e.stream().id());
                if (k != null) {
                    k.closed(); // closed with no answer: a reset or GOAWAY the frames above did not report
                    return;
                }
            }
            Http2ClientStream s = streams.get(e.stream().id());
            if (s != null) {
                if (e.type() == Http2FrameStreamEvent.Type.Writability) {
                    s.writableChanged();
                } else if (e.stream().state() == Http2Stream.State.CLOSED) {
                    s.closed();
                }
            }
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (!streams.isEmpty()) {
            for (Http2ClientStream s : new ArrayList<>(streams.values())) {
                s.writableChanged();
            }
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        HttpTransport.loopError(cause); // an OutOfMemoryError ends the process (exit-on-out-of-memory)
        if (cause instanceof Http2FrameStreamException se) {
            // one bad stream: the codec resets it, the connection serves on
            Http2Call k = calls.get(se.stream().id());
            if (k != null) {
                k.lost("HTTP/2 stream " + se.stream().id() + " to " + pool.address + ": " + cause.getMessage(), cause);
                return;
            }
            Http2ClientStream s = streams.get(se.stream().id());
            if (s != null) {
                s.lost("HTTP/2 stream " + se.stream().id() + " to " + pool.address + ": " + cause.getMessage(),
                        cause);
            }
            return;
        }
        closeCause = cause;
        if (Http2CodecUtil.getEmbeddedHttp2Exception(cause) != null) {
            // a connection error: the frame codec sends GOAWAY with its code, then closes
            LOG.log(Level.DEBUG, () -> "HTTP/2 connection error with " + pool.address, cause);
            return;
        }
        if (!(cause instanceof IOException)) {
            LOG.log(Level.DEBUG, "closing HTTP/2 connection to " + pool.address, cause);
        }
        ctx.close();
    }

    /** The channel closed: every stream on it breaks; on the loop. */
    private void closed() {
        synchronized (this) {
            if (state == State.DIALING) {
                return; // the connect or handshake listener says why, and fails what waits
            }
        }
        failed(new TransportException("connection to " + pool.address + " closed", closeCause, false));
        pool.gone(this);
        if (!calls.isEmpty()) {
            Throwable why = closeCause;
            for (Http2Call k : new ArrayList<>(calls.values())) {
                k.lost("connection to " + pool.address + " closed before the response"
                        + (why == null ? "" : ": " + why.getMessage()), why);
            }
        }
        if (!streams.isEmpty()) {
            Throwable why = closeCause;
            for (Http2ClientStream s : new ArrayList<>(streams.values())) {
                s.lost("connection to " + pool.address + " closed before stream " + s.streamId() + " ended"
                        + (why == null ? "" : ": " + why.getMessage()), why);
            }
        }
    }

    /** Closes the channel now (streams on it break). */
    void close() {
        Channel ch = channel;
        if (ch != null) {
            ch.close();
        } else {
            failed(new TransportException("connection to " + pool.address + " closed", null, false));
        }
    }

    @Override
    public String toString() {
        Channel ch = channel;
        return "HTTP/2 client connection to " + pool.address + (ch == null ? "" : " (" + ch + ")");
    }
}
