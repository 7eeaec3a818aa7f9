package io.microcdi.transport.http;

import io.microcdi.internal.config.DefaultMicroConfig;
import io.microcdi.metadata.Metadata;
import io.microcdi.transport.Exchange;
import io.microcdi.transport.Message;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Bad streams on a cleartext HTTP/2 connection, written frame by frame on a raw socket: a bad stream is reset (or
 * answered 400) and the others on the connection are served; a stream left half sent does not hold the connection.
 */
class Http2StreamErrorTest {

    private static final int DATA = 0;
    private static final int HEADERS = 1;
    private static final int RST_STREAM = 3;
    private static final int SETTINGS = 4;
    private static final int GOAWAY = 7;
    private static final int END_STREAM = 0x1;
    private static final int END_HEADERS = 0x4;

    private final List<AutoCloseable> closing = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
    }

    private HttpListener listen(Map<String, String> config) {
        HttpTransport t = new HttpTransport(HttpTransportConfig.from(DefaultMicroConfig.of(config)));
        closing.add(t);
        return (HttpListener) t.listen("127.0.0.1:0", Http2StreamErrorTest::echo);
    }

    private static void echo(Exchange ex) {
        ex.reply(new Message(Metadata.of("Content-Type", "application/json"), ex.request().body()));
    }

    private Socket connect(HttpListener l) throws IOException {
        Socket s = new Socket();
        closing.add(s);
        s.connect(HttpWire.parse(l.address(), true), 5000);
        s.setSoTimeout(10_000); // the bound on every wait below
        OutputStream out = s.getOutputStream();
        out.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        frame(out, SETTINGS, 0, 0, new byte[0]);
        return s;
    }

    @Test
    void aContentLengthMismatchResetsItsStreamAndTheNextStreamIsAnswered() throws Exception {
        HttpListener l = listen(Map.of());
        Socket s = connect(l);
        OutputStream out = s.getOutputStream();
        frame(out, HEADERS, END_HEADERS, 1, headers("POST", "2"));
        frame(out, DATA, END_STREAM, 1, "12345".getBytes(StandardCharsets.US_ASCII));
        frame(out, HEADERS, END_HEADERS, 3, headers("POST", "2"));
        frame(out, DATA, END_STREAM, 3, "{}".getBytes(StandardCharsets.US_ASCII));
        out.flush();

        Frames seen = readUntilEnd(s, 3);
        assertThat(seen.resets).containsEntry(1, 1); // PROTOCOL_ERROR
        assertThat(seen.body(3)).isEqualTo("{}");
        assertThat(seen.goAway).isFalse();
        assertThat(l.connections()).isEqualTo(1);
    }

    @Test
    void anInvalidMethodRefusesOnlyItsStream() throws Exception {
        HttpListener l = listen(Map.of());
        Socket s = connect(l);
        OutputStream out = s.getOutputStream();
        frame(out, HEADERS, END_HEADERS | END_STREAM, 1, headers("G T", null));
        frame(out, HEADERS, END_HEADERS, 3, headers("POST", "2"));
        frame(out, DATA, END_STREAM, 3, "{}".getBytes(StandardCharsets.US_ASCII));
        out.flush();

        Frames seen = readUntilEnd(s, 3);
        assertThat(seen.body(3)).isEqualTo("{}");
        if (!seen.resets.containsKey(1)) {
            readUntilEnd(s, 1, seen);
            assertThat(seen.body(1)).contains("\"code\":400").contains(":method");
        }
        assertThat(seen.goAway).isFalse();
    }

    @Test
    void aStreamLeftHalfSentIsResetWhenTheConnectionIdles() throws Exception {
        HttpListener l = listen(Map.of("micro.transport.http.idle-timeout", "300ms"));
        Socket s = connect(l);
        OutputStream out = s.getOutputStream();
        // content-length 10, and then nothing
        frame(out, HEADERS, END_HEADERS, 1, headers("POST", "10"));
        out.flush();

        Frames seen = new Frames();
        DataInputStream in = new DataInputStream(s.getInputStream());
        try {
            while (true) {
                read(in, seen); // times out (failing the test) if the server holds the connection
            }
        } catch (EOFException closed) {
            // the server closed the connection
        }
        assertThat(seen.resets).containsEntry(1, 8); // CANCEL
        assertThat(seen.goAway).isTrue();
        await().atMost(Duration.ofSeconds(5)).until(() -> l.connections() == 0);
    }

    /** A request's header block, HPACK literals without indexing (no Huffman). */
    private static byte[] headers(String method, String contentLength) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        literal(b, ":method", method);
        literal(b, ":scheme", "http");
        literal(b, ":path", "/");
        literal(b, ":authority", "localhost");
        literal(b, "content-type", "application/json");
        literal(b, "micro-endpoint", "Greeter.Hello");
        if (contentLength != null) {
            literal(b, "content-length", contentLength);
        }
        return b.toByteArray();
    }

    private static void literal(ByteArrayOutputStream b, String name, String value) {
        b.write(0);
        for (String s : new String[] {name, value}) {
            byte[] bytes = s.getBytes(StandardCharsets.US_ASCII);
            b.write(bytes.length); // all shorter than 127
            b.writeBytes(bytes);
        }
    }

    private static void frame(OutputStream out, int type, int flags, int stream, byte[] payload) throws IOException {
        int n = payload.length;
        out.write(new byte[] {(byte) (n >>> 16), (byte) (n >>> 8), (byte) n, (byte) type, (byte) flags,
                (byte) (stream >>> 24), (byte) (stream >>> 16), (byte) (stream >>> 8), (byte) stream});
        out.write(payload);
    }

    private static Frames readUntilEnd(Socket s, int stream) throws IOException {
        Frames seen = new Frames();
        readUntilEnd(s, stream, seen);
        return seen;
    }

    /** Reads frames until {@code stream} ends (DATA or HEADERS with END_STREAM, or RST_STREAM). */
    private static void readUntilEnd(Socket s, int stream, Frames seen) throws IOException {
        DataInputStream in = new DataInputStream(s.getInputStream());
        while (!seen.ended.contains(stream)) {
            read(in, seen);
        }
    }

    private static void read(DataInputStream in, Frames seen) throws IOException {
        int length = in.readUnsignedShort() << 8 | in.readUnsignedByte();
        int type = in.readUnsignedByte();
        int flags = in.readUnsignedByte();
        int stream = in.readInt() & 0x7fffffff;
        byte[] payload = new byte[length];
        in.readFully(payload);
        switch (type) {
            case DATA -> seen.bodies.computeIfAbsent(stream, k -> new ByteArrayOutputStream()).writeBytes(payload);
            case RST_STREAM -> {
                seen.resets.put(stream, ((payload[0] & 0xff) << 24) | ((payload[1] & 0xff) << 16)
                        | ((payload[2] & 0xff) << 8) | (payload[3] & 0xff));
                seen.ended.add(stream);
            }
            case GOAWAY -> seen.goAway = true;
            default -> {
                // settings, window updates, pings, response headers: not looked into
            }
        }
        if ((type == DATA || type == HEADERS) && (flags & END_STREAM) != 0) {
            seen.ended.add(stream);
        }
    }

    private static final class Frames {
        final Map<Integer, ByteArrayOutputStream> bodies = new HashMap<>();
        final Map<Integer, Integer> resets = new HashMap<>();
        final List<Integer> ended = new ArrayList<>();
        boolean goAway;

        String body(int stream) {
            ByteArrayOutputStream b = bodies.get(stream);
            return b == null ? null : b.toString(StandardCharsets.UTF_8);
        }
    }
}
