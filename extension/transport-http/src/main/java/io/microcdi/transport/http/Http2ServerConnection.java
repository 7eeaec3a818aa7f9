package io.microcdi.transport.http;

import io.microcdi.metadata.Metadata;
import io.microcdi.transport.Message;
import io.microcdi.transport.MessageStream;
import io.microcdi.transport.TransportException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
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
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One accepted HTTP/2 connection (TLS with ALPN {@code h2}, or cleartext with prior knowledge): each stream is one
 * {@link ServerExchange}, answered on its stream as soon as its handler replies, in any order.
 *
 * <pre>{@code
 * ch.pipeline().addLast(Http2ServerConnection.codec(), new Http2ServerConnection(listener, ch));
 * }</pre>
 *
 * <p>It sits right behind Netty's {@link Http2FrameCodec}, which owns the framing, HPACK and flow control; this class
 * turns a stream's {@code HEADERS} and {@code DATA} into one {@link Message} and its answer into {@code HEADERS}
 * ({@code :status}, the headers lower-cased, {@code content-length}) and one {@code DATA} frame. Everything but
 * {@link #send} runs on the channel's event loop. At most {@value #MAX_CONCURRENT_STREAMS} calls run at once per
 * connection (the client waits for a free stream), as Go's HTTP/2 server.
 *
 * <p><b>Streams.</b> A request whose {@code HEADERS} carry {@code micro-stream} (or {@code x-micro-stream}) is handed
 * to the handler at once, with an empty body: if the handler takes it over with
 * {@link io.microcdi.transport.StreamingExchange#stream()}, that HTTP/2 stream carries a {@link MessageStream} both ways (an
 * ordinary {@code reply} answers it as any other request). Its {@code DATA} is a sequence of messages, framed as
 * {@link Http2Wire} says ({@code u32 header-block length | header block | u32 body length | body}). The server
 * sends its response {@code HEADERS} ({@code :status 200}, {@code content-type} of the open) before its first
 * message, and {@code END_STREAM} with its end-of-stream ({@code Micro-Error: EOS}) or error message. The client's
 * {@code END_STREAM} without an end-of-stream message counts as one. Cancelling is {@code RST_STREAM(CANCEL)}
 * either way; a reset from the client breaks the stream. A release is graceful: once our {@code END_STREAM} is on the
 * socket, a client still sending gets {@code RST_STREAM(NO_ERROR)}; one silent for the release cap gets
 * {@code RST_STREAM(CANCEL)}; the stream counts against the connection until it is closed. Backpressure is HTTP/2 flow control: the stream's receive
 * window is handed back ({@code WINDOW_UPDATE}) only while its reader keeps up, and its sender is asked for more
 * only while the client's window for it is open. A stream keeps the connection open through
 * {@code micro.server.idle-timeout} and a graceful stop; {@code micro.transport.stream-idle-timeout} applies.
 */
final class Http2ServerConnection extends ChannelInboundHandlerAdapter implements ServerExchange.Owner {

    private static final System.Logger LOG = System.getLogger(Http2ServerConnection.class.getName());

    /** {@code SETTINGS_MAX_CONCURRENT_STREAMS}: Go's HTTP/2 server allows 250. */
    static final int MAX_CONCURRENT_STREAMS = Http2Wire.MAX_CONCURRENT_STREAMS;

    /** The most a body buffer starts with, whatever its {@code content-length} says; it grows as DATA arrives. */
    private static final int BODY_START = 64 * 1024;

    /** The least {@link #discardBudget()}: 1 MiB. */
    private static final long DISCARD_MIN = 1024 * 1024;

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
    private final IntObjectHashMap<Request> reading = new IntObjectHashMap<>(8);
    /** Streams opened with {@code micro-stream}, from their HEADERS until they are over, by stream id. */
    private final IntObjectHashMap<H2Stream> streams = new IntObjectHashMap<>(4);
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
    static Http2FrameCodec codec() {
        Http2Settings settings = Http2Settings.defaultSettings()
                .maxConcurrentStreams(MAX_CONCURRENT_STREAMS)
                .maxHeaderListSize(HttpWire.MAX_HEAD_BYTES);
        return Http2FrameCodecBuilder.forServer()
                .initialSettings(settings)
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
        ctx.writeAndFlush(new DefaultHttp2WindowUpdateFrame(Http2Wire.CONNECTION_WINDOW_BONUS), ctx.voidPromise());
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
            H2Stream st = streams.get(reset.stream().id());
            if (st != null) {
                st.fail(new TransportException("HTTP/2 stream " + reset.stream().id() + " from " + remote
                        + " reset by the client (" + reset.errorCode() + ")", null, true));
                st.gone(); // a release waiting on the client ends here
            }
            forget(reset.stream().id()); // the caller gave up: its answer, if any, is dropped
        } else {
            ReferenceCountUtil.release(msg); // settings, pings, window updates, GOAWAY: the codec acted on them
        }
    }

    private void onHeaders(Http2HeadersFrame frame) {
        Http2FrameStream stream = frame.stream();
        H2Stream st = streams.get(stream.id());
        if (st != null) {
            if (frame.isEndStream()) {
                st.peerEnded = true;
                st.ended(); // trailers
            }
            return;
        }
        Request r = reading.get(stream.id());
        if (r != null) {
            // trailers carry nothing for mucp; they may end the request
            if (frame.isEndStream()) {
                finish(r);
            }
            return;
        }
        Http2Headers h = frame.headers();
        long length = h.getLong(CONTENT_LENGTH, -1L);
        boolean streamOpen = h.contains(MICRO_STREAM) || h.contains(X_MICRO_STREAM);
        // a stream's messages are limited one by one, not by their sum
        if (length > listener.maxBodySize() && !streamOpen) {
            reject(stream, !frame.isEndStream(), 413, tooLarge(length));
            return;
        }
        HttpMethod method = method(h.method());
        if (method == null) {
            reject(stream, !frame.isEndStream(), 400, "malformed HTTP/2 request: invalid :method");
            return;
        }
        Metadata head = Http2Wire.metadata(h);
        CharSequence p = h.path();
        String path = p == null ? "/" : p.toString();
        if (streamOpen) {
            // a stream's open: the handler decides now; its DATA is the stream's messages
            StreamExchange exchange = new StreamExchange(this, new Message(head, HttpWire.empty()), method, path,
                    stream);
            CharSequence type = h.get(CONTENT_TYPE);
            exchange.streamed = new H2Stream(exchange, type == null ? "application/octet-stream" : type.toString());
            streams.put(stream.id(), exchange.streamed);
            if (frame.isEndStream()) {
                exchange.streamed.peerEnded = true;
                exchange.streamed.ended();
            }
            dispatch(exchange);
            return;
        }
        if (frame.isEndStream()) {
            dispatch(new StreamExchange(this, new Message(head, HttpWire.empty()), method, path, stream));
            return;
        }
        if (h.contains(EXPECT, CONTINUE, true)) {
            // the client waits for this before it sends the body (curl would wait a second)
            ctx.writeAndFlush(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status(CONTINUE_STATUS), false)
                    .stream(stream));
        }
        r = new Request(stream, head, method, path);
        if (length >= 0) {
            // sized as the body arrives: a peer announcing big bodies on many streams it never sends gets little
            r.expected = length;
            r.body = length == 0 ? HttpWire.empty() : new byte[(int) Math.min(length, BODY_START)];
        }
        reading.put(stream.id(), r);
    }

    private void onData(Http2DataFrame frame) {
        int flowControlled = frame.initialFlowControlledBytes();
        H2Stream st = streams.get(frame.stream().id());
        if (st != null) {
            st.data(frame.content(), flowControlled, frame.isEndStream());
            return;
        }
        if (flowControlled > 0) {
            // hand the window back as we read: the codec sends WINDOW_UPDATE once half of it is used
            ctx.write(new DefaultHttp2WindowUpdateFrame(flowControlled).stream(frame.stream()), ctx.voidPromise());
        }
        Request r = reading.get(frame.stream().id());
        if (r == null) {
            return; // reset
        }
        ByteBuf data = frame.content();
        int n = data.readableBytes();
        if (r.discardBudget >= 0) {
            discard(r, n, frame.isEndStream());
            return;
        }
        if (n > 0) {
            if (r.body != null) {
                if (n > r.expected - r.filled) {
                    reject(r, 400, "malformed HTTP/2 request: body longer than its content-length");
                    discard(r, 0, frame.isEndStream());
                    return;
                }
                if (n > r.body.length - r.filled) {
                    // at least double, never past the announced length (itself within micro.server.max-body-size)
                    long size = Math.min(r.expected, Math.max(2L * r.body.length, (long) r.filled + n));
                    r.body = Arrays.copyOf(r.body, (int) size);
                }
                data.readBytes(r.body, r.filled, n);
                r.filled += n;
            } else {
                r.partsSize += n;
                if (r.partsSize > listener.maxBodySize()) {
                    reject(r, 413, tooLarge(r.partsSize));
                    discard(r, 0, frame.isEndStream());
                    return;
                }
                if (r.parts == null) {
                    r.parts = new ArrayList<>(4);
                }
                r.parts.add(data.retain());
            }
        }
        if (frame.isEndStream()) {
            finish(r);
        }
    }

    private void finish(Request r) {
        if (r.discardBudget >= 0) {
            discard(r, 0, true);
            return;
        }
        reading.remove(r.stream.id());
        byte[] body;
        if (r.body != null) {
            if (r.filled != r.expected) {
                reject(r, 400, "malformed HTTP/2 request: body shorter than its content-length");
                discard(r, 0, true);
                return;
            }
            body = r.body;
        } else {
            body = HttpWire.gather(r.parts == null ? List.of() : r.parts, (int) r.partsSize);
            HttpWire.release(r.parts);
            r.parts = null;
        }
        dispatch(new StreamExchange(this, new Message(r.head, body), r.method, r.path, r.stream));
    }

    private void dispatch(StreamExchange exchange) {
        inFlight++;
        exchange.dispatch(listener);
    }

    @Override
    public EventExecutor loop() {
        return ctx.executor();
    }

    /** Writes the answer of {@code exchange} on its stream (on the event loop). */
    @Override
    public void write(ServerExchange exchange) {
        StreamExchange se = (StreamExchange) exchange;
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
        return exchange instanceof StreamExchange se && se.streamed != null;
    }

    @Override
    public MessageStream stream(ServerExchange exchange) {
        H2Stream st = ((StreamExchange) exchange).streamed;
        st.attachOnLoop();
        return st;
    }

    private void writeAnswer(Http2FrameStream stream, int status, Message response) {
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

    /**
     * The request on {@code r} cannot be read: its body is dropped as it arrives, and the structured error answers
     * once the client has sent it all (up to {@link #discardBudget()} bytes; past that the answer goes out at once
     * and the upload is cut).
     */
    private void reject(Request r, int code, String detail) {
        HttpWire.release(r.parts);
        r.parts = null;
        r.body = null;
        r.refusal = HttpWire.errorMessage(HttpWire.serverError(code, detail));
        r.discardBudget = discardBudget();
    }

    /** A request refused from its headers. */
    private void reject(Http2FrameStream stream, boolean stillSending, int code, String detail) {
        Request r = new Request(stream, Metadata.empty(), HttpMethod.POST, "/");
        reject(r, code, detail);
        if (stillSending) {
            reading.put(stream.id(), r);
        } else {
            discard(r, 0, true);
        }
    }

    /**
     * How much of a refused body is read and dropped. Answering before the upload ends, and then cutting it with
     * {@code RST_STREAM(NO_ERROR)} as RFC 9113 section 8.1 allows, is what a misbehaving upload gets; for an ordinary
     * one it trips real clients (curl 7.88 stalls on an early answer, the JDK 17 client fails on that reset).
     */
    private long discardBudget() {
        return Math.max(listener.maxBodySize(), DISCARD_MIN);
    }

    private void discard(Request r, int n, boolean last) {
        r.discardBudget -= n;
        if (last) {
            reading.remove(r.stream.id());
            writeAnswer(r.stream, 200, r.refusal);
            ctx.flush();
            closeIfDone();
        } else if (r.discardBudget < 0) {
            reading.remove(r.stream.id());
            writeAnswer(r.stream, 200, r.refusal);
            ctx.write(new DefaultHttp2ResetFrame(Http2Error.NO_ERROR).stream(r.stream));
            ctx.flush();
            closeIfDone();
        }
    }

    private void forget(int streamId) {
        Request r = reading.remove(streamId);
        if (r != null) {
            HttpWire.release(r.parts);
            r.parts = null;
        }
        closeIfDone();
    }

    private String tooLarge(long size) {
        return "request body of " + size + " bytes exceeds micro.server.max-body-size (" + listener.maxBodySize()
                + " bytes)";
    }

    private boolean idle() {
        return inFlight == 0 && reading.isEmpty() && streams.isEmpty();
    }

    private void closeIfDone() {
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
            H2Stream st = streams.get(e.stream().id());
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
            // nothing arrived for micro.server.idle-timeout: requests still half sent are given up, as over HTTP/1.1
            resetReading(Http2Error.CANCEL);
            if (inFlight == 0) {
                goAway();
                return;
            }
        } else if (evt == ServerConnection.DRAIN) {
            goAway();
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (!streams.isEmpty()) {
            for (H2Stream st : new ArrayList<>(streams.values())) {
                st.writableChanged();
            }
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (!streams.isEmpty()) {
            for (H2Stream st : new ArrayList<>(streams.values())) {
                st.fail(new TransportException("connection from " + remote + " closed before stream "
                        + st.streamId() + " ended", null, true));
                st.gone();
            }
            streams.clear();
        }
        for (Request r : reading.values()) {
            HttpWire.release(r.parts);
            r.parts = null;
        }
        reading.clear();
        ctx.fireChannelInactive();
    }

    /** Resets every stream whose request is still arriving. */
    private void resetReading(Http2Error error) {
        if (reading.isEmpty()) {
            return;
        }
        for (Request r : reading.values()) {
            HttpWire.release(r.parts);
            r.parts = null;
            ctx.write(new DefaultHttp2ResetFrame(error).stream(r.stream));
        }
        reading.clear();
        ctx.flush();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof Http2FrameStreamException se) {
            // one bad stream (a content-length mismatch, bad headers): reset it, the connection serves on
            Http2FrameStream stream = se.stream();
            LOG.log(Level.DEBUG, () -> "resetting HTTP/2 stream " + stream.id() + " from " + remote, cause);
            Request r = reading.remove(stream.id());
            if (r != null) {
                HttpWire.release(r.parts);
                r.parts = null;
            }
            H2Stream st = streams.get(stream.id());
            if (st != null) {
                st.fail(new TransportException("HTTP/2 stream " + stream.id() + " from " + remote + ": "
                        + cause.getMessage(), cause, true));
                if (st.releasing()) {
                    // a release waiting on it: the stream is reset (and then closed) here
                    if (stream.state() != Http2Stream.State.CLOSED && ctx.channel().isActive()) {
                        ctx.writeAndFlush(new DefaultHttp2ResetFrame(se.error()).stream(stream));
                    }
                    st.gone();
                }
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

    /** The request's {@code :method}, {@code POST} when absent, {@code null} when it is no HTTP method token. */
    private static HttpMethod method(CharSequence m) {
        if (m == null) {
            return HttpMethod.POST;
        }
        String name = m.toString();
        if (!HttpWire.HeaderWriter.token(name)) {
            return null;
        }
        try {
            return HttpMethod.valueOf(name);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * One HTTP/2 stream carrying a {@link MessageStream}: its DATA parsed into messages (see the class comment), its
     * receive window handed back only while its reader keeps up; the wire and the graceful release are
     * {@link Http2StreamSide}'s. Loop only, but for the {@link MessageStream} API.
     */
    final class H2Stream extends Http2StreamSide {

        private final String contentType;
        /** It holds one of the connection's {@link #inFlight} until it is over or answered with a reply. */
        private boolean counted = true;
        private boolean attached;
        private boolean headersSent;

        H2Stream(StreamExchange exchange, String contentType) {
            super(HttpStream.streamIdOrNew(exchange.request()), HttpWire.SERVER_ID, Http2ServerConnection.this.ctx,
                    Http2ServerConnection.this.codec, exchange.stream, new HttpWire.HeaderWriter(),
                    listener.maxBodySize(), listener.streamIdleTimeout(), Http2Error.NO_ERROR);
            this.contentType = contentType;
        }

        @Override
        public String remoteAddress() {
            return remote;
        }

        void attachOnLoop() {
            onLoop(() -> {
                if (finished || over()) {
                    return;
                }
                attached = true;
                startIdleTimer();
                if (!paused) {
                    giveBack();
                    ctx.flush();
                }
            });
        }

        @Override
        boolean attached() {
            return attached;
        }

        @Override
        void malformed(String detail) {
            fail(new TransportException("HTTP/2 stream " + stream.id() + " from " + remote + ": malformed message: "
                    + detail, null, true));
        }

        /** The client sent END_STREAM: without an end-of-stream message before, it counts as one. */
        @Override
        void ended() {
            if (inEnded || finished) {
                return;
            }
            inEnded = true;
            if (decoder.inMessage()) {
                malformed("the stream ended inside a message");
                return;
            }
            deliver(new Message(Metadata.of(STREAM_HEADER, streamId(), "Micro-Error", END_OF_STREAM), null));
        }

        /** The request was answered with a reply instead: the stream never starts. */
        void dropped() {
            finished = true;
            forgetStream();
            giveBack();
        }

        /** Our response HEADERS go before our first message. */
        @Override
        boolean beforeMessage() {
            if (stream.state() == Http2Stream.State.CLOSED) {
                return false;
            }
            if (!headersSent) {
                headersSent = true;
                Http2Headers h = new DefaultHttp2Headers(false, 2).status(OK);
                h.set(CONTENT_TYPE, contentType);
                ctx.write(new DefaultHttp2HeadersFrame(h, false).stream(stream));
            }
            return true;
        }

        @Override
        void releaseCapped() {
            LOG.log(Level.DEBUG, () -> this + ": the client took no part in its release for "
                    + TimeUnit.NANOSECONDS.toMillis(releaseCapNanos()) + " ms, resetting it");
        }

        /** It leaves the connection and its count; a draining connection may close now. */
        @Override
        void leave() {
            forgetStream();
            closeIfDone();
        }

        private void forgetStream() {
            if (streams.get(stream.id()) == this) {
                streams.remove(stream.id());
            }
            decoder.release();
            if (counted) {
                counted = false;
                inFlight--;
            }
        }

        /** The HTTP/2 streams open on its connection and the exchanges in flight there (tests); on the loop. */
        int[] connectionLoad() {
            return new int[] {codec.connection().numActiveStreams(), inFlight};
        }

        @Override
        public String toString() {
            return "HTTP/2 stream " + stream.id() + " (" + streamId() + ") from " + remote;
        }
    }

    /** A request whose body is still arriving. */
    private static final class Request {

        final Http2FrameStream stream;
        final Metadata head;
        final HttpMethod method;
        final String path;
        /** {@code >= 0}: refused; what may still be read and dropped before {@link #refusal} goes out anyway. */
        long discardBudget = -1;
        /** The error that answers a refused request. */
        Message refusal;
        /** The body when {@code content-length} announced it, else {@code null} and the slices in {@link #parts}. */
        byte[] body;
        /** The announced {@code content-length} when {@link #body} is used. */
        long expected;
        int filled;
        List<ByteBuf> parts;
        long partsSize;

        Request(Http2FrameStream stream, Metadata head, HttpMethod method, String path) {
            this.stream = stream;
            this.head = head;
            this.method = method;
            this.path = path;
        }
    }

    /** An exchange on one stream. */
    static final class StreamExchange extends ServerExchange {

        final Http2FrameStream stream;
        /** The stream this request may become: set when its HEADERS carry {@code micro-stream}; loop only. */
        H2Stream streamed;

        StreamExchange(ServerExchange.Owner connection, Message request, HttpMethod method, String path,
                       Http2FrameStream stream) {
            super(connection, request, method, path, true, null);
            this.stream = stream;
        }
    }
}
