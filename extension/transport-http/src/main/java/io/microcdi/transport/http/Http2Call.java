package io.microcdi.transport.http;

import io.microcdi.metadata.Metadata;
import io.microcdi.transport.Message;
import io.microcdi.transport.TransportException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameStream;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.util.AsciiString;

import java.util.concurrent.TimeUnit;

/**
 * One unary call on one stream of a shared {@link Http2ClientConnection}: {@code POST /} with the request's headers
 * and its body in one {@code DATA} frame that ends the stream, answered by {@code :status}, headers and body, exactly
 * what {@link Http2ServerConnection} serves to curl or any HTTP/2 client. Many calls share the connection; each has
 * its own stream, so a slow answer holds up none of the others.
 *
 * <pre>{@code
 * ClientCall call = new ClientCall(request, System.nanoTime(), timeout.toNanos());
 * h2Pool.open(new Http2Call(call));   // the call completes as the HTTP/1.1 one would
 * }</pre>
 *
 * <p>The answer completes the {@link ClientCall} as over HTTP/1.1 ({@link ClientCall#answered}). A timeout resets the
 * stream ({@code RST_STREAM(CANCEL)}); the connection serves on. A reset {@code REFUSED_STREAM}, or a stream past the
 * server's {@code GOAWAY}, was never processed, and says so ({@code requestSent=false}): the client may retry it
 * anywhere. Everything after its placement runs on the connection's event loop.
 */
final class Http2Call extends Http2Pool.Placed implements ChannelFutureListener {

    private static final AsciiString POST = AsciiString.cached("POST");
    private static final AsciiString ROOT = AsciiString.cached("/");
    private static final AsciiString CONTENT_LENGTH = AsciiString.cached("content-length");

    final ClientCall call;
    private Http2FrameStream stream;
    private boolean over;

    // the answer being read
    private int status;
    private Metadata head;
    private final AnswerBody body = new AnswerBody("answer", "content-length");

    Http2Call(ClientCall call) {
        this.call = call;
    }

    @Override
    boolean done() {
        return call.isDone();
    }

    @Override
    void fail(Throwable cause) {
        call.completeExceptionally(cause);
    }

    @Override
    void startOn(Http2ClientConnection c) {
        long left = call.remaining();
        if (left <= 0) {
            c.ended(this, null);
            call.completeExceptionally(call.timeout(c.address(), "request to"));
            return;
        }
        call.timer = c.loop().schedule(this::timedOut, left, TimeUnit.NANOSECONDS);
        c.startCall(this);
    }

    @Override
    String what() {
        return "send to";
    }

    /** Writes the request on {@code fs}; the HEADERS' future is returned (the DATA's is not needed). */
    ChannelFuture write(ChannelHandlerContext ctx, Http2FrameStream fs, AsciiString scheme, AsciiString authority,
                        Http2Wire.HeaderWriter headers) {
        stream = fs;
        Message request = call.request;
        byte[] bytes = request.body();
        Http2Headers h = new DefaultHttp2Headers(false, request.header().size() + 5)
                .method(POST).path(ROOT).scheme(scheme).authority(authority);
        headers.target = h;
        try {
            request.header().forEach(headers);
        } finally {
            headers.target = null;
        }
        h.setInt(CONTENT_LENGTH, bytes.length);
        ChannelFuture written = ctx.write(new DefaultHttp2HeadersFrame(h, bytes.length == 0).stream(fs));
        if (bytes.length > 0) {
            // flow control holds it back while the server's window is shut; the codec sends it as the window opens
            // an ordinary promise: a write failing on a stream just reset must not close the connection
            ctx.write(new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(bytes), true).stream(fs));
        }
        ctx.flush();
        return written;
    }

    /** The HEADERS were written, or failed to be. */
    @Override
    public void operationComplete(ChannelFuture f) {
        written(f);
    }

    void written(ChannelFuture f) {
        if (f.isSuccess()) {
            call.written = true; // the server may now run it
            return;
        }
        if (over) {
            return;
        }
        Http2ClientConnection c = on;
        finish();
        // the HEADERS did not leave: the server saw nothing of it
        call.completeExceptionally(new TransportException("send to " + c.address() + ": " + f.cause().getMessage(),
                f.cause(), false));
    }

    /** The answer's HEADERS, or its trailers. */
    void headers(Http2Headers h, boolean end) {
        if (over) {
            return;
        }
        if (head == null) {
            CharSequence s = h.status();
            int code = s == null ? 200 : AsciiString.of(s).parseInt();
            if (code >= 100 && code < 200) {
                return; // informational: the answer follows
            }
            String bad = body.start(h.getLong(CONTENT_LENGTH, -1L));
            if (bad != null) {
                lost(bad, null);
                return;
            }
            status = code;
            head = Http2Wire.metadata(h);
        }
        if (end) {
            answered();
        }
    }

    /** DATA of the answer. */
    void data(ByteBuf content, boolean end) {
        if (over) {
            return;
        }
        if (head == null) {
            lost("DATA before the answer's HEADERS", null);
            return;
        }
        String bad = body.append(content);
        if (bad != null) {
            lost(bad, null);
            return;
        }
        if (end) {
            answered();
        }
    }

    private void answered() {
        if (body.shorterThanAnnounced()) {
            lost("answer body shorter than its content-length", null);
            return;
        }
        byte[] b = body.take();
        Metadata h = head;
        finish(); // the stream's room goes back before the caller hears, so that its next call can take it
        call.answered(status, h, b);
    }

    /** The server reset the stream. */
    void reset(Http2Error error) {
        if (over) {
            return;
        }
        Http2ClientConnection c = on;
        // REFUSED_STREAM: the server did nothing with it (RFC 9113 section 8.7)
        boolean sent = error != Http2Error.REFUSED_STREAM && !c.refusedByGoAway(stream.id());
        finish();
        call.completeExceptionally(new TransportException("HTTP/2 stream " + stream.id() + " to " + c.address()
                + " reset by the server (" + error + ") before the answer", null, sent));
    }

    /** The stream closed with no answer: past the server's {@code GOAWAY}, or reset. */
    void closed() {
        if (over) {
            return;
        }
        Http2ClientConnection c = on;
        boolean sent = !c.refusedByGoAway(stream.id());
        finish();
        call.completeExceptionally(new TransportException("HTTP/2 stream " + stream.id() + " to " + c.address()
                + (sent ? " closed before the answer" : " not processed: the server is going away"), null, sent));
    }

    /** The connection or the stream broke. */
    void lost(String why, Throwable cause) {
        if (over) {
            return;
        }
        boolean sent = call.written && (stream == null || !on.refusedByGoAway(stream.id()));
        Http2FrameStream fs = stream;
        finish();
        if (fs != null && fs.state() != Http2Stream.State.CLOSED && on.open()) {
            on.reset(fs); // a stream we gave up on must not keep its answer coming
        }
        call.completeExceptionally(new TransportException(why, cause, sent));
    }

    /** The call's timer fired: its stream is reset, the connection serves on. */
    private void timedOut() {
        if (over) {
            return;
        }
        call.timer = null;
        Http2FrameStream fs = stream;
        finish();
        if (fs != null && fs.id() > 0 && fs.state() != Http2Stream.State.CLOSED) {
            on.reset(fs);
        }
        call.completeExceptionally(call.timeout(on.address(), "request to"));
    }

    private void finish() {
        over = true;
        call.cancelTimer();
        body.release();
        head = null;
        on.ended(this, stream);
    }

    @Override
    public String toString() {
        return "HTTP/2 call" + (stream == null ? "" : " on stream " + stream.id()) + " to " + on.address();
    }
}
