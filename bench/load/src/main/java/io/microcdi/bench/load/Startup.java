package io.microcdi.bench.load;

import io.microcdi.registry.Node;
import io.microcdi.registry.Service;
import io.microcdi.registry.mdns.MdnsRegistry;
import io.microcdi.registry.mdns.MdnsRegistryConfig;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The greeter's start-to-registered time and idle RSS. For each run: start {@code java -jar greeter.jar} (the default
 * stack: mDNS on loopback, HTTP, JSON) with {@code MICRO_SERVER_ADDRESS=127.0.0.1:<free port>}, and poll this JVM's
 * own {@link MdnsRegistry} (already browsing, defaults) every 2 ms until {@code greeter} has a node with exactly that
 * address: the time from just before the process was started is start-to-registered. Then let it idle, read
 * {@code VmRSS} from {@code /proc/<pid>/status}, stop it (SIGTERM) and wait until its goodbye removed the node.
 *
 * <p>{@code --variants} compares ways of starting it in the same run, interleaved (run 1 of each, then run 2 of each,
 * the order rotating), so that a noisy machine falls on all of them alike. Each variant is {@code label: words}; a
 * word ending in {@code .jar} is the greeter jar to start, the others are JVM options. The plain {@code java -jar}
 * row keeps its name ({@code greeter-start-to-registered_ms}); the others print as
 * {@code greeter-start-to-registered-<label>_ms}. {@code --cds} adds a variant {@code cds}: one training run with
 * {@code -XX:ArchiveClassesAtExit} writes a class data archive of the greeter, then the runs use it.
 *
 * <pre>{@code
 * java -jar load-bench.jar startup --greeter-jar examples/greeter/target/greeter.jar [--runs 3] [--idle 3] [--cds]
 *      [--variants "c1: -XX:TieredStopAtLevel=1; before: /tmp/before/greeter.jar"]
 * }</pre>
 */
final class Startup {

    /** The label of the plain {@code java -jar greeter.jar} row. */
    static final String PLAIN = "jar";

    /** The greeter's own log line, as {@code Micro} writes it: "started in 1,234 ms" (grouped in some locales). */
    private static final Pattern SELF_REPORTED = Pattern.compile("started in ([0-9][0-9,.\\u00a0\\u202f' ]*) ms");

    private Startup() {
    }

    /** One way of starting the greeter: its jar and the JVM options before {@code -jar}. */
    record Variant(String label, String jar, List<String> jvmOptions) {

        /** The metric name of its start-to-registered row. */
        String metric(String what) {
            return label.equals(PLAIN) ? "greeter-" + what : "greeter-" + what + "-" + label;
        }
    }

    /** What one variant measured over the runs. */
    private static final class Measured {
        final List<Double> startMs = new ArrayList<>();
        final List<Double> rssMb = new ArrayList<>();
        final List<Double> selfMs = new ArrayList<>();
        final List<Double> cpuMs = new ArrayList<>();
    }

    static void run(String greeterJar, int runs, int idleSeconds, Path logDir, String variantSpec, boolean cds)
            throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<Variant> variants = new ArrayList<>(variants(greeterJar, variantSpec));
        Path scratch = Files.createTempDirectory("microcdi-startup");
        Map<Variant, Measured> results = new LinkedHashMap<>();
        try (MdnsRegistry registry = new MdnsRegistry(MdnsRegistryConfig.defaults())) {
            // let the browse settle (and the registry's warm-up pass) before the clock starts
            Thread.sleep(MdnsRegistryConfig.DEFAULT_TIMEOUT.toMillis() + 200);
            List<Node> before = nodes(registry);
            if (!before.isEmpty()) {
                System.out.println("# note: " + before.size() + " other greeter node(s) already on loopback mDNS: " + before);
            }
            if (cds) {
                Path archive = scratch.resolve("greeter.jsa");
                // the training run: the archive is written as that JVM exits (SIGTERM runs the normal exit path)
                once(registry, java, new Variant("cds-training", greeterJar,
                        List.of("-XX:ArchiveClassesAtExit=" + archive)), 0, scratch.resolve("cds-training.log").toFile());
                if (!Files.exists(archive)) {
                    throw new IllegalStateException("the training run wrote no class data archive at " + archive);
                }
                variants.add(new Variant("cds", greeterJar, List.of("-XX:SharedArchiveFile=" + archive)));
            }
            for (Variant v : variants) {
                results.put(v, new Measured());
            }
            for (int i = 1; i <= runs; i++) {
                for (int k = 0; k < variants.size(); k++) {
                    // the order rotates from run to run: no variant always goes first (or right after another one)
                    Variant v = variants.get((k + i - 1) % variants.size());
                    String name = "startup-greeter-" + (v.label().equals(PLAIN) ? "" : v.label() + "-") + i + ".log";
                    File log = (logDir == null ? scratch : logDir).resolve(name).toFile();
                    Measured m = results.get(v);
                    double[] r = once(registry, java, v, idleSeconds, log);
                    m.startMs.add(r[0]);
                    m.rssMb.add(r[1]);
                    m.cpuMs.add(r[2]);
                    OptionalLong self = selfReported(log.toPath());
                    self.ifPresent(ms -> m.selfMs.add((double) ms));
                    System.err.printf(Locale.ROOT, "[startup] run %d %s: registered after %.0f ms (the greeter logged:"
                            + " started in %s ms; CPU time until registered %.0f ms), idle RSS %.1f MiB%n", i,
                            v.label(), r[0], self.isPresent() ? String.valueOf(self.getAsLong()) : "?", r[2], r[1]);
                }
            }
        } finally {
            deleteTree(scratch);
        }
        for (Map.Entry<Variant, Measured> e : results.entrySet()) {
            Variant v = e.getKey();
            Measured m = e.getValue();
            String how = v.label().equals(PLAIN) ? "" : v.label().equals("cds")
                    ? " [-XX:SharedArchiveFile=<written by a training run with -XX:ArchiveClassesAtExit>]"
                    : " [" + String.join(" ", v.jvmOptions()) + (v.jar().equals(greeterJar) ? "" : " " + v.jar()) + "]";
            System.out.printf(Locale.ROOT, "%s_ms %.0f  # median of %d runs%s: %s; the greeter's own \"started in\""
                    + " (main to listening and registering): %s; CPU time (user+sys) until registered: %.0f%n",
                    v.metric("start-to-registered"), median(m.startMs), m.startMs.size(), how,
                    fmt(m.startMs, "%.0f"), m.selfMs.isEmpty() ? "?" : String.format(Locale.ROOT, "%.0f",
                            median(m.selfMs)), median(m.cpuMs));
            System.out.printf(Locale.ROOT, "%s_mib %.1f  # median of %d runs, VmRSS %d s after registering: %s%n",
                    v.metric("idle-rss"), median(m.rssMb), m.rssMb.size(), idleSeconds, fmt(m.rssMb, "%.1f"));
        }
    }

    /**
     * Starts the greeter once, waits until it is registered, idles, reads its RSS, stops it: {ms, MiB, CPU ms until
     * registered}. The CPU time (all its threads, user and system) is the steadier figure on a machine that other
     * work keeps busy: the wall time there includes waiting for a core.
     */
    private static double[] once(MdnsRegistry registry, String java, Variant v, int idleSeconds, File log)
            throws Exception {
        int port = freePort();
        String addr = "127.0.0.1:" + port;
        List<String> command = new ArrayList<>();
        command.add(java);
        command.addAll(v.jvmOptions());
        command.add("-jar");
        command.add(v.jar());
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(log));
        pb.environment().put("MICRO_SERVER_ADDRESS", addr);
        long t0 = System.nanoTime();
        Process p = pb.start();
        Thread killer = new Thread(p::destroyForcibly);
        Runtime.getRuntime().addShutdownHook(killer);
        try {
            long deadline = t0 + TimeUnit.SECONDS.toNanos(60);
            long t1 = 0;
            while (System.nanoTime() < deadline && p.isAlive()) {
                if (has(registry, addr)) {
                    t1 = System.nanoTime();
                    break;
                }
                Thread.sleep(2);
            }
            if (t1 == 0) {
                throw new IllegalStateException("greeter " + v.label() + " on " + addr
                        + " not registered within 60 s (alive=" + p.isAlive() + ", log " + log + ")");
            }
            double cpu = cpuMs(p.pid());
            Thread.sleep(idleSeconds * 1000L);
            return new double[] {(t1 - t0) / 1e6, rssKb(p.pid()) / 1024.0, cpu};
        } finally {
            p.destroy();
            if (!p.waitFor(15, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
            Runtime.getRuntime().removeShutdownHook(killer);
            // its goodbye must be gone through before the next one (and before the load greeter starts)
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (has(registry, addr) && System.nanoTime() < until) {
                Thread.sleep(20);
            }
        }
    }

    /**
     * The plain {@code java -jar} variant, then those of {@code spec}: {@code "label: words; label: words"}, a word
     * ending in {@code .jar} being the greeter jar (else {@code greeterJar}), the others JVM options.
     */
    static List<Variant> variants(String greeterJar, String spec) {
        List<Variant> all = new ArrayList<>();
        all.add(new Variant(PLAIN, greeterJar, List.of()));
        if (spec == null || spec.isBlank()) {
            return all;
        }
        for (String part : spec.split(";")) {
            if (part.isBlank()) {
                continue;
            }
            int colon = part.indexOf(':');
            String label = colon < 0 ? "" : part.substring(0, colon).trim();
            if (!label.matches("[A-Za-z0-9][A-Za-z0-9_.-]*") || label.equals(PLAIN) || label.equals("cds")) {
                throw new IllegalArgumentException("--variants: \"" + part.trim() + "\" (expected: label: words, a"
                        + " label of letters, digits, '.', '_' or '-', not \"" + PLAIN + "\" nor \"cds\")");
            }
            String jar = greeterJar;
            List<String> options = new ArrayList<>();
            for (String word : part.substring(colon + 1).trim().split("\\s+")) {
                if (word.isEmpty()) {
                    continue;
                }
                if (word.endsWith(".jar")) {
                    jar = word;
                } else {
                    options.add(word);
                }
            }
            for (Variant v : all) {
                if (v.label().equals(label)) {
                    throw new IllegalArgumentException("--variants: label " + label + " given twice");
                }
            }
            all.add(new Variant(label, jar, List.copyOf(options)));
        }
        return all;
    }

    private static List<Node> nodes(MdnsRegistry registry) {
        List<Node> all = new ArrayList<>();
        for (Service s : registry.getService("greeter")) {
            all.addAll(s.nodes());
        }
        return all;
    }

    private static boolean has(MdnsRegistry registry, String addr) {
        for (Service s : registry.getService("greeter")) {
            for (Node n : s.nodes()) {
                if (n.address().equals(addr)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The greeter's own "started in N ms" (its main to listening and registered, as it measures it), from its log. */
    static OptionalLong selfReported(Path log) {
        try {
            return selfReported(Files.readAllLines(log));
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
    }

    /** The number of the first "started in N ms" line, whatever grouping separator the greeter's locale used. */
    static OptionalLong selfReported(List<String> lines) {
        for (String line : lines) {
            Matcher m = SELF_REPORTED.matcher(line);
            if (m.find()) {
                String digits = m.group(1).replaceAll("[^0-9]", "");
                if (!digits.isEmpty()) {
                    return OptionalLong.of(Long.parseLong(digits));
                }
            }
        }
        return OptionalLong.empty();
    }

    static long rssKb(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.substring(6).trim().split("\\s+")[0]);
            }
        }
        throw new IOException("no VmRSS for " + pid);
    }

    /** User plus system CPU time of {@code pid} so far, from {@code /proc/<pid>/stat} (in clock ticks of 10 ms). */
    static double cpuMs(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        // the command name (field 2) is in parentheses and may hold spaces: count fields after its closing one
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10.0; // utime and stime, fields 14 and 15
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    static double median(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        Collections.sort(s);
        int n = s.size();
        return n == 0 ? Double.NaN : n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    private static String fmt(List<Double> xs, String f) {
        StringBuilder b = new StringBuilder();
        for (double x : xs) {
            b.append(b.length() == 0 ? "" : " ").append(String.format(Locale.ROOT, f, x));
        }
        return b.toString();
    }

    private static void deleteTree(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(Collections.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary directory left behind is not worth failing the bench for
        }
    }
}
