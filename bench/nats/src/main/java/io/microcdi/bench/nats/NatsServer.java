package io.microcdi.bench.nats;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

/**
 * A nats-server child process on a free port of 127.0.0.1, JetStream on, its store in a fresh directory that is
 * deleted when the server stops.
 *
 * <pre>{@code
 * try (NatsServer s = NatsServer.start(Path.of("/usr/sbin/nats-server"), Path.of("target/nats-server.log"))) {
 *     connect(s.url());
 * }
 * }</pre>
 */
final class NatsServer implements AutoCloseable {

    private static final InetAddress LOOPBACK = loopback();

    private final Process process;
    private final int port;
    private final Path store;
    private final AtomicBoolean closed = new AtomicBoolean();

    private NatsServer(Process process, int port, Path store) {
        this.process = process;
        this.port = port;
        this.store = store;
    }

    /** Starts the server and returns once it accepts connections (10 s at most per attempt, 5 attempts). */
    static NatsServer start(Path binary, Path log) throws IOException, InterruptedException {
        Files.createDirectories(log.toAbsolutePath().getParent());
        IOException last = null;
        for (int attempt = 1; attempt <= 5; attempt++) {
            int port = freePort();
            Path store = Files.createTempDirectory("microcdi-nats-bench-");
            Process p = new ProcessBuilder(List.of(binary.toString(), "-a", "127.0.0.1", "-p", String.valueOf(port),
                    "-js", "-sd", store.toString()))
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            NatsServer server = new NatsServer(p, port, store);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (System.nanoTime() < deadline && p.isAlive()) {
                if (accepts(port)) {
                    return server;
                }
                Thread.sleep(20);
            }
            server.close(); // the port was taken meanwhile, or the server could not start: see the log
            last = new IOException("nats-server did not listen on 127.0.0.1:" + port + " (see " + log + ")");
        }
        throw last;
    }

    /** {@code nats://127.0.0.1:<port>} */
    String url() {
        return "nats://127.0.0.1:" + port;
    }

    long pid() {
        return process.pid();
    }

    /** What {@code nats-server --version} prints, or {@code ?}. */
    static String version(Path binary) {
        try {
            Process p = new ProcessBuilder(binary.toString(), "--version").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            p.waitFor(5, TimeUnit.SECONDS);
            return out.isEmpty() ? "?" : out;
        } catch (IOException e) {
            return "?";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "?";
        }
    }

    /** Stops the server (TERM, KILL after 5 s) and deletes its store. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> files = Files.walk(store)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            System.err.println("[nats-bench] could not delete " + store + ": " + e);
        }
    }

    private static InetAddress loopback() {
        try {
            return InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, LOOPBACK)) {
            return s.getLocalPort();
        }
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(LOOPBACK, port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
