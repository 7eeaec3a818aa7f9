package io.microcdi.transport.http;

import io.microcdi.metadata.Metadata;
import io.microcdi.transport.Message;
import io.microcdi.transport.TransportException;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.DefaultHttp2WindowUpdateFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameStream;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.util.AsciiString;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

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
 * for more only while the server's window for this stream is open. Everything but the {@link
 * io.microcdi.transport.MessageStream} API runs on the connection's event loop.
 */
final class Http2ClientStream extends HttpStream implements Http2Wire.Decoder.Sink {

    private static final AsciiString CONTENT_LENGTH = AsciiString.cached("content-length");
    private static final AsciiString MICRO_ERROR = AsciiString.cached("micro-error");
    private static final AsciiString X_MICRO_ERROR = AsciiString.cached("x-micro-error");

    private final Http2ClientConnection connection;
    private final ChannelHandlerContext ctx;
    private final Http2FrameCodec codec;
    private final Http2FrameStream stream;
    private final Http2Wire.Decoder decoder;
    private final HttpWire.HeaderWriter lines;
    private final int maxBody;
    /** Flow-controlled bytes received and not handed back yet. */
    private int held;
    private boolean paused;
    /** The server's response HEADERS arrived. */
    private boolean answered;
    /** The response is an ordinary answer, not a stream: its headers, and its body as it arrives. */
    private Metadata plainHeader;
    private int plainStatus;
    private ByteBuf plainBody;
    /** We sent END_STREAM. */
    private boolean localEnded;
    /** The server sent END_STREAM (set before its frame is read, so a release it causes knows). */
    private boolean remoteEnded;
    /** The server's direction ended with a message: end of stream or error. */
    private boolean inEnded;
    private boolean finished;
    /** The write that carried our END_STREAM, or {@code null} before. */
    private ChannelFuture endWrite;
    /** Released and waiting for the HTTP/2 stream to close: {@link #release()} says how. */
    private boolean releasing;
    /** When the release started. */
    private long releaseStart;
    private ScheduledFuture<?> releaseCap;

    Http2ClientStream(Http2ClientConnection connection, ChannelHandlerContext ctx, Http2FrameCodec codec,
                      Http2FrameStream stream, String streamId, HttpTransportConfig config,
                      HttpWire.HeaderWriter lines) {
        super(streamId, Http1Stream.CLIENT_ID, ctx.channel().eventLoop(), config.streamIdleTimeout());
        this.connection = connection;
        this.ctx = ctx;
        this.codec = codec;
        this.stream = stream;
        this.maxBody = config.maxBodySize();
        this.decoder = new Http2Wire.Decoder(maxBody);
        this.lines = lines;
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

    /** The response HEADERS, or trailers. */
    void headers(Http2Headers h, boolean end) {
        if (finished) {
            if (end) {
                remoteEnded = true;
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

    /** DATA for this stream. */
    void data(ByteBuf content, int flowControlled, boolean end) {
        held += flowControlled;
        if (end) {
            remoteEnded = true;
        }
        if (releasing) {
            touch(); // the server is alive: the release waits on
        }
        if (!finished) {
            if (plainHeader != null) {
                plain(content);
            } else if (!inEnded) {
                String bad = decoder.read(ctx.alloc(), content, this);
                if (bad != null) {
                    broken("malformed message: " + bad);
                }
            }
        }
        if (finished || !paused) {
            giveBack();
        }
        if (end) {
            ended();
        }
    }

    @Override
    public boolean message(Message m) {
        if (Http2Wire.ends(m.header())) {
            inEnded = true;
        }
        deliver(m);
        return !finished && !inEnded;
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
            broken("an answer body of more than " + maxBody + " bytes (micro.server.max-body-size)");
            return;
        }
        plainBody.writeBytes(content);
    }

    /** The server sent END_STREAM. */
    private void ended() {
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
        if (!finished && !(localEnded && (remoteEnded || inEnded))) {
            broken("closed before it ended");
        }
        gone();
    }

    private void broken(String detail) {
        fail(new TransportException("HTTP/2 stream " + stream.id() + " (" + streamId() + ") to "
                + connection.address() + ": " + detail, null, true));
    }

    private void giveBack() {
        if (held > 0) {
            int n = held;
            held = 0;
            if (stream.state() != Http2Stream.State.CLOSED && ctx.channel().isActive()) {
                ctx.write(new DefaultHttp2WindowUpdateFrame(n).stream(stream), ctx.voidPromise());
            }
        }
    }

    // ---- AbstractMessageStream ----

    @Override
    protected void write(Message message) {
        if (localEnded || finished || !ctx.channel().isActive()) {
            return;
        }
        boolean last = Http2Wire.ends(message.header());
        localEnded = last;
        // an ordinary promise: a write on a stream the server has just reset fails alone
        ChannelFuture f = ctx.write(new DefaultHttp2DataFrame(Http2Wire.frame(ctx.alloc(), message, lines), last)
                .stream(stream));
        if (last) {
            endWrite = f;
        }
    }

    @Override
    protected void flush() {
        ctx.flush();
    }

    @Override
    protected boolean writable() {
        if (!ctx.channel().isWritable()) {
            return false;
        }
        Http2Stream s = codec.connection().stream(stream.id());
        return s != null && codec.connection().remote().flowController().isWritable(s);
    }

    @Override
    protected void pauseReading(boolean pause) {
        onLoop(() -> {
            paused = pause;
            if (!pause && !finished) {
                giveBack();
                ctx.flush();
            }
        });
    }

    /**
     * Graceful: what we wrote (our last messages and END_STREAM) may still wait in the flow controller for the
     * server's window, and a reset now would drop it. So the stream stays on its connection (and in the pool's count)
     * until our END_STREAM is on the socket; then a server still sending is told to stop ({@code RST_STREAM(CANCEL)}).
     * Meanwhile its DATA is read and dropped, its window handed back. A server that shows no sign of life for
     * {@link #releaseCapNanos()} is cut off ({@code RST_STREAM(CANCEL)}). The stream leaves once it is closed.
     */
    @Override
    protected void release() {
        finish();
        ctx.flush();
        if (stream.state() == Http2Stream.State.CLOSED || !ctx.channel().isActive()) {
            connection.ended(this);
            return;
        }
        releasing = true;
        releaseStart = System.nanoTime();
        releaseCap = loop().schedule(this::checkRelease, releaseCapNanos(), TimeUnit.NANOSECONDS);
        ChannelFuture end = endWrite;
        if (end == null) {
            endWritten(); // our direction ended without a message (the server sent an error)
        } else {
            end.addListener(f -> endWritten());
        }
    }

    /** Our END_STREAM left (or failed, or never went): stop a server still sending; on the loop. */
    private void endWritten() {
        if (!releasing) {
            return;
        }
        if (stream.state() == Http2Stream.State.CLOSED || !ctx.channel().isActive()) {
            gone();
        } else if (!remoteEnded || endWrite == null || !endWrite.isSuccess()) {
            resetNow();
        } // else both ends are sent: the codec closes the stream, and tells us
    }

    private void checkRelease() {
        releaseCap = null;
        if (!releasing) {
            return;
        }
        long quiet = System.nanoTime() - Math.max(lastMessage(), releaseStart);
        long left = releaseCapNanos() - quiet;
        if (left > 0) {
            releaseCap = loop().schedule(this::checkRelease, left, TimeUnit.NANOSECONDS);
        } else {
            resetNow();
        }
    }

    private void resetNow() {
        if (stream.state() == Http2Stream.State.CLOSED || !ctx.channel().isActive()) {
            gone();
            return;
        }
        ctx.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.CANCEL).stream(stream)).addListener(f -> gone());
    }

    /** The HTTP/2 stream closed (both END_STREAMs, a reset, the connection went): a waiting release is done. */
    private void gone() {
        if (!releasing) {
            return;
        }
        releasing = false;
        ScheduledFuture<?> cap = releaseCap;
        if (cap != null) {
            releaseCap = null;
            cap.cancel(false);
        }
        connection.ended(this);
    }

    @Override
    protected void abort() {
        releasing = false;
        finish();
        if (stream.state() != Http2Stream.State.CLOSED && ctx.channel().isActive()) {
            ctx.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.CANCEL).stream(stream));
        }
        connection.ended(this);
    }

    /** Whether it is released and waiting for its HTTP/2 stream to close (tests). */
    boolean releasing() {
        return releasing;
    }

    private void finish() {
        if (finished) {
            return;
        }
        finished = true;
        stopIdleTimer();
        decoder.release();
        if (plainBody != null) {
            plainBody.release();
            plainBody = null;
        }
        giveBack(); // the connection window is shared: what this stream held goes back to the others
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
