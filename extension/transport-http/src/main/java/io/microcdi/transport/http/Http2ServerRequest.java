package io.microcdi.transport.http;

import io.microcdi.metadata.Metadata;
import io.microcdi.transport.Message;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameStream;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An ordinary request on one HTTP/2 stream of an {@link Http2ServerConnection}, while its body arrives: the body is
 * gathered within {@code micro.transport.http.max-body-size} and its {@code content-length}, and handed to the handler once
 * the client ended the stream. A request that breaks either is refused: the rest of its body is read and dropped, and
 * the structured error answers it once the client has sent it all (or at once, the upload cut with
 * {@code RST_STREAM(NO_ERROR)}, past the discard budget).
 *
 * <pre>{@code
 * reading.put(stream.id(), new Http2ServerRequest(connection, ctx, stream, head, method, path, length, maxBody));
 * request.data(frame.content(), frame.isEndStream());   // for each DATA frame of its stream
 * }</pre>
 *
 * <p>Loop only. The body slices it keeps are its own until it dispatches or {@link #release()}s them.
 */
final class Http2ServerRequest {

    /** The most a body buffer starts with, whatever its {@code content-length} says; it grows as DATA arrives. */
    private static final int BODY_START = 64 * 1024;

    /** The least discard budget: 1 MiB. */
    private static final long DISCARD_MIN = 1024 * 1024;

    private final Http2ServerConnection connection;
    private final ChannelHandlerContext ctx;
    final Http2FrameStream stream;
    private final Metadata head;
    private final HttpMethod method;
    private final String path;
    private final int maxBody;
    private final PendingBytes budget;
    /** What this request took from {@link #budget}: the body it holds across DATA frames. */
    private long charged;
    /** {@code >= 0}: refused; what may still be read and dropped before {@link #refusal} goes out anyway. */
    private long discardBudget = -1;
    /** The error that answers a refused request. */
    private Message refusal;
    /** Whether {@code content-length} announced the body: it goes to {@link #body}, else to {@link #parts}. */
    private final boolean sized;
    /** The body when {@link #sized}, allocated with the first DATA frame (a refused one: {@code null}). */
    private byte[] body;
    /** The announced {@code content-length} when {@link #sized}. */
    private long expected;
    private int filled;
    private List<ByteBuf> parts;
    private long partsSize;

    /**
     * @param length  the announced {@code content-length}, {@code -1} for none
     * @param maxBody {@code micro.transport.http.max-body-size}
     * @param budget  {@code micro.transport.http.max-pending-bytes}
     */
    Http2ServerRequest(Http2ServerConnection connection, ChannelHandlerContext ctx, Http2FrameStream stream,
                       Metadata head, HttpMethod method, String path, long length, int maxBody, PendingBytes budget) {
        this.connection = connection;
        this.budget = budget;
        this.ctx = ctx;
        this.stream = stream;
        this.head = head;
        this.method = method;
        this.path = path;
        this.maxBody = maxBody;
        sized = length >= 0;
        if (sized) {
            // sized as the body arrives: a peer announcing big bodies on many streams it never sends gets nothing
            expected = length;
            body = length == 0 ? HttpWire.empty() : null;
        }
    }

    /** A request refused from its headers. */
    static Http2ServerRequest refused(Http2ServerConnection connection, ChannelHandlerContext ctx,
                                      Http2FrameStream stream, int maxBody, PendingBytes budget, int code,
                                      String detail) {
        Http2ServerRequest r = new Http2ServerRequest(connection, ctx, stream, Metadata.empty(), HttpMethod.POST, "/",
                -1, maxBody, budget);
        r.refuse(code, detail);
        return r;
    }

    /** What a 413 says of a body of {@code size} bytes. */
    static String tooLarge(long size, int maxBody) {
        return "request body of " + size + " bytes exceeds micro.transport.http.max-body-size (" + maxBody + " bytes)";
    }

    // ---- from the connection, on the loop ----

    /** DATA for this request. */
    void data(ByteBuf data, boolean end) {
        if (refused()) {
            discard(data.readableBytes(), end);
            return;
        }
        if (!append(data)) {
            discard(0, end);
            return;
        }
        if (end) {
            finish();
        } else if (!charge()) {
            refuse(503, "server busy: requests being read hold micro.transport.http.max-pending-bytes ("
                    + budget.max() + " bytes); try again or another node");
            discard(0, false);
        }
    }

    /**
     * Takes what the body now holds from the server-wide budget: only a body that spans DATA frames is held between
     * reads (one that comes in one frame is handed on at once, and costs the budget nothing).
     */
    private boolean charge() {
        long held = sized ? (body == null ? 0 : body.length) : partsSize;
        long more = held - charged;
        if (more <= 0) {
            return true;
        }
        if (!budget.tryCharge(more)) {
            return false;
        }
        charged = held;
        return true;
    }

    private void uncharge() {
        budget.release(charged);
        charged = 0;
    }

    /** The client ended the request (with its last DATA, or trailers): the handler gets it, or its refusal goes. */
    void finish() {
        if (refused()) {
            discard(0, true);
            return;
        }
        connection.read(this);
        byte[] whole = body();
        uncharge();
        if (whole == null) {
            discard(0, true); // shorter than its content-length: refused
            return;
        }
        connection.dispatch(new Http2Exchange(connection, new Message(head, whole), method,
                path, stream));
    }

    /**
     * Drops {@code n} more bytes of a refused body: the refusal goes out once the client sent it all ({@code last}),
     * or at once, with the upload cut, past the discard budget.
     */
    void discard(int n, boolean last) {
        discardBudget -= n;
        if (last) {
            connection.read(this);
            connection.writeAnswer(stream, 200, refusal);
            ctx.flush();
            connection.closeIfDone();
        } else if (discardBudget < 0) {
            connection.read(this);
            connection.writeAnswer(stream, 200, refusal);
            ctx.write(new DefaultHttp2ResetFrame(Http2Error.NO_ERROR).stream(stream));
            ctx.flush();
            connection.closeIfDone();
        }
    }

    /** Lets go of the body slices it holds. */
    void release() {
        HttpWire.release(parts);
        parts = null;
        uncharge();
    }

    // ---- the body ----

    private boolean refused() {
        return discardBudget >= 0;
    }

    /**
     * Adds what a DATA frame carries; {@code false} when that refused the request (a body longer than its
     * {@code content-length}, or past {@code micro.transport.http.max-body-size}).
     */
    private boolean append(ByteBuf data) {
        int n = data.readableBytes();
        if (n == 0) {
            return true;
        }
        if (sized) {
            if (n > expected - filled) {
                refuse(400, "malformed HTTP/2 request: body longer than its content-length");
                return false;
            }
            if (body == null) {
                body = new byte[(int) Math.min(expected, Math.max(BODY_START, n))];
            } else if (n > body.length - filled) {
                // at least double, never past the announced length (itself within micro.transport.http.max-body-size)
                long size = Math.min(expected, Math.max(2L * body.length, (long) filled + n));
                body = Arrays.copyOf(body, (int) size);
            }
            data.readBytes(body, filled, n);
            filled += n;
        } else {
            partsSize += n;
            if (partsSize > maxBody) {
                refuse(413, tooLarge(partsSize, maxBody));
                return false;
            }
            if (parts == null) {
                parts = new ArrayList<>(4);
            }
            parts.add(data.retain());
        }
        return true;
    }

    /**
     * The whole body, once the client ended the request; {@code null} when it fell short of its
     * {@code content-length}, which refuses it.
     */
    private byte[] body() {
        if (sized) {
            if (filled != expected || body == null) {
                refuse(400, "malformed HTTP/2 request: body shorter than its content-length");
                return null;
            }
            return body;
        }
        byte[] whole = HttpWire.gather(parts == null ? List.of() : parts, (int) partsSize);
        release();
        return whole;
    }

    /**
     * The request cannot be read: its body is dropped as it arrives, and the structured error answers once the
     * client has sent it all, up to the discard budget; past that the answer goes out at once and the upload is cut.
     * Answering before the upload ends, and then cutting it with {@code RST_STREAM(NO_ERROR)} as RFC 9113 section
     * 8.1 allows, is what a misbehaving upload gets; for an ordinary one it trips real clients (curl 7.88 stalls on
     * an early answer, the JDK 17 client fails on that reset).
     */
    private void refuse(int code, String detail) {
        release();
        body = null;
        refusal = HttpWire.errorMessage(HttpWire.serverError(code, detail));
        discardBudget = Math.max(maxBody, DISCARD_MIN);
    }
}
