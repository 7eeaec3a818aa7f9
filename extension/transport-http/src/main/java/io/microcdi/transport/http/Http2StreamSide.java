package io.microcdi.transport.http;

import io.microcdi.transport.Message;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.DefaultHttp2WindowUpdateFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameStream;
import io.netty.handler.codec.http2.Http2Stream;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * What both ends of a {@link io.microcdi.transport.MessageStream} on one HTTP/2 stream share: messages framed as
 * {@link Http2Wire} says in {@code DATA}, our end-of-stream or error message with {@code END_STREAM}, flow control
 * as backpressure, and the graceful release.
 *
 * <pre>{@code
 * final class Http2ClientStream extends Http2StreamSide { ... }   // and Http2ServerStream
 * }</pre>
 *
 * <p>Backpressure is HTTP/2 flow control: the received bytes are handed back ({@code WINDOW_UPDATE}) only while
 * reading is not paused (and the stream is {@link #attached()}), and our publisher is asked for more only while the
 * peer's window for this stream is open. A subclass says what differs: what precedes our first message
 * ({@link #beforeMessage()}), what the peer's {@code END_STREAM} means ({@link #ended()}), and what the stream frees
 * once it is closed ({@link #leave()}). Everything but the {@link io.microcdi.transport.MessageStream} API runs on
 * the connection's event loop.
 */
abstract class Http2StreamSide extends HttpStream implements Http2Wire.Decoder.Sink {

    final ChannelHandlerContext ctx;
    final Http2FrameCodec codec;
    final Http2FrameStream stream;
    final Http2Wire.Decoder decoder;
    private final HttpWire.HeaderWriter lines;
    /** What stops a peer still sending once our {@code END_STREAM} left. */
    private final Http2Error stopCode;
    /** Flow-controlled bytes received and not handed back yet. */
    private int held;
    boolean paused;
    /** We sent END_STREAM. */
    boolean localEnded;
    /** The peer sent END_STREAM (set before its frame is read, so a release it causes knows). */
    boolean peerEnded;
    /** The peer's direction ended: with an end-of-stream or error message (or as {@link #ended()} says). */
    boolean inEnded;
    boolean finished;
    /** The write that carried our END_STREAM, or {@code null} before. */
    private ChannelFuture endWrite;
    /** Released and waiting for the HTTP/2 stream to close: {@link #release()} says how. */
    private boolean releasing;
    /** When the release started. */
    private long releaseStart;
    private ScheduledFuture<?> releaseCap;

    Http2StreamSide(String streamId, String errorId, ChannelHandlerContext ctx, Http2FrameCodec codec,
                    Http2FrameStream stream, HttpWire.HeaderWriter lines, int maxBody, Duration idleTimeout,
                    Http2Error stopCode) {
        super(streamId, errorId, ctx.channel().eventLoop(), idleTimeout);
        this.ctx = ctx;
        this.codec = codec;
        this.stream = stream;
        this.decoder = new Http2Wire.Decoder(maxBody);
        this.lines = lines;
        this.stopCode = stopCode;
    }

    // ---- what differs ----

    /** Whether a message may go now, after what must precede the first one; on the loop. */
    abstract boolean beforeMessage();

    /** Whether the stream's reader is there: its window is handed back only then (and while not paused). */
    boolean attached() {
        return true;
    }

    /** The peer's DATA could not be read as messages. */
    abstract void malformed(String detail);

    /** The peer sent END_STREAM ({@link #peerEnded} is set); on the loop. */
    abstract void ended();

    /** The stream stops reading (a release or an abort): what the subclass holds goes too. */
    void onFinish() {
    }

    /** The stream is done on the wire: it leaves its connection and frees its slot there; on the loop. */
    abstract void leave();

    /** A release found the HTTP/2 stream closed (or the connection gone) already. */
    void releasedClosed() {
        leave();
    }

    /** The peer took no part in the release for the release cap: it is reset now. */
    void releaseCapped() {
    }

    // ---- from the connection, on the loop ----

    /** DATA for this stream. */
    void data(ByteBuf content, int flowControlled, boolean end) {
        held += flowControlled;
        if (end) {
            peerEnded = true;
        }
        if (releasing) {
            touch(); // the peer is alive: the release waits on
        }
        if (!finished) {
            read(content);
        }
        if (finished || (attached() && !paused)) {
            giveBack();
        }
        if (end) {
            ended();
        }
    }

    /** DATA before the stream finished: messages, unless the peer's direction ended already. */
    void read(ByteBuf content) {
        if (!inEnded) {
            String bad = decoder.read(ctx.alloc(), content, this);
            if (bad != null) {
                malformed(bad);
            }
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

    final void giveBack() {
        if (held > 0) {
            int n = held;
            held = 0;
            if (stream.state() != Http2Stream.State.CLOSED && ctx.channel().isActive()) {
                ctx.write(new DefaultHttp2WindowUpdateFrame(n).stream(stream), ctx.voidPromise());
            }
        }
    }

    // ---- StreamIo ----

    @Override
    public final void write(Message message) {
        if (localEnded || !ctx.channel().isActive() || !beforeMessage()) {
            return;
        }
        boolean last = Http2Wire.ends(message.header());
        localEnded = last;
        // an ordinary promise: a write on a stream the peer has just reset fails alone
        ChannelFuture f = ctx.write(new DefaultHttp2DataFrame(Http2Wire.frame(ctx.alloc(), message, lines), last)
                .stream(stream));
        if (last) {
            endWrite = f;
        }
    }

    @Override
    public final void flush() {
        ctx.flush();
    }

    @Override
    public final boolean writable() {
        if (!ctx.channel().isWritable()) {
            return false;
        }
        Http2Stream s = codec.connection().stream(stream.id());
        return s != null && codec.connection().remote().flowController().isWritable(s);
    }

    @Override
    public final void pauseReading(boolean pause) {
        onLoop(() -> {
            paused = pause;
            if (!pause && attached() && !finished) {
                giveBack();
                ctx.flush();
            }
        });
    }

    /**
     * Graceful: what we wrote (our last messages and END_STREAM) may still wait in the flow controller for the
     * peer's window, and a reset now would drop it. So the stream stays on its connection (and in its count there:
     * the server connection's streams, the client pool's slots) until our END_STREAM is on the socket; then a peer
     * still sending is told to stop ({@code RST_STREAM} with the stop code: {@code NO_ERROR} from the server,
     * {@code CANCEL} from the client). Meanwhile its DATA is read and dropped, its window handed back. A peer that
     * shows no sign of life for {@link #releaseCapNanos()} is cut off ({@code RST_STREAM(CANCEL)}). The stream
     * leaves once it is closed.
     */
    @Override
    public final void release() {
        finish();
        giveBack();
        ctx.flush();
        if (stream.state() == Http2Stream.State.CLOSED || !ctx.channel().isActive()) {
            releasedClosed();
            return;
        }
        releasing = true;
        releaseStart = System.nanoTime();
        releaseCap = loop().schedule(this::checkRelease, releaseCapNanos(), TimeUnit.NANOSECONDS);
        ChannelFuture end = endWrite;
        if (end == null) {
            endWritten(); // our direction ended without a message (the peer sent an error)
        } else {
            end.addListener(f -> endWritten());
        }
    }

    /** Our END_STREAM left (or failed, or never went): stop a peer still sending; on the loop. */
    private void endWritten() {
        if (!releasing) {
            return;
        }
        if (stream.state() == Http2Stream.State.CLOSED || !ctx.channel().isActive()) {
            gone();
        } else if (!peerEnded || endWrite == null || !endWrite.isSuccess()) {
            resetNow(stopCode);
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
            releaseCapped();
            resetNow(Http2Error.CANCEL);
        }
    }

    private void resetNow(Http2Error error) {
        if (stream.state() == Http2Stream.State.CLOSED || !ctx.channel().isActive()) {
            gone();
            return;
        }
        ctx.writeAndFlush(new DefaultHttp2ResetFrame(error).stream(stream)).addListener(f -> gone());
    }

    /** Whether it is released and waiting for its HTTP/2 stream to close. */
    final boolean releasing() {
        return releasing;
    }

    /**
     * The HTTP/2 stream closed (both END_STREAMs, a reset either way, or the connection went): a release waiting on
     * it is done; on the loop.
     */
    final void gone() {
        if (!releasing) {
            return; // not released: the frames and the engine took care of it
        }
        releasing = false;
        ScheduledFuture<?> cap = releaseCap;
        if (cap != null) {
            releaseCap = null;
            cap.cancel(false);
        }
        leave();
    }

    @Override
    public final void abort() {
        releasing = false;
        finish();
        if (stream.state() != Http2Stream.State.CLOSED && ctx.channel().isActive()) {
            ctx.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.CANCEL).stream(stream));
        }
        leave();
    }

    private void finish() {
        finished = true;
        stopIdleTimer();
        decoder.release();
        onFinish();
    }
}
