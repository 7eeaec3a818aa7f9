package io.microcdi.testing;

import org.awaitility.core.ConditionTimeoutException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;

/**
 * One process of an engine that tests run for real (an etcd member, a nats-server node, a Kafka broker): its name, its
 * log, and the {@link ExternalProcess} running it now, which a test kills, stops and launches again; with what an
 * engine's launcher does to several at once (stop them side by side, wait for a condition while watching for one that
 * ends, gather their logs' tails) and a start that retries once when a free port was taken meanwhile.
 *
 * <pre>{@code
 * public final class Node extends EngineProcess {
 *     Node(Path dir) { super("n0", dir.resolve("n0.log")); }
 *     void start() {
 *         launch(ExternalProcess.builder("nats-server", "-c", conf).log(log()).readyWhenPortAccepts(port));
 *     }
 * }
 * node.kill();                                   // SIGKILL, as a crash would; its end is no failure
 * EngineProcess.awaitOrFail("nats-server", "ready", timeout, POLL, nodes, node::isReady, () -> "");
 * }</pre>
 *
 * <p>A process killed or stopped through it is <em>down</em> on purpose until launched again; one that ends by itself
 * meanwhile {@linkplain #diedUnexpectedly() died}, which {@link #awaitOrFail} reports at once with the logs.
 */
public abstract class EngineProcess {

    /** How many lines of its log {@link #logTail()} gives. */
    public static final int TAIL_LINES = 40;

    /** What an engine prints when it cannot bind a port (etcd, nats-server, Kafka all say it so). */
    public static final String PORT_TAKEN = "address already in use";

    private final String name;
    private final Path log;
    /** Guarded by this. */
    private ExternalProcess process;
    /** Guarded by this: killed or stopped on purpose (its end is then no failure). */
    private boolean down;

    /**
     * @param name its name, for messages and the threads that stop it
     * @param log  the file that receives its output, appended to by each launch
     */
    protected EngineProcess(String name, Path log) {
        this.name = Objects.requireNonNull(name, "name");
        this.log = Objects.requireNonNull(log, "log");
    }

    /** Its name. */
    public String name() {
        return name;
    }

    /** The file that receives its output; a restart appends to it. */
    public Path log() {
        return log;
    }

    /**
     * The last {@value #TAIL_LINES} lines of its log, for a failure message.
     *
     * <pre>{@code
     * assertThat(received).as(nats.node(2).logTail()).isTrue();
     * }</pre>
     */
    public String logTail() {
        try {
            if (!Files.exists(log)) {
                return "(no log yet)";
            }
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(log " + log + " unreadable: " + e.getMessage() + ")";
        }
    }

    /** Whether its process is running. */
    public boolean isAlive() {
        ExternalProcess p = process();
        return p != null && p.isAlive();
    }

    /**
     * The process id of its current process (the last one when it is not running).
     *
     * @throws IllegalStateException when it was never started
     */
    public long pid() {
        ExternalProcess p = process();
        if (p == null) {
            throw new IllegalStateException(name + " was never started");
        }
        return p.pid();
    }

    /**
     * Kills it at once (SIGKILL, as a crash would) and waits for it to end. Killing one that is not running does
     * nothing.
     */
    public void kill() {
        ExternalProcess p = markDown();
        if (p != null) {
            p.kill();
        }
    }

    /**
     * Stops it (SIGTERM, which lets the engine shut down cleanly; SIGKILL after its launch's stop timeout) and waits
     * for it to end. Stopping one that is not running does nothing.
     */
    public void stop() {
        ExternalProcess p = markDown();
        if (p != null) {
            p.stop();
        }
    }

    /** Starts its process as {@code builder} says (with {@link #log()} as its log), and makes it the current one. */
    protected final void launch(ExternalProcess.Builder builder) {
        synchronized (this) {
            process = null;
            down = false;
        }
        ExternalProcess started = builder.start();
        synchronized (this) {
            process = started;
        }
    }

    /** Its current process, or {@code null} before the first launch. */
    protected final synchronized ExternalProcess process() {
        return process;
    }

    /** Whether it was killed or stopped on purpose, and not launched since. */
    public final synchronized boolean isDown() {
        return down;
    }

    /** Whether its process ended by itself: launched, not killed or stopped on purpose, and not running. */
    protected final synchronized boolean diedUnexpectedly() {
        return process != null && !down && !process.isAlive();
    }

    /** Stops it, and kills it if stopping fails. */
    protected final void stopQuietly() {
        try {
            stop();
        } catch (RuntimeException e) {
            kill();
        }
    }

    /** Whether its log holds {@code text} (case-insensitive); {@code false} when there is no log. */
    protected final boolean logContains(String text) {
        try {
            return Files.exists(log) && Files.readString(log, StandardCharsets.UTF_8).toLowerCase()
                    .contains(text.toLowerCase());
        } catch (IOException | UncheckedIOException e) {
            return false;
        }
    }

    /** What its process does now, for {@code toString()}: {@code ", not started"}, {@code ", pid 42, running"}... */
    protected final String state() {
        ExternalProcess p = process();
        return p == null ? ", not started" : ", pid " + p.pid() + (p.isAlive() ? ", running" : ", ended");
    }

    private synchronized ExternalProcess markDown() {
        down = true;
        return process;
    }

    // ---- several at once ----

    /**
     * Stops {@code some} side by side, each {@linkplain #stopQuietly() quietly}, and waits for them all; returns
     * whether this thread was interrupted meanwhile (its flag is left clear, for the caller to set once done).
     */
    public static boolean stopAll(List<? extends EngineProcess> some) {
        return inParallel(some, EngineProcess::stopQuietly);
    }

    /** Kills {@code some} side by side and waits for them all; returns as {@link #stopAll} does. */
    public static boolean killAll(List<? extends EngineProcess> some) {
        return inParallel(some, EngineProcess::kill);
    }

    private static boolean inParallel(List<? extends EngineProcess> some, Consumer<EngineProcess> action) {
        List<Thread> running = new ArrayList<>();
        for (EngineProcess e : some) {
            Thread t = new Thread(() -> action.accept(e), "stop-" + e.name);
            t.start();
            running.add(t);
        }
        boolean interrupted = false;
        for (Thread t : running) {
            while (true) {
                try {
                    t.join();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        return interrupted;
    }

    /** The tails of their logs, each under a line naming it and its log file. */
    public static String logTails(List<? extends EngineProcess> some) {
        StringBuilder b = new StringBuilder();
        for (EngineProcess e : some) {
            b.append("--- ").append(e.name).append(" (").append(e.log).append(") ends with:\n")
                    .append(e.logTail()).append('\n');
        }
        return b.toString();
    }

    /**
     * Polls {@code condition} every {@code interval} until it holds; fails at once when one of {@code watched} that
     * should be running has ended (a port taken, a bad option), and after {@code timeout} otherwise, with
     * {@code detail} and the tails of their logs.
     *
     * <pre>{@code
     * awaitOrFail("etcd", "every member healthy", START_TIMEOUT, POLL, members, this::allHealthy, () -> "...");
     * }</pre>
     *
     * @param engine what the messages start with ({@code "etcd"})
     * @param what   what is awaited, for the messages ({@code "a leader"})
     * @throws IllegalStateException {@code engine: no <what> within N ms; <detail>}, or {@code engine: <process>
     *                               ended before <what>; <detail>}, each followed by the logs' tails
     */
    public static void awaitOrFail(String engine, String what, Duration timeout, Duration interval,
                                   List<? extends EngineProcess> watched, BooleanSupplier condition,
                                   Supplier<String> detail) {
        AtomicReference<EngineProcess> died = new AtomicReference<>();
        try {
            await(engine + ": " + what).atMost(timeout).pollDelay(Duration.ZERO).pollInterval(interval).until(() -> {
                if (condition.getAsBoolean()) {
                    return true;
                }
                for (EngineProcess e : watched) {
                    if (e.diedUnexpectedly()) {
                        died.set(e);
                        return true;
                    }
                }
                return false;
            });
        } catch (ConditionTimeoutException e) {
            throw new IllegalStateException(engine + ": no " + what + " within " + timeout.toMillis() + " ms; "
                    + detail.get() + "\n" + logTails(watched), e);
        }
        if (died.get() != null) {
            throw new IllegalStateException(engine + ": " + died.get() + " ended before " + what + "; "
                    + detail.get() + "\n" + logTails(watched));
        }
    }

    // ---- starting ----

    /**
     * Runs {@code attempt}, and once more when it threw {@link PortTaken}: a port that {@link FreePorts} found free
     * was bound by another process before the engine bound it.
     *
     * <pre>{@code
     * return EngineProcess.retryIfPortTaken("etcd", () -> startOnce(program, FreePorts.distinct(2 * members)));
     * }</pre>
     *
     * @throws IllegalStateException when the second attempt found a port taken too
     */
    public static <T> T retryIfPortTaken(String engine, Supplier<T> attempt) {
        try {
            return attempt.get();
        } catch (PortTaken e) {
            try {
                return attempt.get();
            } catch (PortTaken again) {
                IllegalStateException failure = new IllegalStateException(
                        engine + ": a port was taken twice in a row: " + again.getMessage(), again.getCause());
                failure.addSuppressed(e);
                throw failure;
            }
        }
    }

    /**
     * Runs {@code start} (launch the processes, wait until they serve); when it fails, runs {@code destroy} (kill
     * them, delete their directory) and throws the failure, or {@link PortTaken} when the log of one of
     * {@code processes} says {@value #PORT_TAKEN}, for {@link #retryIfPortTaken} to start afresh on other ports.
     *
     * <pre>{@code
     * EngineProcess.startOrDestroy(cluster.members, cluster::launchAndAwaitReady, cluster::destroy);
     * }</pre>
     */
    public static void startOrDestroy(List<? extends EngineProcess> processes, Runnable start, Runnable destroy) {
        try {
            start.run();
        } catch (RuntimeException | Error e) {
            // asked before destroy deletes the logs; a message of one that ended or of a timeout holds their tails
            boolean portTaken = false;
            for (EngineProcess p : processes) {
                portTaken |= p.logContains(PORT_TAKEN);
            }
            destroy.run();
            if (portTaken) {
                throw new PortTaken(e);
            }
            throw e;
        }
    }

    /** A new temporary directory for an engine's data and logs, named {@code prefix<random>}. */
    public static Path newDirectory(String prefix) {
        try {
            return Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a directory " + prefix + "...", e);
        }
    }

    /** Deletes {@code dir} and all it holds; nothing when it does not exist. */
    public static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir, e);
        }
    }

    /** A start attempt that failed because a port was taken between choosing and binding it. */
    public static final class PortTaken extends RuntimeException {

        private static final long serialVersionUID = 1L;

        public PortTaken(Throwable cause) {
            super(cause.getMessage(), cause);
        }
    }
}
