package io.microcdi.transport.http;

import io.microcdi.errors.MicroException;
import io.microcdi.errors.ErrorJson;
import io.microcdi.metadata.Metadata;
import io.microcdi.transport.Message;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.NetUtil;

import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * The bytes of the mucp-over-HTTP/1.1 wire, written by hand: a Go Micro message is a start line, headers copied from
 * {@link Metadata}, a {@code Content-Length} and the body, so one buffer and no {@code HttpHeaders} object per
 * message is all it takes.
 *
 * <pre>{@code
 * ByteBuf out = HttpWire.encode(alloc, HttpWire.STATUS_200, null, response.header(), response.body(), writer);
 * }</pre>
 *
 * <p>Header values go out as UTF-8 and come back from UTF-8, as Go writes and reads its header strings byte for byte
 * (a {@code Micro-Error} detail may hold any text).
 */
final class HttpWire {

    /** The response start line of every answer: Go Micro's status is always 200, errors travel in headers. */
    static final byte[] STATUS_200 = ascii("HTTP/1.1 200 OK\r\n");
    /** The start lines of the other answers the HTTP broker's {@code /_sub} gives, made once. */
    private static final byte[][] COMMON_STATUS = {
        statusLineOf(400), statusLineOf(404), statusLineOf(405), statusLineOf(500), statusLineOf(503)};
    static final byte[] CONNECTION_CLOSE = ascii("Connection: close\r\n");
    static final byte[] CONNECTION_KEEP_ALIVE = ascii("Connection: keep-alive\r\n");
    static final byte[] CONTINUE_100 = ascii("HTTP/1.1 100 Continue\r\n\r\n");
    private static final byte[] CONTENT_LENGTH = ascii("Content-Length: ");
    private static final byte[] HEAD_END = ascii("\r\n\r\n");
    private static final byte[] EMPTY = new byte[0];

    /** RFC 9110 {@code tchar}: what a header name may hold. */
    private static final boolean[] TOKEN = new boolean[128];

    static {
        for (char c = 0x21; c < 0x7f; c++) {
            TOKEN[c] = "\"(),/:;<=>?@[\\]{}".indexOf(c) < 0;
        }
    }

    /**
     * Go's {@code http.DefaultMaxHeaderBytes} (1 MiB) bounds a request or response head: metadata travels in headers
     * and a {@code Micro-Error} detail can be long.
     */
    static final int MAX_HEAD_BYTES = 1024 * 1024;

    /** The largest slice the decoder hands over at once: big slices mean fewer content objects per body. */
    private static final int MAX_CHUNK = 1024 * 1024;

    /** Id of the errors the transport itself sends back, as Go Micro's server. */
    static final String SERVER_ID = "go.micro.server";

    /** Id of the error made from a non-200 response without {@code Micro-Error}, as Go Micro's client. */
    static final String CLIENT_ID = "go.micro.client.transport";

    private HttpWire() {
    }

    /** The decoder settings of both sides. */
    static HttpDecoderConfig decoderConfig() {
        return new HttpDecoderConfig()
                .setMaxInitialLineLength(16 * 1024)
                .setMaxHeaderSize(MAX_HEAD_BYTES)
                .setMaxChunkSize(MAX_CHUNK)
                .setInitialBufferSize(256);
    }

    /**
     * One message in one direct buffer: the start line, an optional {@code Connection} line, the headers of
     * {@code header} (minus the framing ones, which we own), {@code Content-Length} and the body.
     */
    static ByteBuf encode(ByteBufAllocator alloc, byte[] startLine, byte[] connection, Metadata header, byte[] body,
                          HeaderWriter writer) {
        ByteBuf buf = alloc.ioBuffer(startLine.length + 48 + header.size() * 64 + body.length);
        buf.writeBytes(startLine);
        if (connection != null) {
            buf.writeBytes(connection);
        }
        writer.target = buf;
        try {
            header.forEach(writer);
        } finally {
            writer.target = null;
        }
        buf.writeBytes(CONTENT_LENGTH);
        writeDecimal(buf, body.length);
        buf.writeBytes(HEAD_END);
        buf.writeBytes(body);
        return buf;
    }

    /** The start line of an answer with {@code status}: {@code HTTP/1.1 404 Not Found}. */
    static byte[] statusLine(int status) {
        if (status == 200) {
            return STATUS_200;
        }
        for (byte[] line : COMMON_STATUS) {
            // "HTTP/1.1 " is 9 bytes, then three digits
            if (line[9] - '0' == status / 100 && line[10] - '0' == status / 10 % 10 && line[11] - '0' == status % 10) {
                return line;
            }
        }
        return statusLineOf(status);
    }

    private static byte[] statusLineOf(int status) {
        return ascii("HTTP/1.1 " + status + " " + reason(status) + "\r\n");
    }

    /** The reason phrase of {@code status}: Go Micro's where it names one, else HTTP's. */
    static String reason(int status) {
        String reason = status == 505 ? "HTTP Version Not Supported" : MicroException.statusText(status);
        return reason.isEmpty() ? "Status " + status : reason;
    }

    /**
     * The answer carrying a transport-level error: {@code 200}, the way the RPC server sends its own (a Go Micro
     * client reads the error from {@code Micro-Error} only when the status is 200), except for a 505: a request in
     * another HTTP version is no Go Micro call, and its client reads the status line.
     */
    static ByteBuf encodeError(ByteBufAllocator alloc, MicroException e, HeaderWriter writer) {
        Message m = errorMessage(e);
        return encode(alloc, e.code() == 505 ? statusLine(505) : STATUS_200, CONNECTION_CLOSE, m.header(), m.body(),
                writer);
    }

    /** An error as the RPC server sends it: {@code Micro-Error} in both spellings, and the same JSON as the body. */
    static Message errorMessage(MicroException e) {
        String json = ErrorJson.write(e);
        return new Message(Metadata.of("Content-Type", "application/json", "Micro-Error", json,
                "X-Micro-Error", json), json.getBytes(StandardCharsets.UTF_8));
    }

    /** An error of {@link #SERVER_ID} with the reason phrase of {@code code}. */
    static MicroException serverError(int code, String detail) {
        return new MicroException(SERVER_ID, code, detail, reason(code));
    }

    /**
     * The headers of a decoded message as metadata, names as received. {@code Transfer-Encoding} is framing, and
     * {@code Host} is dropped when {@code dropHost}, as Go's server moves it out of the header map: neither means
     * anything to a handler, and an RPC server that echoes request headers must not send them back.
     */
    static Metadata metadata(HttpHeaders headers, boolean dropHost) {
        Metadata.Builder b = Metadata.builder(headers.size());
        Iterator<Map.Entry<CharSequence, CharSequence>> it = headers.iteratorCharSequence();
        while (it.hasNext()) {
            Map.Entry<CharSequence, CharSequence> e = it.next();
            CharSequence name = e.getKey();
            int n = name.length();
            if ((n == 17 && eq(name, "transfer-encoding")) || (dropHost && n == 4 && eq(name, "host"))) {
                continue;
            }
            b.put(name.toString(), fromWire(e.getValue().toString()));
        }
        return b.build();
    }

    /** Releases the body slices a connection kept ({@code null}: none). */
    static void release(List<ByteBuf> parts) {
        if (parts != null) {
            for (ByteBuf p : parts) {
                p.release();
            }
        }
    }

    /** The body as one array: the single copy the {@code Message} contract asks for. */
    static byte[] gather(List<ByteBuf> parts, int size) {
        if (size == 0) {
            return EMPTY;
        }
        byte[] out = new byte[size];
        int at = 0;
        for (ByteBuf p : parts) {
            int n = p.readableBytes();
            p.getBytes(p.readerIndex(), out, at, n);
            at += n;
        }
        return out;
    }

    static byte[] empty() {
        return EMPTY;
    }

    /**
     * The decoder reads header bytes as ISO-8859-1; Go writes UTF-8 there, so re-read non-ASCII values as UTF-8 (and
     * keep them as they are when they are not valid UTF-8).
     */
    static String fromWire(String value) {
        for (int i = 0, n = value.length(); i < n; i++) {
            if (value.charAt(i) >= 0x80) {
                try {
                    return StandardCharsets.UTF_8.newDecoder()
                            .onMalformedInput(CodingErrorAction.REPORT)
                            .onUnmappableCharacter(CodingErrorAction.REPORT)
                            .decode(ByteBuffer.wrap(value.getBytes(StandardCharsets.ISO_8859_1)))
                            .toString();
                } catch (CharacterCodingException notUtf8) {
                    return value;
                }
            }
        }
        return value;
    }

    /** {@code host:port} of a socket address, with brackets around an IPv6 literal, as Go prints addresses. */
    static String format(SocketAddress address) {
        if (address instanceof InetSocketAddress a) {
            if (a.getAddress() instanceof Inet6Address v6) {
                return "[" + NetUtil.toAddressString(v6) + "]:" + a.getPort(); // [::1], not [0:0:0:0:0:0:0:1]
            }
            String host = a.getHostString();
            return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.getPort();
        }
        return String.valueOf(address);
    }

    /** Splits {@code host:port} ({@code [v6]:port} too; an empty host means every interface). */
    static InetSocketAddress parse(String address, boolean resolve) {
        int colon = address.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("address: " + address + " (expected: host:port)");
        }
        String host = address.substring(0, colon);
        if (host.length() >= 2 && host.charAt(0) == '[' && host.charAt(host.length() - 1) == ']') {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(address.substring(colon + 1));
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("address: " + address + " (expected: host:port with port in [0, 65535])");
        }
        if (host.isEmpty()) {
            return new InetSocketAddress(port);
        }
        return resolve ? new InetSocketAddress(host, port) : InetSocketAddress.createUnresolved(host, port);
    }

    static boolean eq(CharSequence name, String lowerAscii) {
        for (int i = 0; i < lowerAscii.length(); i++) {
            if ((name.charAt(i) | 0x20) != lowerAscii.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static void writeDecimal(ByteBuf buf, int n) {
        if (n < 10) {
            buf.writeByte('0' + n);
            return;
        }
        int digits = 1;
        for (int p = n / 10; p > 0; p /= 10) {
            digits++;
        }
        buf.ensureWritable(digits);
        int end = buf.writerIndex() + digits;
        for (int i = end - 1; i >= buf.writerIndex(); i--) {
            buf.setByte(i, '0' + n % 10);
            n /= 10;
        }
        buf.writerIndex(end);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Writes {@code Name: value\r\n} lines into {@link #target}; one per connection, reused for every message, so
     * {@code Metadata.forEach} needs no capturing lambda.
     */
    static final class HeaderWriter implements BiConsumer<String, String> {

        ByteBuf target;

        @Override
        public void accept(String name, String value) {
            if (framing(name) || !token(name)) {
                // framing is ours to write; a name that is not an HTTP token cannot be sent at all
                return;
            }
            ByteBuf buf = target;
            ByteBufUtil.writeAscii(buf, name);
            buf.writeByte(':');
            buf.writeByte(' ');
            writeValue(buf, value);
            buf.writeByte('\r');
            buf.writeByte('\n');
        }

        private static void writeValue(ByteBuf buf, String value) {
            boolean ascii = true;
            for (int i = 0, n = value.length(); i < n; i++) {
                char c = value.charAt(i);
                if (c < 0x20 || c == 0x7f) {
                    if (c != '\t') {
                        // CR or LF would end the header early: a value must never inject headers
                        ByteBufUtil.writeUtf8(buf, sanitize(value));
                        return;
                    }
                } else if (c >= 0x80) {
                    ascii = false;
                }
            }
            if (ascii) {
                ByteBufUtil.writeAscii(buf, value);
            } else {
                ByteBufUtil.writeUtf8(buf, value);
            }
        }

        static String sanitize(String value) {
            StringBuilder sb = new StringBuilder(value.length());
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                sb.append((c < 0x20 && c != '\t') || c == 0x7f ? ' ' : c);
            }
            return sb.toString();
        }

        /** Content-Length, Transfer-Encoding, Connection, Keep-Alive and Host describe this hop, which we frame. */
        static boolean framing(String name) {
            return switch (name.length()) {
                case 4 -> eq(name, "host");
                case 10 -> eq(name, "connection") || eq(name, "keep-alive");
                case 14 -> eq(name, "content-length");
                case 17 -> eq(name, "transfer-encoding");
                default -> false;
            };
        }

        static boolean token(String name) {
            if (name.isEmpty()) {
                return false;
            }
            for (int i = 0, n = name.length(); i < n; i++) {
                char c = name.charAt(i);
                if (c >= 128 || !TOKEN[c]) {
                    return false;
                }
            }
            return true;
        }
    }
}
