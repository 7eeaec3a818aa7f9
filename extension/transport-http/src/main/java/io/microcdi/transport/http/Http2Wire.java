package io.microcdi.transport.http;

import io.microcdi.metadata.Metadata;
import io.microcdi.transport.Message;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersEncoder;
import io.netty.util.AsciiString;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * What both ends of an HTTP/2 connection of the {@code http} transport share: headers to and from {@link Metadata},
 * and the framing of a stream's messages in its {@code DATA}, the same both ways:
 * <pre>
 * u32 header-block length | header block | u32 body length | body
 * </pre>
 * (unsigned 32-bit big-endian lengths; the header block is HTTP/1.1 style {@code Name: value\r\n} lines in UTF-8,
 * the body the encoded item), so a message may span {@code DATA} frames and a frame may hold several.
 *
 * <pre>{@code
 * ctx.write(new DefaultHttp2DataFrame(Http2Wire.frame(ctx.alloc(), message, lines), last).stream(stream));
 * String bad = decoder.read(ctx.alloc(), data.content(), this);   // each whole message to this.message(m)
 * }</pre>
 */
final class Http2Wire {

    /** At most this many streams run at once on a connection we accept: Go's HTTP/2 server allows 250. */
    static final int MAX_CONCURRENT_STREAMS = 250;

    /**
     * How much a connection's receive window grows past the default 64 KiB: room for every stream's own window, so
     * that a stream whose reader is paused (and holds its window back) never stalls the others.
     */
    static final int CONNECTION_WINDOW_BONUS = MAX_CONCURRENT_STREAMS * Http2CodecUtil.DEFAULT_WINDOW_SIZE;

    /**
     * Headers whose value changes with every call ({@code micro-id}, the remaining {@code timeout}, trace context):
     * HPACK sends them as literals never indexed. Indexed, each call would add an entry to the connection's dynamic
     * table and evict another, and the encoder would search and churn that table on every call; the headers that
     * repeat ({@code micro-service}, {@code micro-endpoint}, {@code content-type}) stay in it and cost a byte or two.
     */
    static final Http2HeadersEncoder.SensitivityDetector PER_CALL = (name, value) -> {
        int n = name.length();
        return switch (n) {
            case 7 -> AsciiString.contentEqualsIgnoreCase(name, "timeout");
            case 8 -> AsciiString.contentEqualsIgnoreCase(name, "micro-id");
            case 10 -> AsciiString.contentEqualsIgnoreCase(name, "x-micro-id")
                    || AsciiString.contentEqualsIgnoreCase(name, "tracestate");
            case 11 -> AsciiString.contentEqualsIgnoreCase(name, "traceparent");
            default -> false;
        };
    };

    private Http2Wire() {
    }

    /** {@code message} framed for a stream's DATA, in one buffer; {@code lines} is the caller's, reused. */
    static ByteBuf frame(ByteBufAllocator alloc, Message message, HttpWire.HeaderWriter lines) {
        byte[] body = message.body();
        ByteBuf buf = alloc.buffer(8 + message.header().size() * 48 + body.length);
        int at = buf.writerIndex();
        buf.writeInt(0);
        lines.target = buf;
        try {
            message.header().forEach(lines);
        } finally {
            lines.target = null;
        }
        buf.setInt(at, buf.writerIndex() - at - 4);
        buf.writeInt(body.length);
        buf.writeBytes(body);
        return buf;
    }

    /**
     * HTTP/2 headers as metadata: pseudo-headers ({@code :path}, {@code :status}, ...) and {@code host} left out,
     * names as received (lower case; {@link Metadata} ignores case), values re-read as UTF-8 where they are not ASCII.
     */
    static Metadata metadata(Http2Headers headers) {
        Metadata.Builder b = Metadata.builder(headers.size());
        for (Map.Entry<CharSequence, CharSequence> e : headers) {
            CharSequence name = e.getKey();
            int n = name.length();
            if (n == 0 || name.charAt(0) == ':' || (n == 4 && HttpWire.eq(name, "host"))) {
                continue;
            }
            b.put(name.toString(), HttpWire.fromWire(e.getValue().toString()));
        }
        return b.build();
    }

    /** A request's {@code :method}, {@code POST} when absent, {@code null} when it is no HTTP method token. */
    static HttpMethod method(CharSequence m) {
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

    /** Whether {@code header} ends its sender's direction: an end-of-stream or error message. */
    static boolean ends(Metadata header) {
        return header.contains("Micro-Error") || header.contains("X-Micro-Error");
    }

    /**
     * Reads the framed messages of one stream's {@code DATA}: whole ones go to a {@link Sink}, the bytes of one not
     * complete yet are kept until the next frame. One per stream; on its event loop.
     */
    static final class Decoder {

        /** Takes each whole message; answers whether to read on (false once the stream ended or was let go). */
        interface Sink {
            boolean message(Message message);
        }

        private final int maxBody;
        /** The bytes of a message not complete yet, or {@code null}. */
        private ByteBuf partial;

        /** @param maxBody the largest body a message may have ({@code micro.transport.http.max-body-size}) */
        Decoder(int maxBody) {
            this.maxBody = maxBody;
        }

        /**
         * Appends {@code content} and hands every whole message to {@code sink} while it reads on; returns
         * {@code null}, or what makes the data malformed (the caller breaks the stream).
         */
        String read(ByteBufAllocator alloc, ByteBuf content, Sink sink) {
            if (!content.isReadable()) {
                return null;
            }
            if (partial == null) {
                partial = alloc.buffer(content.readableBytes());
            }
            partial.writeBytes(content);
            ByteBuf in = partial;
            while (in.readableBytes() >= 4) {
                int at = in.readerIndex();
                long headLength = in.getUnsignedInt(at);
                if (headLength > HttpWire.MAX_HEAD_BYTES) {
                    return "a header block of " + headLength + " bytes (at most " + HttpWire.MAX_HEAD_BYTES + ")";
                }
                if (in.readableBytes() < 8 + headLength) {
                    break;
                }
                long bodyLength = in.getUnsignedInt(at + 4 + (int) headLength);
                if (bodyLength > maxBody) {
                    return "a message body of " + bodyLength + " bytes exceeds micro.transport.http.max-body-size ("
                            + maxBody + " bytes)";
                }
                long total = 8 + headLength + bodyLength;
                if (in.readableBytes() < total) {
                    break;
                }
                Metadata header = headerBlock(in, at + 4, (int) headLength);
                if (header == null) {
                    return "a header line without a colon";
                }
                byte[] body = bodyLength == 0 ? HttpWire.empty() : new byte[(int) bodyLength];
                in.getBytes(at + 8 + (int) headLength, body);
                in.skipBytes((int) total);
                if (!sink.message(new Message(header, body))) {
                    break; // the sink may have released us: `in` is not touched again
                }
            }
            if (partial != null) {
                if (!partial.isReadable()) {
                    partial.release();
                    partial = null;
                } else {
                    partial.discardSomeReadBytes();
                }
            }
            return null;
        }

        /** Whether part of a message has arrived and not the rest. */
        boolean inMessage() {
            return partial != null && partial.isReadable();
        }

        /** Drops what is kept. */
        void release() {
            if (partial != null) {
                partial.release();
                partial = null;
            }
        }

        /** {@code Name: value\r\n} lines, UTF-8; {@code null} when a line is no header. */
        private static Metadata headerBlock(ByteBuf in, int at, int length) {
            String block = in.toString(at, length, StandardCharsets.UTF_8);
            Metadata.Builder b = Metadata.builder(8);
            int start = 0;
            while (start < block.length()) {
                int end = block.indexOf("\r\n", start);
                if (end < 0) {
                    end = block.length();
                }
                if (end > start) {
                    int colon = block.indexOf(':', start);
                    if (colon <= start || colon > end) {
                        return null;
                    }
                    b.put(block.substring(start, colon).trim(), block.substring(colon + 1, end).trim());
                }
                start = end + 2;
            }
            return b.build();
        }
    }

    /**
     * Copies metadata into HTTP/2 headers: names lower-cased (HTTP/2 forbids upper case) through a small per-connection
     * cache, connection-specific and framing headers left out, values sent as UTF-8 bytes as over HTTP/1.1.
     */
    static final class HeaderWriter implements BiConsumer<String, String> {

        /** Bounds the cache: metadata names are few, but a peer could send many distinct ones to be echoed. */
        private static final int MAX_CACHED = 256;

        private final Map<String, AsciiString> names = new HashMap<>();
        Http2Headers target;

        @Override
        public void accept(String name, String value) {
            AsciiString lower = names.get(name);
            if (lower == null) {
                if (!sendable(name)) {
                    return;
                }
                lower = AsciiString.of(name).toLowerCase();
                if (names.size() < MAX_CACHED) {
                    names.put(name, lower);
                }
            }
            target.add(lower, value(value));
        }

        private static boolean sendable(String name) {
            if (!HttpWire.HeaderWriter.token(name) || HttpWire.HeaderWriter.framing(name)) {
                return false;
            }
            // RFC 9113 section 8.2.2: connection-specific fields make the whole message malformed
            return switch (name.length()) {
                case 2 -> !HttpWire.eq(name, "te");
                case 7 -> !HttpWire.eq(name, "upgrade");
                case 16 -> !HttpWire.eq(name, "proxy-connection");
                default -> true;
            };
        }

        private static CharSequence value(String value) {
            boolean ascii = true;
            for (int i = 0, n = value.length(); i < n; i++) {
                char c = value.charAt(i);
                if ((c < 0x20 && c != '\t') || c == 0x7f) {
                    return value(HttpWire.HeaderWriter.sanitize(value)); // never a CR, LF or NUL on the wire
                }
                if (c >= 0x80) {
                    ascii = false;
                }
            }
            // HPACK writes a String's chars as bytes; other text goes as its UTF-8 bytes, as Go writes it
            return ascii ? value : new AsciiString(value.getBytes(StandardCharsets.UTF_8), false);
        }
    }
}
