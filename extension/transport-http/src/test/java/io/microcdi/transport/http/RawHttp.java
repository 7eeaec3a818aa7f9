package io.microcdi.transport.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A raw TCP client for the limit tests: it writes what a test tells it, byte for byte, and reads answers the same way,
 * so a test can be the slow, greedy or broken client a real one would never be.
 *
 * <pre>{@code
 * try (RawHttp c = RawHttp.connect(l.address())) {
 *     c.write("POST / HTTP/1.1\r\nHost: x\r\n");   // and never finish the head
 *     String answer = c.readToEnd();
 * }
 * }</pre>
 */
final class RawHttp implements AutoCloseable {

    final Socket socket;
    final InputStream in;
    final OutputStream out;

    private RawHttp(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new java.io.BufferedInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    static RawHttp connect(String address) throws IOException {
        return connect(address, 0);
    }

    /** Connects with a receive buffer of {@code receiveBuffer} bytes (0: the system's). */
    static RawHttp connect(String address, int receiveBuffer) throws IOException {
        Socket s = new Socket();
        if (receiveBuffer > 0) {
            s.setReceiveBufferSize(receiveBuffer); // before connect, so the window is small from the start
        }
        s.setSoTimeout(10_000);
        var a = HttpWire.parse(address, true);
        s.connect(new InetSocketAddress(a.getAddress(), a.getPort()), 5_000);
        return new RawHttp(s);
    }

    void write(String text) throws IOException {
        write(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    void write(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** A complete {@code POST /} call with a JSON body. */
    static String call(String body) {
        return "POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: "
                + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body;
    }

    /** Everything until the server closes (or the read timeout, which fails). */
    String readToEnd() throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        int n;
        try {
            while ((n = in.read(buf)) >= 0) {
                all.write(buf, 0, n);
            }
        } catch (java.net.SocketException reset) {
            // a reset after the answer: what came before still counts
        }
        return all.toString(StandardCharsets.UTF_8);
    }

    /** One answer with a {@code Content-Length}: its head and body. */
    String readAnswer() throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed after " + head);
            }
            head.append((char) b);
        }
        int at = head.indexOf("Content-Length: ");
        int length = Integer.parseInt(head.substring(at + 16, head.indexOf("\r\n", at)));
        byte[] body = in.readNBytes(length);
        return head + new String(body, StandardCharsets.UTF_8);
    }

    /** Whether the server closed the connection: the next read ends the stream (or resets). */
    boolean closedByServer() {
        try {
            return in.read() < 0;
        } catch (IOException e) {
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
