package io.microcdi.it;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;

/**
 * The load tool in its own JVM ({@code java -jar greeter.jar load ...}), with its progress and its result read from
 * its output.
 *
 * <pre>{@code
 * LoadProcess load = LoadProcess.start(processes, LoadProcess.greeter("load", Duration.ofSeconds(10))
 *         .property("micro.client.greeter.labels", "it.run=" + run));
 * load.awaitSecond(4, Duration.ofSeconds(60));          // its stderr said "t=4s ..."
 * LoadProcess.Result r = load.awaitResult(Duration.ofSeconds(60));
 * r.failures();                                         // from "calls=N failures=N rps=N p50_ms=.. p99_ms=.."
 * }</pre>
 *
 * <p>The tool prints one progress line a second on stderr ({@code t=3s calls=.. failures=.. rps=..}, counted from its
 * start, warm-up included), the first distinct failure messages ({@code failure: ...}), and as its last stdout line the
 * summary.
 */
public final class LoadProcess {

    /** Threads of the closed loop, each with one call in flight. */
    public static final int CONCURRENCY = 32;
    /** Called before the measured time, not counted: the load JVM's own JIT and connections. */
    public static final Duration WARMUP = Duration.ofSeconds(1);

    private static final Pattern SUMMARY = Pattern.compile(
            "calls=(\\d+) failures=(\\d+) rps=(\\d+) p50_ms=(\\d+\\.\\d+) p99_ms=(\\d+\\.\\d+)");
    private static final Pattern PROGRESS = Pattern.compile(
            "(?m)^t=(\\d+)s calls=(\\d+) failures=(\\d+) rps=(\\d+)");

    private final GreeterProcess process;

    private LoadProcess(GreeterProcess process) {
        this.process = process;
    }

    /**
     * {@code load --service greeter --endpoint Greeter.Hello --body {"name":"John"} --concurrency 32 --warmup 1s
     * --duration <duration>}.
     */
    public static GreeterProcess.Spec greeter(String name, Duration duration) {
        return GreeterProcess.load(name, "--service", "greeter", "--endpoint", "Greeter.Hello",
                "--body", "{\"name\":\"John\"}", "--concurrency", Integer.toString(CONCURRENCY),
                "--warmup", WARMUP.toMillis() + "ms", "--duration", duration.toMillis() + "ms");
    }

    /** Starts {@code spec} (see {@link #greeter}) as a process {@code processes} owns. */
    public static LoadProcess start(Processes processes, GreeterProcess.Spec spec) {
        return new LoadProcess(processes.start(spec));
    }

    /** The summary line, parsed. */
    public record Result(long calls, long failures, long rps, double p50Millis, double p99Millis) {

        /** {@code calls=.. failures=.. rps=.. p50_ms=.. p99_ms=..}, as the tool printed it. */
        public String line() {
            return String.format(Locale.ROOT, "calls=%d failures=%d rps=%d p50_ms=%.3f p99_ms=%.3f",
                    calls, failures, rps, p50Millis, p99Millis);
        }
    }

    /** One progress line: {@code second} since the tool's start, and the totals (warm-up included) then. */
    public record Progress(int second, long calls, long failures) {

        static final Progress NONE = new Progress(0, 0, 0);
    }

    /** The process. */
    public GreeterProcess process() {
        return process;
    }

    /** Whether the tool is still running. */
    public boolean isAlive() {
        return process.process().isAlive();
    }

    /**
     * The CPU time the processes of a load run spend per call: the load tool's (the callers, sampled while it runs,
     * as an exited process tells nothing) and the servers' (counted from {@link #cpu} to {@link #perCall}).
     *
     * <pre>{@code
     * LoadProcess.Cpu cpu = LoadProcess.cpu(servers);   // before the load
     * ... cpu.sample(load) while waiting for it ...
     * cpu.perCall(result.calls())                        // "callers 41 µs, servers 63 µs per call"
     * }</pre>
     */
    public static Cpu cpu(List<GreeterProcess> servers) {
        return new Cpu(servers);
    }

    /** See {@link #cpu}. */
    public static final class Cpu {
        private final List<GreeterProcess> servers;
        private final long[] serversAtStart;
        private long loadNanos;

        private Cpu(List<GreeterProcess> servers) {
            this.servers = List.copyOf(servers);
            this.serversAtStart = new long[servers.size()];
            for (int i = 0; i < serversAtStart.length; i++) {
                serversAtStart[i] = nanos(this.servers.get(i));
            }
        }

        /** Notes the load tool's CPU time so far; call it while the load runs (its last value counts). */
        public void sample(LoadProcess load) {
            long n = nanos(load.process);
            if (n > 0) {
                loadNanos = n;
            }
        }

        /** The CPU time per call of the callers and of the servers still alive, in microseconds. */
        public String perCall(long calls) {
            long serverNanos = 0;
            for (int i = 0; i < servers.size(); i++) {
                long now = nanos(servers.get(i));
                if (now > 0) {
                    serverNanos += now - serversAtStart[i];
                }
            }
            return calls == 0 ? "no calls" : String.format(Locale.ROOT,
                    "CPU per call: load tool %.1f µs (its start included), servers alive at the end %.1f µs",
                    loadNanos / 1e3 / calls, serverNanos / 1e3 / calls);
        }

        private static long nanos(GreeterProcess p) {
            return p.process().info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
        }
    }

    /** Its last progress line, or {@link Progress#NONE} before the first. */
    public Progress progress() {
        List<Progress> all = progressLines();
        return all.isEmpty() ? Progress.NONE : all.get(all.size() - 1);
    }

    /** Every progress line so far, in order. */
    public List<Progress> progressLines() {
        Matcher m = PROGRESS.matcher(process.stderr());
        List<Progress> lines = new ArrayList<>();
        while (m.find()) {
            lines.add(new Progress(Integer.parseInt(m.group(1)), Long.parseLong(m.group(2)),
                    Long.parseLong(m.group(3))));
        }
        return lines;
    }

    /** The seconds in which failures happened, with how many: {@code t=5s +12, t=6s +3}, or {@code none}. */
    public String failuresBySecond() {
        List<String> parts = new ArrayList<>();
        long before = 0;
        for (Progress p : progressLines()) {
            if (p.failures() > before) {
                parts.add("t=" + p.second() + "s +" + (p.failures() - before));
            }
            before = p.failures();
        }
        return parts.isEmpty() ? "none" : String.join(", ", parts);
    }

    /**
     * Waits until the tool reports second {@code second} of its run and returns that progress.
     *
     * @throws AssertionError when the tool ends first
     */
    public Progress awaitSecond(int second, Duration timeout) {
        await(process.name() + " at t=" + second + "s").atMost(timeout).pollInterval(Duration.ofMillis(20))
                .until(() -> {
                    if (progress().second() >= second) {
                        return true;
                    }
                    if (!isAlive()) {
                        throw new AssertionError(process.name() + " ended before t=" + second + "s (last: "
                                + progress() + ")\n" + process.diagnostics());
                    }
                    return false;
                });
        return progress();
    }

    /** Waits for the tool to exit, checks it exited 0, and parses the last line of its stdout. */
    public Result awaitResult(Duration timeout) {
        int exit = process.awaitExit(timeout);
        if (exit != 0) {
            throw new AssertionError(process.name() + " exited with " + exit + "\n" + process.diagnostics());
        }
        List<String> lines = process.stdout().lines().filter(l -> !l.isBlank()).toList();
        Matcher m = lines.isEmpty() ? null : SUMMARY.matcher(lines.get(lines.size() - 1));
        if (m == null || !m.matches()) {
            throw new AssertionError(process.name() + ": the last stdout line is not the summary\n"
                    + process.diagnostics());
        }
        return new Result(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), Long.parseLong(m.group(3)),
                Double.parseDouble(m.group(4)), Double.parseDouble(m.group(5)));
    }

    /** What the tool said about failures on stderr: the first distinct messages and the counts by code. */
    public String failureReport() {
        return process.stderr().lines()
                .filter(l -> l.startsWith("failure: ") || l.startsWith("failures by code:") || l.startsWith("load: "))
                .reduce((a, b) -> a + "\n" + b).orElse("<no failure lines>");
    }
}
