package io.microcdi.transport.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder;
import io.netty.handler.codec.http2.DefaultHttp2HeadersEncoder;
import io.netty.handler.codec.http2.Http2Headers;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A raw HTTP/2 client (cleartext, prior knowledge) that frames by hand: it sends what a test tells it, ignoring the
 * server's limits, so a test can drive a connection past them. Header blocks are HPACK-encoded by Netty's encoder.
 *
 * <pre>{@code
 * try (RawH2 h2 = RawH2.connect(l.address())) {
 *     h2.headers(1, "POST", "/", true);
 *     RawH2.Frame f = h2.nextFrame(x -> x.type() == RawH2.HEADERS);
 * }
 * }</pre>
 */
final class RawH2 implements AutoCloseable {

    static final int DATA = 0;
    static final int HEADERS = 1;
    static final int RST_STREAM = 3;
    static final int SETTINGS = 4;
    static final int GOAWAY = 7;
    static final int SETTINGS_MAX_CONCURRENT_STREAMS = 3;
    static final long REFUSED_STREAM = 7;

    private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private final DefaultHttp2HeadersEncoder encoder = new DefaultHttp2HeadersEncoder();
    private final DefaultHttp2HeadersDecoder decoder = new DefaultHttp2HeadersDecoder(false);
    private final Map<Integer, Long> serverSettings = new HashMap<>();

    private RawH2(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    /** Connects, exchanges SETTINGS (ours empty) and acknowledges the server's, so that they apply. */
    static RawH2 connect(String address) throws IOException {
        Socket s = new Socket();
        s.setSoTimeout(10_000);
        var a = HttpWire.parse(address, true);
        s.connect(new InetSocketAddress(a.getAddress(), a.getPort()), 5_000);
        RawH2 h2 = new RawH2(s);
        h2.out.write(PREFACE);
        h2.frame(SETTINGS, 0, 0, new byte[0]);
        Frame settings = h2.nextFrame(f -> f.type() == SETTINGS && (f.flags() & 1) == 0);
        for (int i = 0; i + 6 <= settings.payload().length; i += 6) {
            byte[] p = settings.payload();
            int id = ((p[i] & 0xff) << 8) | (p[i + 1] & 0xff);
            long value = ((long) (p[i + 2] & 0xff) << 24) | ((p[i + 3] & 0xff) << 16) | ((p[i + 4] & 0xff) << 8)
                    | (p[i + 5] & 0xff);
            h2.serverSettings.put(id, value);
        }
        h2.frame(SETTINGS, 1, 0, new byte[0]); // ACK: the server's settings apply from here
        return h2;
    }

    Map<Integer, Long> serverSettings() {
        return serverSettings;
    }

    /** A HEADERS frame opening {@code stream}, with extra headers as name, value pairs. */
    void headers(int stream, String method, String path, boolean endStream, String... extra) throws IOException {
        Http2Headers h = new DefaultHttp2Headers().method(method).path(path).scheme("http").authority("x");
        h.add("content-type", "application/json");
        for (int i = 0; i < extra.length; i += 2) {
            h.add(extra[i], extra[i + 1]);
        }
        ByteBuf block = Unpooled.buffer();
        try {
            encoder.encodeHeaders(stream, h, block);
            byte[] bytes = new byte[block.readableBytes()];
            block.readBytes(bytes);
            frame(HEADERS, 0x4 | (endStream ? 0x1 : 0), stream, bytes); // END_HEADERS
        } catch (io.netty.handler.codec.http2.Http2Exception e) {
            throw new IOException(e);
        } finally {
            block.release();
        }
    }

    void data(int stream, byte[] bytes, boolean endStream) throws IOException {
        frame(DATA, endStream ? 0x1 : 0, stream, bytes);
    }

    private void frame(int type, int flags, int stream, byte[] payload) throws IOException {
        byte[] head = {(byte) (payload.length >>> 16), (byte) (payload.length >>> 8), (byte) payload.length,
            (byte) type, (byte) flags, (byte) (stream >>> 24), (byte) (stream >>> 16), (byte) (stream >>> 8),
            (byte) stream};
        out.write(head);
        out.write(payload);
        out.flush();
    }

    /** The next frame from the server that matches, skipping the others. */
    Frame nextFrame(Predicate<Frame> wanted) throws IOException {
        while (true) {
            byte[] head = new byte[9];
            in.readFully(head);
            int length = ((head[0] & 0xff) << 16) | ((head[1] & 0xff) << 8) | (head[2] & 0xff);
            int stream = ((head[5] & 0x7f) << 24) | ((head[6] & 0xff) << 16) | ((head[7] & 0xff) << 8)
                    | (head[8] & 0xff);
            byte[] payload = new byte[length];
            in.readFully(payload);
            int type = head[3] & 0xff;
            Http2Headers headers = null;
            if (type == HEADERS) {
                // every block is decoded, skipped or not: HPACK's table is the connection's
                ByteBuf block = Unpooled.wrappedBuffer(payload);
                try {
                    headers = decoder.decodeHeaders(stream, block);
                } catch (io.netty.handler.codec.http2.Http2Exception e) {
                    throw new IOException(e);
                }
            }
            Frame f = new Frame(type, head[4] & 0xff, stream, payload, headers);
            if (wanted.test(f)) {
                return f;
            }
        }
    }

    /** Shuts the client's side down: the server reads the end of the stream, and may still write. */
    void shutdownOutput() throws IOException {
        socket.shutdownOutput();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    /** One frame as received; a HEADERS frame with its decoded headers. */
    record Frame(int type, int flags, int streamId, byte[] payload, Http2Headers headers) {

        /** The error code of a RST_STREAM. */
        long errorCode() {
            return ((long) (payload[0] & 0xff) << 24) | ((payload[1] & 0xff) << 16) | ((payload[2] & 0xff) << 8)
                    | (payload[3] & 0xff);
        }

        /** A header of a HEADERS frame, or {@code null}. */
        String header(String name) {
            CharSequence v = headers == null ? null : headers.get(name);
            return v == null ? null : v.toString();
        }
    }
}
