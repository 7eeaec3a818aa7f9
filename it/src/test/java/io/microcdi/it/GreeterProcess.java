package io.microcdi.it;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.awaitility.Awaitility.await;

/**
 * A greeter in its own JVM: {@code java -jar examples/greeter/target/greeter.jar [args]}.
 *
 * <pre>{@code
 * GreeterProcess g = processes.start(GreeterProcess.server("a").property("micro.register.ttl", "3s"));
 * String address = g.awaitServing(Duration.ofSeconds(30));   // "127.0.0.1:41234", parsed from its log
 * g.sigterm(); g.awaitExit(Duration.ofSeconds(10));
 * }</pre>
 *
 * <p>stdout and stderr go to {@code target/it-logs/<name>-<n>.{out,err}} for diagnostics; assertion messages quote
 * their tails. Start processes through {@link Processes} so they are destroyed even when a test fails.
 */
public final class GreeterProcess implements AutoCloseable {


    /**
     * The server's INFO line on stderr: {@code serving [greeter-proto, greeter] on 127.0.0.1:PORT (registry ...,
     * transport ...)}, or {@code ... over gRPC on 127.0.0.1:PORT ...} with {@code micro.server=grpc}; the list names
     * every service of the process, in discovery order.
     */
    private static final Pattern SERVING =
            Pattern.compile("serving \\[(?:[^\\]]*, )?greeter(?:, [^\\]]*)?\\] (?:over gRPC )?on (\\S+)");
    private static final AtomicInteger SEQUENCE = new AtomicInteger();
    private static final Path LOGS = Path.of(System.getProperty("basedir", "."), "target", "it-logs");

    private final String name;
    private final Process process;
    private final Path out;
    private final Path err;
    private final long startedNanos;
    private volatile String address;

    private GreeterProcess(String name, Process process, Path out, Path err, long startedNanos) {
        this.name = name;
        this.process = process;
        this.out = out;
        this.err = err;
        this.startedNanos = startedNanos;
    }

    /** A greeter server named {@code name} in the logs. */
    public static Spec server(String name) {
        return new Spec(name);
    }

    /** A client process: {@code GreeterMain call <who> <count>}. */
    public static Spec caller(String name, String who, int count) {
        return new Spec(name).args("call", who, Integer.toString(count));
    }

    /** The load tool: {@code GreeterMain load <loadArgs>}; see {@link LoadProcess}. */
    public static Spec load(String name, String... loadArgs) {
        return new Spec(name).args("load").args(loadArgs);
    }

    /** What to start: name, system properties, program arguments. */
    public static final class Spec {
        private final String name;
        private final Map<String, String> properties = new LinkedHashMap<>();
        private final List<String> args = new ArrayList<>();
        private final Map<String, String> env = new LinkedHashMap<>();
        private Path jar;
        private String heap = "128m";

        private Spec(String name) {
            this.name = name;
        }

        /** Runs {@code jar} instead of the greeter's (another example, say). */
        public Spec jar(Path runnable) {
            this.jar = runnable;
            return this;
        }

        /** The heap limit ({@code -Xmx}), {@code 128m} unless set. */
        public Spec heap(String size) {
            this.heap = size;
            return this;
        }

        /** Adds {@code -Dkey=value}. */
        public Spec property(String key, String value) {
            properties.put(key, value);
            return this;
        }

        /** Sets an environment variable of the process ({@code MICRO_*} ones reach MicroProfile Config). */
        public Spec env(String key, String value) {
            env.put(key, value);
            return this;
        }

        /** Appends program arguments. */
        public Spec args(String... more) {
            args.addAll(Arrays.asList(more));
            return this;
        }

        /** Starts the JVM; prefer {@link Processes#start(Spec)}, which also destroys it. */
        GreeterProcess start() {
            String java = ProcessHandle.current().info().command().orElse(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString());
            List<String> command = new ArrayList<>(List.of(java,
                    // a small, fast-starting JVM: 2 cores run several of these at once
                    "-Xmx" + heap, "-XX:+UseSerialGC", "-Djava.net.preferIPv4Stack=true"));
            if (!Boolean.getBoolean("it.c2")) {
                command.add("-XX:TieredStopAtLevel=1"); // C1 only; -Dit.c2=true: both JIT tiers, as in production
            }
            properties.forEach((k, v) -> command.add("-D" + k + "=" + v));
            command.addAll(List.of("-jar", (jar != null ? jar : greeterJar()).toString()));
            command.addAll(args);
            try {
                Files.createDirectories(LOGS);
                String base = name + "-" + SEQUENCE.incrementAndGet();
                Path out = LOGS.resolve(base + ".out");
                Path err = LOGS.resolve(base + ".err");
                Files.writeString(LOGS.resolve(base + ".cmd"), String.join(" ", command) + "\n");
                ProcessBuilder pb = new ProcessBuilder(command)
                        .redirectOutput(out.toFile())
                        .redirectError(err.toFile())
                        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
                // the process must not pick up a caller's MICRO_* environment (MICRO_REGISTRY=memory, say)
                pb.environment().keySet().removeIf(k -> k.startsWith("MICRO_"));
                pb.environment().putAll(env);
                long t0 = System.nanoTime();
                return new GreeterProcess(base, pb.start(), out, err, t0);
            } catch (IOException e) {
                throw new UncheckedIOException("starting " + name + ": " + e.getMessage(), e);
            }
        }
    }

    /** The pub/sub example's runnable jar ({@code examples/pubsub/target/pubsub.jar}). */
    static Path pubsubJar() {
        Path jar = Path.of(System.getProperty("pubsub.jar", "../examples/pubsub/target/pubsub.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar.toAbsolutePath() + " is missing: build examples/pubsub first");
        }
        return jar;
    }

    /** The wrappers example's runnable jar ({@code examples/wrappers/target/wrappers.jar}). */
    static Path wrappersJar() {
        Path jar = Path.of(System.getProperty("wrappers.jar", "../examples/wrappers/target/wrappers.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar.toAbsolutePath() + " is missing: build examples/wrappers first");
        }
        return jar;
    }

    /**
     * The runnable jar the build made ({@code examples/greeter/target/greeter.jar}, its dependencies in {@code lib/}):
     * the processes run exactly what a user runs.
     */
    static Path greeterJar() {
        Path jar = Path.of(System.getProperty("greeter.jar", "../examples/greeter/target/greeter.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar.toAbsolutePath() + " is missing: build examples/greeter first");
        }
        return jar;
    }

    /** The name in the logs, for example {@code a-3}. */
    public String name() {
        return name;
    }

    /** The OS process. */
    public Process process() {
        return process;
    }

    /** {@link System#nanoTime()} just before the JVM was started. */
    public long startedNanos() {
        return startedNanos;
    }

    /** Waits for the server's "serving [..., greeter, ...] on HOST:PORT" line and returns {@code HOST:PORT}. */
    public String awaitServing(Duration timeout) {
        await("greeter " + name + " serving").atMost(timeout).pollInterval(Duration.ofMillis(50))
                .until(() -> {
                    if (serving() != null) {
                        return true;
                    }
                    if (!process.isAlive()) {
                        throw new AssertionError(name + " exited with " + process.exitValue()
                                + " before serving\n" + diagnostics());
                    }
                    return false;
                });
        return address;
    }

    /** The address parsed from the log, or {@code null} before the server logged it. */
    public String serving() {
        if (address == null) {
            Matcher m = SERVING.matcher(stderr());
            if (m.find()) {
                address = m.group(1);
            }
        }
        return address;
    }

    /** The address; the server must have logged it ({@link #awaitServing}). */
    public String address() {
        if (serving() == null) {
            throw new IllegalStateException(name + " is not serving yet\n" + diagnostics());
        }
        return address;
    }

    /** Sends SIGTERM ({@link Process#destroy()} on Linux): a graceful stop. */
    public void sigterm() {
        process.destroy();
    }

    /** Sends SIGKILL: the JVM dies without running shutdown hooks. */
    public void sigkill() {
        process.destroyForcibly();
    }

    /** Waits for the process to exit and returns its exit code. */
    public int awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError(name + " still running after " + timeout + "\n" + diagnostics());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted waiting for " + name, e);
        }
        return process.exitValue();
    }

    /** What the process wrote to stdout so far. */
    public String stdout() {
        return read(out);
    }

    /** What the process wrote to stderr so far (its log). */
    public String stderr() {
        return read(err);
    }

    /** The last lines of stdout and stderr, for assertion messages. */
    public String diagnostics() {
        return "--- " + out + " (tail) ---\n" + tail(stdout()) + "\n--- " + err + " (tail) ---\n" + tail(stderr());
    }

    /** SIGTERM, then SIGKILL if it has not exited within 10 s; waits (bounded) for the exit. */
    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return name + (address == null ? "" : "@" + address) + (process.isAlive() ? "" : " (exited)");
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? new String(Files.readAllBytes(file), StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "<" + e + ">";
        }
    }

    private static String tail(String text) {
        List<String> lines = text.lines().toList();
        return lines.subList(Math.max(0, lines.size() - 40), lines.size()).stream()
                .collect(Collectors.joining("\n"));
    }
}
