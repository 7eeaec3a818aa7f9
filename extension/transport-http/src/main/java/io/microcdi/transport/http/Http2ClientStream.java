package io.microcdi.transport.http;

import io.microcdi.metadata.Metadata;
import io.microcdi.transport.Message;
import io.microcdi.transport.TransportException;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameStream;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.AsciiString;

import java.nio.charset.StandardCharsets;

/**
 * The client side of a stream on one HTTP/2 stream of a shared {@link Http2ClientConnection}: what
 * {@link Http2ServerConnection} serves. Its {@code HEADERS} open it (without {@code END_STREAM}), each message goes as
 * framed {@code DATA} ({@link Http2Wire}), and our end-of-stream or error message carries {@code END_STREAM}.
 *
 * <pre>{@code
 * MessageStream s = transport.stream(node, open, Duration.ofSeconds(5)).join();   // node metadata streams=h2
 * }</pre>
 *
 * <p>The server's answer: {@code HEADERS} ({@code :status 200}), then framed messages, the last one (end of stream
 * or error) with {@code END_STREAM}. An {@code END_STREAM} before such a message breaks the stream, as does a reset;
 * an ordinary answer ({@code content-length}, an error in {@code micro-error}) is read as one message. Cancelling
 * resets the stream ({@code RST_STREAM(CANCEL)}); the connection serves on. A release waits until our
 * {@code END_STREAM} is on the socket before it resets a server still sending, and holds its pool slot until the
 * stream is closed (at most the release cap while the server stays silent). Backpressure is HTTP/2 flow control: the
 * received bytes are handed back ({@code WINDOW_UPDATE}) only while reading is not paused, and our publisher is asked
 * for more only while the server's window for this stream is open ({@link Http2StreamSide}, which the server's side
 * shares). Everything but the {@link io.microcdi.transport.MessageStream} API runs on the connection's event loop.
 */
final class Http2ClientStream extends Http2StreamSide {

    private static final AsciiString POST = AsciiString.cached("POST");
    private static final AsciiString ROOT = AsciiString.cached("/");
    private static final AsciiString MICRO_STREAM = AsciiString.cached("micro-stream");
    private static final AsciiString CONTENT_LENGTH = AsciiString.cached("content-length");
    private static final AsciiString MICRO_ERROR = AsciiString.cached("micro-error");
    private static final AsciiString X_MICRO_ERROR = AsciiString.cached("x-micro-error");

    private final Http2ClientConnection connection;
    private final int maxBody;
    /** The server's response HEADERS arrived. */
    private boolean answered;
    /** The response is an ordinary answer, not a stream: its headers, and its body as it arrives. */
    private Metadata plainHeader;
    private int plainStatus;
    private ByteBuf plainBody;

    Http2ClientStream(Http2ClientConnection connection, ChannelHandlerContext ctx, Http2FrameCodec codec,
                      Http2FrameStream stream, String streamId, HttpTransportConfig config,
                      HttpWire.HeaderWriter lines) {
        super(streamId, Http1Stream.CLIENT_ID, ctx, codec, stream, lines, config.maxBodySize(),
                config.streamIdleTimeout(), Http2Error.CANCEL);
        this.connection = connection;
        this.maxBody = config.maxBodySize();
    }

    @Override
    public String remoteAddress() {
        return connection.remoteAddress();
    }

    Http2FrameStream frameStream() {
        return stream;
    }

    Http2ClientConnection connection() {
        return connection;
    }

    // ---- from the connection, on the loop ----

    /**
     * Writes the HEADERS that open the stream, without {@code END_STREAM}: {@code POST /}, the open's headers, and
     * {@code micro-stream} when it has none; {@code headers} is the connection's, reused.
     */
    ChannelFuture writeOpen(Message open, AsciiString scheme, AsciiString authority, Http2Wire.HeaderWriter headers) {
        Http2Headers h = new DefaultHttp2Headers(false, open.header().size() + 5)
                .method(POST).path(ROOT).scheme(scheme).authority(authority);
        headers.target = h;
        try {
            open.header().forEach(headers);
        } finally {
            headers.target = null;
        }
        if (!h.contains(MICRO_STREAM)) {
            h.set(MICRO_STREAM, streamId()); // the server knows a stream by it
        }
        return ctx.writeAndFlush(new DefaultHttp2HeadersFrame(h, false).stream(stream));
    }

    /** The response HEADERS, or trailers. */
    void headers(Http2Headers h, boolean end) {
        if (finished) {
            if (end) {
                peerEnded = true;
            }
            return;
        }
        if (!answered) {
            CharSequence status = h.status();
            int code = status == null ? 200 : AsciiString.of(status).parseInt();
            if (code >= 100 && code < 200) {
                return; // informational: the answer follows
            }
            answered = true;
            if (code != 200 || h.contains(CONTENT_LENGTH) || h.contains(MICRO_ERROR) || h.contains(X_MICRO_ERROR)) {
                // answered as an ordinary call (the endpoint does not stream, or was refused before it started)
                plainStatus = code;
                plainHeader = Http2Wire.metadata(h);
            }
        }
        if (end) {
            ended();
        }
    }

    /** DATA: the body of an ordinary answer, else messages. */
    @Override
    void read(ByteBuf content) {
        if (plainHeader != null) {
            plain(content);
        } else {
            super.read(content);
        }
    }

    @Override
    void malformed(String detail) {
        broken("malformed message: " + detail);
    }

    private void plain(ByteBuf content) {
        int n = content.readableBytes();
        if (n == 0) {
            return;
        }
        if (plainBody == null) {
            plainBody = ctx.alloc().buffer(n);
        }
        if (plainBody.readableBytes() + (long) n > maxBody) {
            broken("an answer body of more than " + maxBody + " bytes (micro.transport.http.max-body-size)");
            return;
        }
        plainBody.writeBytes(content);
    }

    /** The server sent END_STREAM. */
    @Override
    void ended() {
        if (finished || inEnded) {
            return;
        }
        if (plainHeader != null) {
            byte[] body = plainBody == null ? HttpWire.empty() : new byte[plainBody.readableBytes()];
            if (plainBody != null) {
                plainBody.readBytes(body);
            }
            Message answer = new Message(plainHeader, body);
            if (Http2Wire.ends(plainHeader)) {
                inEnded = true;
                deliver(answer); // a Go Micro error: the receiver fails with it
                return;
            }
            if (plainStatus != 200) {
                broken("answered " + plainStatus + ": " + new String(body, StandardCharsets.UTF_8));
                return;
            }
            deliver(answer); // an ordinary answer to a stream: delivered, and the stream breaks below
        }
        if (decoder.inMessage()) {
            broken("the stream ended inside a message");
        } else {
            broken("the server ended the stream without an end-of-stream message");
        }
    }

    /** The server reset the stream. */
    void reset(Http2Error error) {
        if (!finished) {
            fail(new TransportException("HTTP/2 stream " + stream.id() + " to " + connection.address()
                    + " reset by the server (" + error + ")", null, true));
        }
        gone(); // a release waiting on the server ends here
    }

    /** The connection closed, or the stream closed unended (a GOAWAY that did not cover it). */
    void lost(String why, Throwable cause) {
        if (!finished) {
            fail(new TransportException(why, cause, true));
        }
        gone();
    }

    /** The codec closed the stream: fine after both ends, else (a GOAWAY that did not cover it) it broke. */
    void closed() {
        if (!finished && !(localEnded && (peerEnded || inEnded))) {
            broken("closed before it ended");
        }
        gone();
    }

    private void broken(String detail) {
        fail(new TransportException("HTTP/2 stream " + stream.id() + " (" + streamId() + ") to "
                + connection.address() + ": " + detail, null, true));
    }

    // ---- Http2StreamSide ----

    @Override
    boolean beforeMessage() {
        return !finished;
    }

    @Override
    void onFinish() {
        if (plainBody != null) {
            plainBody.release();
            plainBody = null;
        }
        giveBack(); // the connection window is shared: what this stream held goes back to the others
    }

    /** It leaves the connection, and its pool slot is free. */
    @Override
    void leave() {
        connection.ended(this);
    }

    /** Closes it unseen when the caller gave up before it was handed over. */
    void discard() {
        cancel();
    }

    @Override
    public String toString() {
        return "HTTP/2 stream " + stream.id() + " (" + streamId() + ") to " + connection.address();
    }
}
