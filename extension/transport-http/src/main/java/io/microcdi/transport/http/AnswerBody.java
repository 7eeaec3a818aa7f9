package io.microcdi.transport.http;

import io.netty.buffer.ByteBuf;

import java.util.ArrayList;
import java.util.List;

/**
 * The body of an answer the client is reading: into one array of its announced length, else as retained slices
 * gathered into one array at the end (the single copy the {@code Message} contract asks for). Shared by the HTTP/1.1
 * connection ({@link ClientConnection}) and the HTTP/2 call ({@link Http2Call}); one per reader, reused, loop only.
 *
 * <pre>{@code
 * String bad = body.start(contentLength);   // -1: not announced
 * bad = body.append(content);               // for each piece; null while fine
 * byte[] whole = body.take();
 * }</pre>
 */
final class AnswerBody {

    /** Largest body a {@code byte[]} can hold. */
    static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

    private final String what;
    private final String lengthHeader;
    private byte[] body;
    private int filled;
    private List<ByteBuf> parts;
    private long partsSize;

    /** @param what the body's name in errors ({@code response}); {@code lengthHeader} as its protocol spells it */
    AnswerBody(String what, String lengthHeader) {
        this.what = what;
        this.lengthHeader = lengthHeader;
    }

    /** Starts a body of {@code length} bytes ({@code -1}: not announced); what makes it unreadable, else null. */
    String start(long length) {
        if (length > MAX_ARRAY) {
            return what + " body of " + length + " bytes is too large";
        }
        release();
        body = length < 0 ? null : length == 0 ? HttpWire.empty() : new byte[(int) length];
        filled = 0;
        return null;
    }

    /** Adds {@code data} (read, or retained); what makes the body unreadable, else null. */
    String append(ByteBuf data) {
        int n = data.readableBytes();
        if (n == 0) {
            return null;
        }
        if (body != null) {
            if (n > body.length - filled) {
                return what + " body longer than its " + lengthHeader;
            }
            data.readBytes(body, filled, n);
            filled += n;
            return null;
        }
        partsSize += n;
        if (partsSize > MAX_ARRAY) {
            return what + " body of over " + MAX_ARRAY + " bytes is too large";
        }
        if (parts == null) {
            parts = new ArrayList<>(8);
        }
        parts.add(data.retain());
        return null;
    }

    /** Whether an announced length was not reached. */
    boolean shorterThanAnnounced() {
        return body != null && filled != body.length;
    }

    /** The whole body; the reader holds nothing after. */
    byte[] take() {
        byte[] b = body != null ? body : HttpWire.gather(parts == null ? List.of() : parts, (int) partsSize);
        release();
        return b;
    }

    /** Drops what is held. */
    void release() {
        HttpWire.release(parts);
        parts = null;
        partsSize = 0;
        body = null;
    }
}
