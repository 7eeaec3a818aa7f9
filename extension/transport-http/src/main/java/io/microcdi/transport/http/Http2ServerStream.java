package io.microcdi.transport.http;

import io.microcdi.metadata.Metadata;
import io.microcdi.transport.Message;
import io.microcdi.transport.TransportException;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameStream;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.util.AsciiString;

import java.lang.System.Logger.Level;
import java.util.concurrent.TimeUnit;

/**
 * The server side of a stream on one HTTP/2 stream of an {@link Http2ServerConnection}: what an
 * {@link Http2ClientStream} opens. The client's {@code HEADERS} carry {@code micro-stream} (or
 * {@code x-micro-stream}); the handler gets the request at once, with an empty body, and takes this stream with
 * {@link io.microcdi.transport.Exchange#stream()} (an ordinary {@code reply} answers it as any other request, and the
 * stream never starts).
 *
 * <pre>{@code
 * MessageStream s = exchange.stream();   // on a request whose HEADERS carried micro-stream
 * }</pre>
 *
 * <p>Its {@code DATA} is a sequence of messages both ways, framed as {@link Http2Wire} says
 * ({@code u32 header-block length | header block | u32 body length | body}). We send our response {@code HEADERS}
 * ({@code :status 200}, {@code content-type} of the open) before our first message, and {@code END_STREAM} with our
 * end-of-stream ({@code Micro-Error: EOS}) or error message. The client's {@code END_STREAM} without an end-of-stream
 * message counts as one. Cancelling is {@code RST_STREAM(CANCEL)} either way; a reset from the client breaks the
 * stream. A release is graceful: once our {@code END_STREAM} is on the socket, a client still sending gets
 * {@code RST_STREAM(NO_ERROR)}; one silent for the release cap gets {@code RST_STREAM(CANCEL)}; the stream counts
 * against the connection until it is closed. Backpressure is HTTP/2 flow control: the stream's receive window is
 * handed back ({@code WINDOW_UPDATE}) only once the handler took the stream and while its reader keeps up, and our
 * sender is asked for more only while the client's window for it is open ({@link Http2StreamSide}, which the
 * client's side shares). Everything but the {@link io.microcdi.transport.MessageStream} API runs on the connection's
 * event loop.
 */
final class Http2ServerStream extends Http2StreamSide {

    private static final System.Logger LOG = System.getLogger(Http2ServerStream.class.getName());

    private static final AsciiString OK = HttpResponseStatus.OK.codeAsText();
    private static final AsciiString CONTENT_TYPE = AsciiString.cached("content-type");

    private final Http2ServerConnection connection;
    private final String contentType;
    /** It holds one of its connection's exchanges in flight until it is over or answered with a reply. */
    private boolean counted = true;
    private boolean attached;
    private boolean headersSent;

    Http2ServerStream(Http2ServerConnection connection, ChannelHandlerContext ctx, Http2FrameCodec codec,
                      Http2FrameStream stream, String streamId, String contentType, HttpListener listener) {
        super(streamId, HttpWire.SERVER_ID, ctx, codec, stream, new HttpWire.HeaderWriter(), listener.maxBodySize(),
                listener.streamIdleTimeout(), Http2Error.NO_ERROR);
        this.connection = connection;
        this.contentType = contentType;
    }

    @Override
    public String remoteAddress() {
        return connection.remoteAddress();
    }

    /** The handler took the stream: its reader is there, so the window goes back and the idle timer starts. */
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

    // ---- from the connection, on the loop ----

    /** The client's HEADERS (its open, or trailers) carried END_STREAM. */
    void endStream() {
        peerEnded = true;
        ended();
    }

    /** The client reset the stream. */
    void reset(long errorCode) {
        fail(new TransportException("HTTP/2 stream " + stream.id() + " from " + connection.remoteAddress()
                + " reset by the client (" + errorCode + ")", null, true));
        gone(); // a release waiting on the client ends here
    }

    /** The codec found the stream broken (a bad frame): it fails, and a release waiting on it resets it now. */
    void streamError(Http2Error error, Throwable cause) {
        fail(new TransportException("HTTP/2 stream " + stream.id() + " from " + connection.remoteAddress() + ": "
                + cause.getMessage(), cause, true));
        if (releasing()) {
            // a release waiting on it: the stream is reset (and then closed) here
            if (stream.state() != Http2Stream.State.CLOSED && ctx.channel().isActive()) {
                ctx.writeAndFlush(new DefaultHttp2ResetFrame(error).stream(stream));
            }
            gone();
        }
    }

    /** The connection closed. */
    void lost() {
        fail(new TransportException("connection from " + connection.remoteAddress() + " closed before stream "
                + streamId() + " ended", null, true));
        gone();
    }

    /** The request was answered with a reply instead: the stream never starts. */
    void dropped() {
        finished = true;
        forget();
        giveBack();
    }

    // ---- Http2StreamSide ----

    @Override
    void malformed(String detail) {
        fail(new TransportException("HTTP/2 stream " + stream.id() + " from " + connection.remoteAddress()
                + ": malformed message: " + detail, null, true));
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
        forget();
        connection.closeIfDone();
    }

    private void forget() {
        connection.forget(this, counted);
        counted = false;
        decoder.release();
    }

    Http2FrameStream frameStream() {
        return stream;
    }

    /** The HTTP/2 streams open on its connection and the exchanges in flight there (tests); on the loop. */
    int[] connectionLoad() {
        return connection.load();
    }

    @Override
    public String toString() {
        return "HTTP/2 stream " + stream.id() + " (" + streamId() + ") from " + connection.remoteAddress();
    }
}
