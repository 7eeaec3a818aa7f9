package io.microcdi.transport.http;

import io.microcdi.metadata.Metadata;
import io.microcdi.transport.Message;
import io.microcdi.transport.MessageStream;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2GoAwayFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.DefaultHttp2WindowUpdateFrame;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2FrameStream;
import io.netty.handler.codec.http2.Http2FrameStreamEvent;
import io.netty.handler.codec.http2.Http2FrameStreamException;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.collection.IntObjectHashMap;
import io.netty.util.concurrent.EventExecutor;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.ArrayList;

/**
 * One accepted HTTP/2 connection (TLS with ALPN {@code h2}, or cleartext with prior knowledge): each stream is one
 * {@link ServerExchange}, answered on its stream as soon as its handler replies, in any order.
 *
 * <pre>{@code
 * ch.pipeline().addLast(Http2ServerConnection.codec(250), new Http2ServerConnection(listener, ch));
 * }</pre>
 *
 * <p>It sits right behind Netty's {@link Http2FrameCodec}, which owns the framing, HPACK and flow control; this class
 * keeps the connection (its settings and window, the exchanges in flight, draining and closing) and routes each
 * stream's frames: to an {@link Http2ServerRequest} while an ordinary request's body arrives, to an
 * {@link Http2ServerStream} for a stream. An answer goes as {@code HEADERS} ({@code :status}, the headers
 * lower-cased, {@code content-length}) and one {@code DATA} frame. Everything runs on the channel's event loop (a
 * handler's reply is handed to it). At most {@code micro.transport.http.max-concurrent-streams} (250, as Go's HTTP/2
 * server) calls run at once per connection: a client that respects the setting waits for a free stream, and the
 * codec refuses a stream past it ({@code RST_STREAM(REFUSED_STREAM)}, safe to retry). While the channel is not
 * writable (answers the client does not read), nothing more is read, so no new call starts.
 *
 * <p><b>Streams.</b> A request whose {@code HEADERS} carry {@code micro-stream} (or {@code x-micro-stream}) is handed
 * to the handler at once, with an empty body, and its HTTP/2 stream gets an {@link Http2ServerStream}, which carries
 * the {@link MessageStream} both ways if the handler takes it over ({@link io.microcdi.transport.StreamingExchange#stream()}); this class routes its frames there. A stream
 * counts as an exchange in flight until it is over, so it keeps the connection open through
 * {@code micro.transport.http.idle-timeout} and a graceful stop.
 */
final class Http2ServerConnection extends ChannelInboundHandlerAdapter implements ServerExchange.Owner {

    private static final System.Logger LOG = System.getLogger(Http2ServerConnection.class.getName());

    /** {@code SETTINGS_MAX_CONCURRENT_STREAMS}: Go's HTTP/2 server allows 250. */
    static final int MAX_CONCURRENT_STREAMS = Http2Wire.MAX_CONCURRENT_STREAMS;

    private static final AsciiString CONTENT_LENGTH = AsciiString.cached("content-length");
    private static final AsciiString OK = HttpResponseStatus.OK.codeAsText();
    private static final AsciiString EXPECT = AsciiString.cached("expect");
    private static final AsciiString CONTINUE = AsciiString.cached("100-continue");
    private static final AsciiString CONTINUE_STATUS = HttpResponseStatus.CONTINUE.codeAsText();
    private static final AsciiString MICRO_STREAM = AsciiString.cached("micro-stream");
    private static final AsciiString X_MICRO_STREAM = AsciiString.cached("x-micro-stream");
    private static final AsciiString CONTENT_TYPE = AsciiString.cached("content-type");

    private final HttpListener listener;
    private final String remote;
    private final String local;
    /** Streams whose request is still arriving, by stream id. */
    private final IntObjectHashMap<Http2ServerRequest> reading = new IntObjectHashMap<>(8);
    /** Streams opened with {@code micro-stream}, from their HEADERS until they are over, by stream id. */
    private final IntObjectHashMap<Http2ServerStream> streams = new IntObjectHashMap<>(4);
    private final Http2Wire.HeaderWriter writer = new Http2Wire.HeaderWriter();
    private ChannelHandlerContext ctx;
    private Http2FrameCodec codec;
    /** Exchanges handed to the handler and not answered yet. */
    private int inFlight;
    /** {@code GOAWAY} sent: the streams already opened are served, then the connection closes. */
    private boolean draining;

    Http2ServerConnection(HttpListener listener, Channel channel) {
        this.listener = listener;
        this.remote = HttpWire.format(channel.remoteAddress());
        this.local = HttpWire.format(channel.localAddress());
    }

    /** The frame codec of a server connection: our stream limit, and room for long metadata headers. */
    static Http2FrameCodec codec(int maxConcurrentStreams) {
        Http2Settings settings = Http2Settings.defaultSettings()
                .maxConcurrentStreams(maxConcurrentStreams)
                .maxHeaderListSize(HttpWire.MAX_HEAD_BYTES);
        return Http2FrameCodecBuilder.forServer()
                .initialSettings(settings)
                .headerSensitivityDetector(Http2Wire.PER_CALL)
                // close() closes; a graceful stop is ours to run (GOAWAY, answers, then close)
                .decoupleCloseAndGoAway(true)
                .build();
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
        this.codec = ctx.pipeline().get(Http2FrameCodec.class);
        // a WINDOW_UPDATE without a stream grows the connection window (the codec's own convention)
        // room for every stream's window (see Http2Wire.CONNECTION_WINDOW_BONUS), for the streams this listener allows
        long bonus = Math.min((long) listener.maxConcurrentStreams() * Http2CodecUtil.DEFAULT_WINDOW_SIZE,
                Http2CodecUtil.MAX_INITIAL_WINDOW_SIZE - Http2CodecUtil.DEFAULT_WINDOW_SIZE);
        ctx.writeAndFlush(new DefaultHttp2WindowUpdateFrame((int) bonus), ctx.voidPromise());
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof Http2DataFrame data) {
            try {
                onData(data);
            } finally {
                data.release();
            }
        } else if (msg instanceof Http2HeadersFrame headers) {
            onHeaders(headers);
        } else if (msg instanceof Http2ResetFrame reset) {
            Http2ServerStream st = streams.get(reset.stream().id());
            if (st != null) {
                st.reset(reset.errorCode());
            }
            forget(reset.stream().id()); // the caller gave up: its answer, if any, is dropped
        } else {
            ReferenceCountUtil.release(msg); // settings, pings, window updates, GOAWAY: the codec acted on them
        }
    }

    private void onHeaders(Http2HeadersFrame frame) {
        Http2FrameStream stream = frame.stream();
        Http2ServerStream st = streams.get(stream.id());
        if (st != null) {
            if (frame.isEndStream()) {
                st.endStream(); // trailers
            }
            return;
        }
        Http2ServerRequest r = reading.get(stream.id());
        if (r != null) {
            // trailers carry nothing for mucp; they may end the request
            if (frame.isEndStream()) {
                r.finish();
            }
            return;
        }
        Http2Headers h = frame.headers();
        long length = h.getLong(CONTENT_LENGTH, -1L);
        boolean streamOpen = h.contains(MICRO_STREAM) || h.contains(X_MICRO_STREAM);
        // a stream's messages are limited one by one, not by their sum
        if (length > listener.maxBodySize() && !streamOpen) {
            reject(stream, !frame.isEndStream(), 413, Http2ServerRequest.tooLarge(length,
                    listener.maxBodySize()));
            return;
        }
        HttpMethod method = Http2Wire.method(h.method());
        if (method == null) {
            reject(stream, !frame.isEndStream(), 400, "malformed HTTP/2 request: invalid :method");
            return;
        }
        Metadata head = Http2Wire.metadata(h);
        CharSequence p = h.path();
        String path = p == null ? "/" : p.toString();
        if (streamOpen) {
            // a stream's open: the handler decides now; its DATA is the stream's messages
            Http2Exchange exchange = new Http2Exchange(this, new Message(head, HttpWire.empty()), method, path,
                    stream);
            CharSequence type = h.get(CONTENT_TYPE);
            exchange.streamed = new Http2ServerStream(this, ctx, codec, stream,
                    HttpStream.streamIdOrNew(exchange.request()),
                    type == null ? "application/octet-stream" : type.toString(), listener);
            streams.put(stream.id(), exchange.streamed);
            if (frame.isEndStream()) {
                exchange.streamed.endStream();
            }
            dispatch(exchange);
            return;
        }
        if (frame.isEndStream()) {
            dispatch(new Http2Exchange(this, new Message(head, HttpWire.empty()), method, path, stream));
            return;
        }
        if (h.contains(EXPECT, CONTINUE, true)) {
            // the client waits for this before it sends the body (curl would wait a second)
            ctx.writeAndFlush(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status(CONTINUE_STATUS), false)
                    .stream(stream));
        }
        reading.put(stream.id(), new Http2ServerRequest(this, ctx, stream, head, method, path, length,
                listener.maxBodySize(), listener.pending()));
    }

    private void onData(Http2DataFrame frame) {
        int flowControlled = frame.initialFlowControlledBytes();
        Http2ServerStream st = streams.get(frame.stream().id());
        if (st != null) {
            st.data(frame.content(), flowControlled, frame.isEndStream());
            return;
        }
        if (flowControlled > 0) {
            // hand the window back as we read: the codec sends WINDOW_UPDATE once half of it is used
            ctx.write(new DefaultHttp2WindowUpdateFrame(flowControlled).stream(frame.stream()), ctx.voidPromise());
        }
        Http2ServerRequest r = reading.get(frame.stream().id());
        if (r != null) { // else reset
            r.data(frame.content(), frame.isEndStream());
        }
    }

    /** {@code r} was read whole (or refused): it leaves the streams whose request is still arriving. */
    void read(Http2ServerRequest r) {
        reading.remove(r.stream.id());
    }

    /** Hands {@code exchange} to the handler; it is in flight until answered. */
    void dispatch(Http2Exchange exchange) {
        inFlight++;
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

    /** Writes the answer of {@code exchange} on its stream (on the event loop). */
    @Override
    public void write(ServerExchange exchange) {
        Http2Exchange se = (Http2Exchange) exchange;
        if (se.streamed != null) {
            // answered as an ordinary call: whatever the client streams now is read and dropped
            se.streamed.dropped();
        } else {
            inFlight--;
        }
        Http2FrameStream stream = se.stream;
        if (stream.state() != Http2Stream.State.CLOSED && ctx.channel().isActive()) {
            writeAnswer(stream, exchange.status(), exchange.response());
            ctx.flush();
        }
        closeIfDone();
    }

    @Override
    public boolean canStream(ServerExchange exchange) {
        return exchange instanceof Http2Exchange se && se.streamed != null;
    }

    @Override
    public MessageStream stream(ServerExchange exchange) {
        Http2ServerStream st = ((Http2Exchange) exchange).streamed;
        st.attachOnLoop();
        return st;
    }

    /** Writes an ordinary answer on {@code stream}: HEADERS, and the body in one DATA frame; not flushed. */
    void writeAnswer(Http2FrameStream stream, int status, Message response) {
        byte[] body = response.body();
        Metadata header = response.header();
        Http2Headers h = new DefaultHttp2Headers(false, header.size() + 2);
        h.status(status == 200 ? OK : HttpResponseStatus.valueOf(status).codeAsText());
        writer.target = h;
        try {
            header.forEach(writer);
        } finally {
            writer.target = null;
        }
        h.setInt(CONTENT_LENGTH, body.length);
        // ordinary promises: a stream the peer has just reset fails its write, which must not close the connection
        ctx.write(new DefaultHttp2HeadersFrame(h, body.length == 0).stream(stream));
        if (body.length > 0) {
            ctx.write(new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(body), true).stream(stream));
        }
    }

    /** A request refused from its headers: answered now, or once the client has sent its body. */
    private void reject(Http2FrameStream stream, boolean stillSending, int code, String detail) {
        Http2ServerRequest r = Http2ServerRequest.refused(this, ctx, stream, listener.maxBodySize(),
                listener.pending(), code, detail);
        if (stillSending) {
            reading.put(stream.id(), r);
        } else {
            r.discard(0, true);
        }
    }

    private void forget(int streamId) {
        Http2ServerRequest r = reading.remove(streamId);
        if (r != null) {
            r.release();
        }
        closeIfDone();
    }

    /** {@code st} leaves: its entry goes, and the exchange it held in flight when {@code counted}; on the loop. */
    void forget(Http2ServerStream st, boolean counted) {
        int id = st.frameStream().id();
        if (streams.get(id) == st) {
            streams.remove(id);
        }
        if (counted) {
            inFlight--;
        }
    }

    /** The HTTP/2 streams open and the exchanges in flight (tests); on the loop. */
    int[] load() {
        return new int[] {codec.connection().numActiveStreams(), inFlight};
    }

    private boolean idle() {
        return inFlight == 0 && reading.isEmpty() && streams.isEmpty();
    }

    /** A draining connection closes once nothing is left on it. */
    void closeIfDone() {
        if (draining && idle() && ctx.channel().isActive()) {
            // after whatever was written before: the last answers must leave before the socket closes
            ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** {@code GOAWAY} naming the last stream opened: the client sends nothing new here, the open streams finish. */
    private void goAway() {
        if (!draining) {
            draining = true;
            ctx.writeAndFlush(new DefaultHttp2GoAwayFrame(Http2Error.NO_ERROR));
        }
        closeIfDone();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof Http2FrameStreamEvent e) {
            Http2ServerStream st = streams.get(e.stream().id());
            if (st != null) {
                if (e.type() == Http2FrameStreamEvent.Type.Writability) {
                    st.writableChanged();
                } else if (e.stream().state() == Http2Stream.State.CLOSED) {
                    st.gone(); // a release waiting on the stream ends here; else the frames told us already
                }
            }
            return;
        }
        if (evt instanceof IdleStateEvent) {
            // nothing arrived for micro.transport.http.idle-timeout: requests still half sent are given up, as over HTTP/1.1
            resetReading(Http2Error.CANCEL);
            if (inFlight == 0) {
                goAway();
                return;
            }
        } else if (evt == ServerConnection.DRAIN) {
            goAway();
            return;
        } else if (evt instanceof ChannelInputShutdownEvent) {
            // the client shut its side down: what it asked is answered, then the connection closes
            resetReading(Http2Error.CANCEL);
            goAway();
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        // answers the client does not read: read no more (so no new call starts) until it has
        ctx.channel().config().setAutoRead(ctx.channel().isWritable());
        if (!streams.isEmpty()) {
            for (Http2ServerStream st : new ArrayList<>(streams.values())) {
                st.writableChanged();
            }
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (!streams.isEmpty()) {
            for (Http2ServerStream st : new ArrayList<>(streams.values())) {
                st.lost();
            }
            streams.clear();
        }
        for (Http2ServerRequest r : reading.values()) {
            r.release();
        }
        reading.clear();
        ctx.fireChannelInactive();
    }

    /** Resets every stream whose request is still arriving. */
    private void resetReading(Http2Error error) {
        if (reading.isEmpty()) {
            return;
        }
        for (Http2ServerRequest r : reading.values()) {
            r.release();
            ctx.write(new DefaultHttp2ResetFrame(error).stream(r.stream));
        }
        reading.clear();
        ctx.flush();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        listener.transport().onLoopError(cause);
        if (cause instanceof Http2FrameStreamException se) {
            // one bad stream (a content-length mismatch, bad headers): reset it, the connection serves on
            Http2FrameStream stream = se.stream();
            LOG.log(Level.DEBUG, () -> "resetting HTTP/2 stream " + stream.id() + " from " + remote, cause);
            Http2ServerRequest r = reading.remove(stream.id());
            if (r != null) {
                r.release();
            }
            Http2ServerStream st = streams.get(stream.id());
            if (st != null) {
                st.streamError(se.error(), cause);
                return;
            }
            if (stream.state() != Http2Stream.State.CLOSED && ctx.channel().isActive()) {
                ctx.writeAndFlush(new DefaultHttp2ResetFrame(se.error()).stream(stream));
            }
            closeIfDone();
            return;
        }
        if (Http2CodecUtil.getEmbeddedHttp2Exception(cause) != null) {
            // a connection error: the frame codec sends GOAWAY with its code, then closes
            LOG.log(Level.DEBUG, () -> "HTTP/2 connection error from " + remote, cause);
            return;
        }
        if (!(cause instanceof IOException)) {
            LOG.log(Level.DEBUG, "closing HTTP/2 connection from " + remote, cause);
        }
        ctx.close();
    }
}
