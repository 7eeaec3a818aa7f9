package io.microcdi.testing.nats;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import static org.awaitility.Awaitility.await;

/**
 * A NATS client in a few lines of the text protocol over a {@link Socket}: enough to test {@link NatsServer} without
 * a NATS client library on the class path. {@code INFO} on connect, {@code CONNECT {...}}, {@code SUB subject sid},
 * {@code PUB subject [reply] n\r\npayload}, {@code MSG subject sid [reply] n\r\npayload}, {@code PING}/{@code PONG}.
 */
final class RawNats implements AutoCloseable {

    private static final Duration LONG = Duration.ofSeconds(10);

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    /** The bytes of a line not read whole yet when a read timed out. */
    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
    private int nextSid = 1000;
    /** The {@code INFO {...}} line the server sent first. */
    final String info;

    private RawNats(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
        this.info = line(LONG).orElseThrow(() -> new IOException("no INFO from " + socket));
        if (!info.startsWith("INFO ")) {
            throw new IOException("expected INFO, got: " + info);
        }
        // headers and no_responders: a request nobody listens to is answered at once with a 503 status (HMSG)
        send("CONNECT {\"verbose\":false,\"pedantic\":false,\"name\":\"raw-nats-test\",\"lang\":\"java\","
                + "\"headers\":true,\"no_responders\":true}\r\n");
        ping();
    }

    static RawNats connect(NatsServer.Node node) throws IOException {
        Socket s = new Socket();
        try {
            s.connect(new InetSocketAddress("127.0.0.1", node.port()), 2_000);
            s.setTcpNoDelay(true);
            return new RawNats(s);
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    void sub(String subject, int sid) throws IOException {
        send("SUB " + subject + " " + sid + "\r\n");
    }

    void pub(String subject, String payload) throws IOException {
        pub(subject, null, payload);
    }

    void pub(String subject, String replyTo, String payload) throws IOException {
        byte[] body = payload.getBytes(StandardCharsets.UTF_8);
        send("PUB " + subject + (replyTo == null ? "" : " " + replyTo) + " " + body.length + "\r\n" + payload + "\r\n");
    }

    /** {@code HPUB}: a message with headers ({@code name: value} lines after {@code NATS/1.0}). */
    void hpub(String subject, String replyTo, String headers, String payload) throws IOException {
        byte[] h = ("NATS/1.0\r\n" + headers + "\r\n").getBytes(StandardCharsets.UTF_8);
        byte[] body = payload.getBytes(StandardCharsets.UTF_8);
        send("HPUB " + subject + (replyTo == null ? "" : " " + replyTo) + " " + h.length + " " + (h.length + body.length)
                + "\r\n" + new String(h, StandardCharsets.UTF_8) + payload + "\r\n");
    }

    /** Sends {@code PING} and waits for {@code PONG}: the server has then handled everything sent before. */
    void ping() throws IOException {
        send("PING\r\n");
        while (true) {
            String l = line(LONG).orElseThrow(() -> new IOException("no PONG within " + LONG));
            if (l.equals("PONG")) {
                return;
            }
            if (l.startsWith("MSG ") || l.startsWith("HMSG ")) {
                String[] f = l.split(" ");
                readExactly(Integer.parseInt(f[f.length - 1]) + 2);   // a message still on its way: dropped
            } else {
                other(l);
            }
        }
    }

    /** The next message, or nothing when none arrives within {@code timeout}. */
    Optional<Msg> next(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return Optional.empty();
            }
            Optional<String> l = line(Duration.ofNanos(left));
            if (l.isEmpty()) {
                return Optional.empty();
            }
            if (l.get().startsWith("MSG ")) {
                // MSG <subject> <sid> [reply-to] <#bytes>
                String[] f = l.get().split(" ");
                int size = Integer.parseInt(f[f.length - 1]);
                byte[] payload = readExactly(size + 2);
                return Optional.of(new Msg(f[1], f[2], f.length == 5 ? f[3] : null,
                        new String(payload, 0, size, StandardCharsets.UTF_8), null));
            }
            if (l.get().startsWith("HMSG ")) {
                // HMSG <subject> <sid> [reply-to] <#header bytes> <#total bytes>
                String[] f = l.get().split(" ");
                int headerSize = Integer.parseInt(f[f.length - 2]);
                int size = Integer.parseInt(f[f.length - 1]);
                byte[] all = readExactly(size + 2);
                return Optional.of(new Msg(f[1], f[2], f.length == 6 ? f[3] : null,
                        new String(all, headerSize, size - headerSize, StandardCharsets.UTF_8),
                        new String(all, 0, headerSize, StandardCharsets.UTF_8)));
            }
            other(l.get());
        }
    }

    /**
     * A reply to a request: subscribes to a fresh inbox, publishes with it as reply-to, and waits for the answer
     * (messages on other subjects that arrive meanwhile are dropped).
     */
    String request(String subject, String payload, Duration timeout) throws IOException {
        return tryRequest(subject, payload, timeout)
                .orElseThrow(() -> new IOException("no reply to " + subject + " within " + timeout));
    }

    /** {@link #request}, or nothing when no reply arrives within {@code timeout}. */
    Optional<String> tryRequest(String subject, String payload, Duration timeout) throws IOException {
        return tryRequest(inbox -> pub(subject, inbox, payload), timeout).map(Msg::payload);
    }

    /**
     * Publishes a JetStream message with a {@code Nats-Msg-Id} (the stream drops a second copy of it) until the stream
     * acknowledges it: a stream just created or just given a new leader has its subscription on its leader's node,
     * and the other nodes learn of it a moment later; until then a publish there has no responder (a 503 status).
     *
     * @return the acknowledgement, {@code {"stream":"ORDERS","seq":1}}
     * @throws org.awaitility.core.ConditionTimeoutException when there is none within {@code timeout}
     */
    String jsPublish(String subject, String msgId, String payload, Duration timeout) {
        AtomicReference<Optional<Msg>> last = new AtomicReference<>(Optional.empty());
        await("an acknowledgement of " + subject).atMost(timeout).pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(20)).until(() -> {
                    last.set(tryRequest(inbox -> hpub(subject, inbox, "Nats-Msg-Id: " + msgId + "\r\n", payload),
                            Duration.ofSeconds(1)));
                    return last.get().filter(m -> m.headers() == null || !m.headers().contains(" 503")).isPresent();
                });
        return last.get().orElseThrow().payload();
    }

    private Optional<Msg> tryRequest(Sender sender, Duration timeout) throws IOException {
        int sid = nextSid++;
        String inbox = "_INBOX.raw." + sid;
        sub(inbox, sid);
        sender.send(inbox);
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (true) {
                long left = deadline - System.nanoTime();
                Optional<Msg> m = left <= 0 ? Optional.empty() : next(Duration.ofNanos(left));
                if (m.isEmpty()) {
                    return Optional.empty();
                }
                if (m.get().subject().equals(inbox)) {
                    return m;
                }
            }
        } finally {
            send("UNSUB " + sid + "\r\n");
        }
    }

    private void other(String line) throws IOException {
        if (line.equals("PING")) {
            send("PONG\r\n");
        } else if (line.startsWith("-ERR")) {
            throw new IOException("server said " + line);
        }
        // +OK, INFO updates (cluster URLs): nothing to do
    }

    private void send(String s) throws IOException {
        out.write(s.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** The next line without its CR LF, or nothing when none is complete within {@code timeout}. */
    private Optional<String> line(Duration timeout) throws IOException {
        socket.setSoTimeout((int) Math.max(1, timeout.toMillis()));
        try {
            for (int b; (b = in.read()) != -1; ) {
                if (b == '\n') {
                    String l = partial.toString(StandardCharsets.UTF_8);
                    partial.reset();
                    return Optional.of(l.endsWith("\r") ? l.substring(0, l.length() - 1) : l);
                }
                partial.write(b);
            }
            throw new EOFException("connection closed by the server");
        } catch (SocketTimeoutException e) {
            return Optional.empty();
        }
    }

    private byte[] readExactly(int n) throws IOException {
        socket.setSoTimeout((int) LONG.toMillis());
        byte[] b = in.readNBytes(n);
        if (b.length < n) {
            throw new EOFException("connection closed in a message");
        }
        return b;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    /** A message; {@code headers} is {@code null} for a {@code MSG}, the header block for an {@code HMSG}. */
    record Msg(String subject, String sid, String replyTo, String payload, String headers) {
    }

    private interface Sender {
        void send(String inbox) throws IOException;
    }
}
