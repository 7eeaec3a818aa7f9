package io.microcdi.testing;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;

/**
 * A program a test runs beside it (etcd, nats-server, Kafka, a second JVM): started with its arguments, environment
 * and working directory, its output in a log file, waited for until a log line matches or a TCP port accepts, and
 * always stopped: by {@link #close()}, or by a JVM shutdown hook when the test never got there.
 *
 * <pre>{@code
 * int port = FreePorts.one();
 * try (ExternalProcess etcd = ExternalProcess.builder("etcd")
 *         .args("--listen-client-urls", "http://127.0.0.1:" + port,
 *               "--advertise-client-urls", "http://127.0.0.1:" + port)
 *         .directory(tempDir)
 *         .readyWhenPortAccepts(port)
 *         .start()) {
 *     ... // talk to 127.0.0.1:port
 * }   // SIGTERM, then SIGKILL if it has not ended within the stop timeout
 * }</pre>
 */
public final class ExternalProcess implements AutoCloseable {

    /** How long {@link Builder#start()} waits for the ready condition unless told. */
    public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(30);

    /** How long {@link #stop()} waits after SIGTERM before it kills, unless told. */
    public static final Duration DEFAULT_STOP_TIMEOUT = Duration.ofSeconds(10);

    private static final Duration POLL = Duration.ofMillis(25);
    private static final int TAIL_LINES = 40;

    private final String name;
    private final Process process;
    private final Path log;
    private final Duration stopTimeout;
    private final Thread shutdownHook;
    /**
     * Where {@link #awaitLogLine} stopped reading the file, so that a long log is read once; at first, where the file
     * ended when this process started (a restart appends to the log of the run before, whose lines are not its own).
     */
    private long logPosition;
    private final StringBuilder partialLine = new StringBuilder();
    /** Lines read from the file that {@link #awaitLogLine} has not looked at yet. */
    private final java.util.ArrayDeque<String> unread = new java.util.ArrayDeque<>();
    private volatile Integer exitCode;

    private ExternalProcess(String name, Process process, Path log, long logStart, Duration stopTimeout) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.logPosition = logStart;
        this.stopTimeout = stopTimeout;
        this.shutdownHook = new Thread(this::stopQuietly, "stop-" + name);
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** A builder for {@code program} (a path, or a name looked up on {@code PATH}) with {@code args}. */
    public static Builder builder(String program, String... args) {
        return new Builder(program).args(args);
    }

    /** A builder for a {@code main} class run by this JVM's {@code java} with this JVM's class path. */
    public static Builder java(Class<?> main, String... args) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new Builder(java).name(main.getSimpleName())
                .args("-cp", System.getProperty("java.class.path"), main.getName()).args(args);
    }

    /** {@code program} found on {@code PATH}, if it is there and executable. */
    public static Optional<Path> onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        return Arrays.stream(path.split(java.io.File.pathSeparator))
                .filter(dir -> !dir.isEmpty())
                .map(dir -> Path.of(dir, program))
                .filter(Files::isExecutable)
                .findFirst();
    }

    /** The process id. */
    public long pid() {
        return process.pid();
    }

    /** Whether the process is still running. */
    public boolean isAlive() {
        return process.isAlive();
    }

    /** The file that receives the process's standard output and standard error. */
    public Path log() {
        return log;
    }

    /** The last {@code lines} lines of the log, for a failure message. */
    public String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(log " + log + " unreadable: " + e.getMessage() + ")";
        }
    }

    /**
     * Waits until a log line not looked at by an earlier call matches {@code pattern} (anywhere in the line), and
     * returns it; the lines before it are passed over, the lines after it are left for the next call.
     *
     * @throws IllegalStateException when the process ends first or {@code timeout} passes; the message holds the log's
     *                               tail
     */
    public String awaitLogLine(Pattern pattern, Duration timeout) {
        Objects.requireNonNull(pattern, "pattern");
        String[] found = new String[1];
        awaitReady("a log line matching /" + pattern + "/", timeout, () -> {
            for (String line; (line = nextLine()) != null; ) {
                if (pattern.matcher(line).find()) {
                    found[0] = line;
                    return true;
                }
            }
            return false;
        });
        return found[0];
    }

    /**
     * Waits until {@code host:port} accepts a TCP connection.
     *
     * @throws IllegalStateException when the process ends first or {@code timeout} passes
     */
    public void awaitPort(String host, int port, Duration timeout) {
        awaitReady(host + ":" + port + " to accept connections", timeout, () -> accepts(host, port));
    }

    /**
     * Waits for the process to end on its own (a command that runs to completion: a build, a curl).
     *
     * <pre>{@code
     * ExternalProcess mvn = ExternalProcess.builder("mvn", "-q", "package").directory(project).start();
     * assertThat(mvn.awaitExit(Duration.ofMinutes(5))).as(mvn.logTail(40)).isZero();
     * }</pre>
     *
     * @return its exit code
     * @throws AssertionError when it has not ended within {@code timeout}; it is then stopped, and the message holds
     *                        the end of its log
     */
    public int awaitExit(Duration timeout) {
        try {
            if (process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                return stop(); // ended: collects the exit code and removes the hook
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        stop();
        throw new AssertionError(name + " did not end within " + timeout + "; its log ends with:\n"
                + logTail(TAIL_LINES));
    }

    /**
     * Stops the process: SIGTERM, then, if it has not ended within the stop timeout, SIGKILL to it and to what it
     * started. Stopping a stopped process returns its exit code again.
     *
     * @return the exit code ({@code 143} after SIGTERM, {@code 137} after SIGKILL on Linux)
     */
    public synchronized int stop() {
        if (exitCode != null) {
            return exitCode;
        }
        List<ProcessHandle> children = process.descendants().toList();
        process.destroy();
        try {
            if (!process.waitFor(stopTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(stopTimeout.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        // what it started and left behind (a wrapper script's child) goes too
        for (ProcessHandle child : children) {
            child.destroyForcibly();
        }
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        exitCode = process.isAlive() ? -1 : process.exitValue();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down: the hook is what called us
        }
        return exitCode;
    }

    /**
     * Kills the process at once (SIGKILL, no chance to clean up), as a crash would, and waits for it to end.
     *
     * @return the exit code ({@code 137} on Linux)
     */
    public synchronized int kill() {
        if (exitCode != null) {
            return exitCode;
        }
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        return stop(); // it is gone: this only collects the exit code and removes the hook
    }

    /** {@link #stop()}. */
    @Override
    public void close() {
        stop();
    }

    private void stopQuietly() {
        try {
            stop();
        } catch (RuntimeException e) {
            process.destroyForcibly();
        }
    }

    private void awaitReady(String what, Duration timeout, java.util.concurrent.Callable<Boolean> ready) {
        boolean[] died = new boolean[1];
        try {
            await(name + ": " + what).atMost(timeout).pollDelay(Duration.ZERO).pollInterval(POLL)
                    .until(() -> {
                        if (ready.call()) {
                            return true;
                        }
                        if (!process.isAlive()) {
                            died[0] = !ready.call(); // its last words may be the line we wait for
                            return true;
                        }
                        return false;
                    });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new IllegalStateException(name + " (pid " + pid() + "): no " + what + " within "
                    + timeout.toMillis() + " ms; log " + log + " ends with:\n" + logTail(TAIL_LINES), e);
        }
        if (died[0]) {
            throw new IllegalStateException(name + " (pid " + pid() + ") ended with exit code "
                    + process.exitValue() + " before " + what + "; log " + log + " ends with:\n"
                    + logTail(TAIL_LINES));
        }
    }

    /** The next complete line of the log not read yet, or {@code null} when there is none so far. */
    private synchronized String nextLine() throws IOException {
        if (unread.isEmpty()) {
            readNewLines();
        }
        return unread.poll();
    }

    private void readNewLines() throws IOException {
        try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
            long length = file.length();
            if (length <= logPosition) {
                return;
            }
            byte[] bytes = new byte[(int) Math.min(length - logPosition, 1 << 20)];
            file.seek(logPosition);
            file.readFully(bytes);
            logPosition += bytes.length;
            partialLine.append(new String(bytes, StandardCharsets.UTF_8));
        }
        int start = 0;
        for (int nl; (nl = partialLine.indexOf("\n", start)) >= 0; start = nl + 1) {
            unread.add(partialLine.substring(start, nl).replace("\r", ""));
        }
        partialLine.delete(0, start);
    }

    private static boolean accepts(String host, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public String toString() {
        return name + " (pid " + pid() + (isAlive() ? ", running)" : ", ended)");
    }

    /** How to start an {@link ExternalProcess}. */
    public static final class Builder {

        private final List<String> command = new ArrayList<>();
        private final Map<String, String> environment = new LinkedHashMap<>();
        private String name;
        private Path directory;
        private Path log;
        private Pattern readyLine;
        private String readyHost;
        private int readyPort;
        private Duration startTimeout = DEFAULT_START_TIMEOUT;
        private Duration stopTimeout = DEFAULT_STOP_TIMEOUT;

        private Builder(String program) {
            command.add(Objects.requireNonNull(program, "program"));
            name = Path.of(program).getFileName().toString();
        }

        /** Appends arguments. */
        public Builder args(String... args) {
            for (String a : args) {
                command.add(Objects.requireNonNull(a, "arg"));
            }
            return this;
        }

        /** Sets an environment variable for the process (the rest of this JVM's environment is inherited). */
        public Builder env(String key, String value) {
            environment.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /** The working directory; this JVM's when unset. */
        public Builder directory(Path dir) {
            this.directory = Objects.requireNonNull(dir, "dir");
            return this;
        }

        /** The file that receives standard output and standard error (appended to); a temporary file when unset. */
        public Builder log(Path file) {
            this.log = Objects.requireNonNull(file, "file");
            return this;
        }

        /** The name used in messages and in the stopping thread's name; the program's file name when unset. */
        public Builder name(String n) {
            this.name = Objects.requireNonNull(n, "name");
            return this;
        }

        /** {@link #start()} returns once a log line matches {@code regex} (anywhere in the line). */
        public Builder readyWhenLogMatches(String regex) {
            this.readyLine = Pattern.compile(regex);
            return this;
        }

        /** {@link #start()} returns once {@code 127.0.0.1:port} accepts a TCP connection. */
        public Builder readyWhenPortAccepts(int port) {
            return readyWhenPortAccepts("127.0.0.1", port);
        }

        /** {@link #start()} returns once {@code host:port} accepts a TCP connection. */
        public Builder readyWhenPortAccepts(String host, int port) {
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("port: " + port + " (expected: 1..65535)");
            }
            this.readyHost = Objects.requireNonNull(host, "host");
            this.readyPort = port;
            return this;
        }

        /** How long {@link #start()} waits for the ready conditions; default 30 s. */
        public Builder startTimeout(Duration timeout) {
            this.startTimeout = positive(timeout, "startTimeout");
            return this;
        }

        /** How long {@link ExternalProcess#stop()} waits after SIGTERM before it kills; default 10 s. */
        public Builder stopTimeout(Duration timeout) {
            this.stopTimeout = positive(timeout, "stopTimeout");
            return this;
        }

        /**
         * Starts the process and waits for every ready condition set (log line first, then port).
         *
         * @throws UncheckedIOException  when the program cannot be started (not found, not executable)
         * @throws IllegalStateException when it ends or is not ready in time; it is stopped, and the message holds
         *                               the tail of its log
         */
        public ExternalProcess start() {
            Path logFile;
            try {
                logFile = log != null ? log : Files.createTempFile(name + "-", ".log");
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create a log file for " + name, e);
            }
            long logStart;
            try {
                logStart = Files.exists(logFile) ? Files.size(logFile) : 0;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the size of " + logFile, e);
            }
            ProcessBuilder pb = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(nullDevice()));
            if (directory != null) {
                pb.directory(directory.toFile());
            }
            pb.environment().putAll(environment);
            Process p;
            try {
                p = pb.start();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start " + String.join(" ", command) + ": " + e.getMessage(), e);
            }
            ExternalProcess started = new ExternalProcess(name, p, logFile, logStart, stopTimeout);
            long deadline = System.nanoTime() + startTimeout.toNanos();
            try {
                if (readyLine != null) {
                    started.awaitLogLine(readyLine, startTimeout);
                }
                if (readyHost != null) {
                    Duration left = readyLine == null ? startTimeout
                            : Duration.ofNanos(Math.max(1, deadline - System.nanoTime()));
                    started.awaitPort(readyHost, readyPort, left);
                }
            } catch (RuntimeException | Error e) {
                started.stop();
                throw e;
            }
            return started;
        }

        private static java.io.File nullDevice() {
            return new java.io.File(System.getProperty("os.name").startsWith("Windows") ? "NUL" : "/dev/null");
        }

        private static Duration positive(Duration d, String what) {
            if (d == null || d.isZero() || d.isNegative()) {
                throw new IllegalArgumentException(what + ": " + d + " (expected: > 0)");
            }
            return d;
        }
    }
}
