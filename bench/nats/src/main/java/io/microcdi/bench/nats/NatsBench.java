package io.microcdi.bench.nats;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.LogManager;

/**
 * {@code java -jar nats-bench.jar [options]}: publish+deliver throughput through MicroCDI's NATS broker against raw
 * jnats, on one nats-server, in one run ({@code scripts/bench} runs it when nats-server is installed).
 *
 * <pre>{@code
 * --server /usr/sbin/nats-server   the nats-server to start (on a free port of 127.0.0.1, JetStream on, a temp store);
 *                                   stopped at the end
 * --url nats://127.0.0.1:4222      use this server instead (its JetStream must be on for mode js)
 * --modes core,js                  core NATS; JetStream R1 file storage
 * --targets raw,microcdi           what runs, raw first (the others are compared with it); to tell where MicroCDI's
 *                                  time goes, also raw+json, raw+hop, raw+json+hop (see Target#create)
 * --window 64                      publishes in flight (published, not yet delivered)
 * --size 128                       message body bytes (the raw payload; MicroCDI's is its JSON envelope of it)
 * --messages 200000 --seconds 10   one run: that many messages or that long, whichever first, then drained
 * --rounds 3                       measured rounds, alternating raw and microcdi (R M, M R, R M, ...)
 * --warmup 3 --warmup-max 8 --warmup-messages (--messages) --warmup-seconds 3    warm-up phases per target,
 *                                  alternating, until each target's last two agree within 10% (between the two counts)
 * --drain 30                       seconds to wait for the last deliveries of a run
 * --quiet-wait 10                  before each run, wait up to that many seconds until other processes use less
 *                                  than a quarter of a core
 * --logs DIR                       where nats-server.log goes (default target/)
 * --commit TEXT                    printed in the header
 * }</pre>
 *
 * <p>Publisher and subscriber are in this JVM, each on its own connection (raw: two jnats connections; MicroCDI: two
 * {@code NatsBroker}s): a delivery gives the publisher its permit back, which needs no return channel, and publish
 * and delivery times come from one clock. The summary lines go to stdout, per-run details to stderr.
 */
public final class NatsBench {

    private NatsBench() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opt = options(args);
        LogManager.getLogManager().getLogger("").setLevel(Level.WARNING);
        int window = Integer.parseInt(opt.getOrDefault("window", "64"));
        int size = Integer.parseInt(opt.getOrDefault("size", "128"));
        if (size < 12) {
            throw new IllegalArgumentException("--size: at least 12 (the publish time and the run id)");
        }
        long messages = Long.parseLong(opt.getOrDefault("messages", "200000"));
        double seconds = Double.parseDouble(opt.getOrDefault("seconds", "10"));
        int rounds = Integer.parseInt(opt.getOrDefault("rounds", "3"));
        int warmup = Integer.parseInt(opt.getOrDefault("warmup", "3"));
        int warmupMax = Math.max(warmup, Integer.parseInt(opt.getOrDefault("warmup-max", "8")));
        // as many as a measured run: after shorter phases the broker's first measured run was a third slower (its
        // hot code recompiled at the longer run), not after phases of the same size
        long warmupMessages = Long.parseLong(opt.getOrDefault("warmup-messages", String.valueOf(messages)));
        double warmupSeconds = Double.parseDouble(opt.getOrDefault("warmup-seconds", "3"));
        long drainMillis = (long) (Double.parseDouble(opt.getOrDefault("drain", "30")) * 1000);
        List<String> names = List.of(opt.getOrDefault("targets", "raw,microcdi").split(","));
        if (!names.get(0).equals("raw")) {
            throw new IllegalArgumentException("--targets: raw first (the others are compared with it)");
        }
        List<Target.Mode> modes = new ArrayList<>();
        for (String m : opt.getOrDefault("modes", "core,js").split(",")) {
            modes.add(Target.Mode.of(m.trim()));
        }

        NatsServer server = null;
        String url = opt.get("url");
        Path binary = Path.of(opt.getOrDefault("server", "/usr/sbin/nats-server"));
        if (url == null) {
            Path logs = Path.of(opt.getOrDefault("logs", "target"));
            server = NatsServer.start(binary, logs.resolve("nats-server.log"));
            url = server.url();
            NatsServer s = server;
            Runtime.getRuntime().addShutdownHook(new Thread(s::close, "stop-nats-server"));
        }
        long serverPid = server == null ? -1 : server.pid();
        long pid = ProcessHandle.current().pid();

        header(opt, url, server, binary, window, size, messages, seconds, rounds, warmup, warmupMax, warmupMessages,
                warmupSeconds);
        Bench bench = new Bench(window, size, drainMillis, serverPid,
                (long) (Double.parseDouble(opt.getOrDefault("quiet-wait", "10")) * 1000));
        try {
            for (Target.Mode mode : modes) {
                List<Target> targets = new ArrayList<>();
                try {
                    for (String name : names) {
                        targets.add(Target.create(name, mode, url,
                                "bench." + name.replace('+', '-') + "." + mode.id + "." + pid));
                    }
                    out("# " + mode.id + ": " + mode.label + "; payload bytes: "
                            + String.join(", ", targets.stream().map(t -> t.name + " " + t.payloadBytes(size))
                            .toList()) + " (microcdi: Go Micro's JSON envelope, body in base64)");
                    for (Target t : targets) {
                        out("#   " + t.name + ": " + t.describe());
                    }
                    // until every target's last two phases agree within 10% (at least --warmup, at most
                    // --warmup-max phases): the broker's longer code path takes longer to compile than raw jnats
                    Map<Target, Double> last = new HashMap<>();
                    for (int i = 1; i <= warmupMax; i++) {
                        boolean steady = true;
                        for (Target t : targets) {
                            double rate = bench.run(t, warmupMessages, warmupSeconds, "warm-up " + i).result().rate();
                            Double before = last.put(t, rate);
                            steady &= before != null && Math.abs(rate - before) <= 0.10 * before;
                        }
                        if (i >= warmup && steady) {
                            break;
                        }
                        if (i == warmupMax) {
                            err("[nats-bench] " + mode.id + ": still not steady after " + warmupMax
                                    + " warm-up phases; measuring anyway");
                        }
                    }
                    Map<Target, List<Run>> runs = new LinkedHashMap<>();
                    targets.forEach(t -> runs.put(t, new ArrayList<>()));
                    for (int r = 0; r < rounds; r++) {
                        // R M, M R, ... (more targets: each round starts one further)
                        for (int k = 0; k < targets.size(); k++) {
                            Target t = targets.get((k + r) % targets.size());
                            runs.get(t).add(bench.run(t, messages, seconds, "round " + (r + 1)));
                        }
                    }
                    summary(mode, window, runs);
                } finally {
                    targets.forEach(Target::close);
                }
            }
        } finally {
            out(String.format(Locale.ROOT, "# loadavg after: %.2f", Cpu.loadAverage()));
            if (server != null) {
                server.close();
            }
        }
        System.exit(bench.failures == 0 ? 0 : 1);
    }

    /** A measured run and where its CPU went. */
    record Run(Window.Result result, Cpu.Usage cpu) {
    }

    private static final class Bench {
        private final int window;
        private final int size;
        private final long drainMillis;
        private final long serverPid;
        private final long quietMillis;
        private int runId;
        int failures;

        Bench(int window, int size, long drainMillis, long serverPid, long quietMillis) {
            this.quietMillis = quietMillis;
            this.window = window;
            this.size = size;
            this.drainMillis = drainMillis;
            this.serverPid = serverPid;
        }

        Run run(Target t, long messages, double seconds, String what) throws InterruptedException {
            System.gc(); // the previous run's garbage is not this run's pause
            long t0 = System.nanoTime();
            double other = Cpu.awaitQuiet(serverPid, quietMillis);
            if (other > 0.25) {
                err(String.format(Locale.ROOT, "[nats-bench] %s %s %s: the machine is busy (other processes: %.2f "
                        + "cores after %d ms); running anyway", t.mode.id, t.name, what, other,
                        (System.nanoTime() - t0) / 1_000_000));
            }
            Window w = new Window(++runId, window, messages, (long) (seconds * 1e9));
            t.begin(w);
            Cpu.Snapshot before = Cpu.snapshot(serverPid);
            Window.Result r = w.run(t, size, drainMillis);
            Cpu.Usage cpu = Cpu.snapshot(serverPid).since(before, r.delivered());
            t.begin(null);
            if (r.errors() > 0 || !r.complete()) {
                failures++;
            }
            err(String.format(Locale.ROOT,
                    "[nats-bench] %s %s %s: %,d published, %,d delivered in %.3f s = %,.0f msgs/s, p50 %.3f ms, "
                            + "p99 %.3f ms%s%s%s", t.mode.id, t.name, what, r.published(), r.delivered(),
                    r.nanos() / 1e9, r.rate(), r.p50Millis(), r.p99Millis(),
                    r.errors() > 0 ? ", " + r.errors() + " failed publishes (first: " + r.firstError() + ")" : "",
                    r.complete() ? "" : ", NOT DRAINED within " + drainMillis + " ms",
                    r.stray() > 0 ? ", " + r.stray() + " stray deliveries" : ""));
            err("[nats-bench]   " + cpu.describe() + (cpu.other() > 0.25 ? "  # other-cpu: disturbed" : ""));
            return new Run(r, cpu);
        }
    }

    private static void header(Map<String, String> opt, String url, NatsServer server, Path binary, int window,
                               int size, long messages, double seconds, int rounds, int warmup, int warmupMax,
                               long warmupMessages, double warmupSeconds) throws java.io.IOException {
        String cpu = "?";
        Path info = Path.of("/proc/cpuinfo");
        if (Files.isReadable(info)) {
            cpu = Files.readAllLines(info).stream().filter(l -> l.startsWith("model name")).findFirst()
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("?");
        }
        out("# microcdi nats bench, " + Instant.now().truncatedTo(ChronoUnit.MINUTES) + ", commit "
                + opt.getOrDefault("commit", "?"));
        out("# machine: " + Cpu.cores() + " cpus (" + cpu + "), " + System.getProperty("os.name") + " "
                + System.getProperty("os.version") + ", java " + System.getProperty("java.vm.version") + " ("
                + System.getProperty("java.vm.name") + "), " + jvmFlags());
        out(String.format(Locale.ROOT, "# loadavg before: %.2f", Cpu.loadAverage()));
        out("# nats-server: " + (server != null ? NatsServer.version(binary) + " started at " + url
                + " (-js, store in a temp dir)" : url + " (given)") + "; jnats "
                + io.nats.client.Nats.CLIENT_VERSION);
        out("# one JVM: publisher and subscriber (queue group g) in this process, each on its own connection; "
                + window + " publishes in flight (a permit per publish, given back by its delivery)");
        out(String.format(Locale.ROOT, "# a run: up to %,d messages or %.0f s, then drained; msgs/s = delivered / "
                + "(first publish .. last delivery); p50/p99: publish to delivery", messages, seconds));
        out(String.format(Locale.ROOT, "# warm-up: %d to %d phases per target of %,d messages or %.0f s, alternating, "
                + "until each target's last two agree within 10%%; then %d rounds alternating the targets (R M, M R, "
                + "...); lines give medians", warmup, warmupMax, warmupMessages, warmupSeconds, rounds));
        out("# body " + size + " bytes: the raw payload; microcdi publishes BrokerMessage(Content-Type "
                + "application/octet-stream, body), encoded as Go Micro's JSON");
    }

    private static void summary(Target.Mode mode, int window, Map<Target, List<Run>> runs) {
        out("name msgs_per_s p50_ms p99_ms jvm_us_per_msg server_us_per_msg  # msgs/s per round");
        runs.forEach((t, r) -> line(t.name + "-" + mode.id + "-c" + window, r));
        List<Run> raw = runs.values().iterator().next();
        runs.forEach((t, other) -> {
            if (other == raw) {
                return;
            }
            double[] ratios = new double[raw.size()];
            for (int i = 0; i < ratios.length; i++) {
                ratios[i] = other.get(i).result().rate() / raw.get(i).result().rate();
            }
            double[] sorted = ratios.clone();
            Arrays.sort(sorted);
            out(String.format(Locale.ROOT, "ratio %s/raw %s c%d: msgs/s %.3f (medians; per round %.3f..%.3f, "
                            + "median %.3f)  p50 %.2f  p99 %.2f  jvm us/msg %.2f  server us/msg %.2f", t.name, mode.id,
                    window, median(other, r -> r.result().rate()) / median(raw, r -> r.result().rate()), sorted[0],
                    sorted[sorted.length - 1], median(sorted),
                    median(other, r -> r.result().p50Millis()) / median(raw, r -> r.result().p50Millis()),
                    median(other, r -> r.result().p99Millis()) / median(raw, r -> r.result().p99Millis()),
                    median(other, r -> r.cpu().microsPerMessage(r.cpu().jvm()))
                            / median(raw, r -> r.cpu().microsPerMessage(r.cpu().jvm())),
                    median(other, r -> r.cpu().microsPerMessage(r.cpu().server()))
                            / median(raw, r -> r.cpu().microsPerMessage(r.cpu().server()))));
        });
        long all = runs.values().stream().mapToLong(List::size).sum();
        long disturbed = runs.values().stream().flatMap(List::stream).filter(r -> r.cpu().other() > 0.25).count();
        if (disturbed > 0) {
            out("# " + mode.id + ": " + disturbed + " of " + all + " runs had other processes using more than a "
                    + "quarter of a core (see stderr): read with care");
        }
    }

    private static void line(String name, List<Run> runs) {
        StringBuilder per = new StringBuilder();
        for (Run r : runs) {
            per.append(' ').append(Math.round(r.result().rate()));
        }
        out(String.format(Locale.ROOT, "%s %.0f %.3f %.3f %.2f %.2f  #%s", name,
                median(runs, r -> r.result().rate()), median(runs, r -> r.result().p50Millis()),
                median(runs, r -> r.result().p99Millis()), median(runs, r -> r.cpu().microsPerMessage(r.cpu().jvm())),
                median(runs, r -> r.cpu().microsPerMessage(r.cpu().server())), per));
    }

    private static double median(List<Run> runs, java.util.function.ToDoubleFunction<Run> f) {
        return median(runs.stream().mapToDouble(f).sorted().toArray());
    }

    private static double median(double[] sorted) {
        int n = sorted.length;
        return n == 0 ? Double.NaN : n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static String jvmFlags() {
        List<String> flags = java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments();
        return flags.isEmpty() ? "no JVM flags" : "flags " + String.join(" ", flags);
    }

    private static void out(String line) {
        System.out.println(line);
        System.out.flush();
    }

    private static void err(String line) {
        System.err.println(line);
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("unexpected " + args[i] + " (see NatsBench's Javadoc)");
            }
            String k = args[i].substring(2);
            if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
                m.put(k, args[++i]);
            } else {
                m.put(k, "true");
            }
        }
        return m;
    }
}
