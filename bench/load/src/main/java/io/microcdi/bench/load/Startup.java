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
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The greeter's start-to-registered time and idle RSS. For each run: start {@code java -jar greeter.jar} (the default
 * stack: mDNS on loopback, HTTP, JSON) with {@code MICRO_SERVER_ADDRESS=127.0.0.1:<free port>}, and poll this JVM's
 * own {@link MdnsRegistry} (already browsing, defaults) every 2 ms until {@code greeter} has a node with exactly that
 * address: the time from just before the process was started is start-to-registered. Then let it idle, read
 * {@code VmRSS} from {@code /proc/<pid>/status}, stop it (SIGTERM) and wait until its goodbye removed the node.
 *
 * <pre>{@code
 * java -jar load-bench.jar startup --greeter-jar examples/greeter/target/greeter.jar [--runs 3] [--idle 3]
 * }</pre>
 */
final class Startup {

    private Startup() {
    }

    static void run(String greeterJar, int runs, int idleSeconds, Path logDir) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<Double> startMs = new ArrayList<>();
        List<Double> rssMb = new ArrayList<>();
        try (MdnsRegistry registry = new MdnsRegistry(MdnsRegistryConfig.defaults())) {
            // let the browse settle (and the registry's warm-up pass) before the clock starts
            Thread.sleep(MdnsRegistryConfig.DEFAULT_TIMEOUT.toMillis() + 200);
            List<Node> before = nodes(registry);
            if (!before.isEmpty()) {
                System.out.println("# note: " + before.size() + " other greeter node(s) already on loopback mDNS: " + before);
            }
            for (int i = 1; i <= runs; i++) {
                int port = freePort();
                String addr = "127.0.0.1:" + port;
                ProcessBuilder pb = new ProcessBuilder(java, "-jar", greeterJar).redirectErrorStream(true);
                File log = logDir == null ? null : logDir.resolve("startup-greeter-" + i + ".log").toFile();
                pb.redirectOutput(log == null ? ProcessBuilder.Redirect.DISCARD : ProcessBuilder.Redirect.to(log));
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
                        throw new IllegalStateException("greeter on " + addr + " not registered within 60 s (alive="
                                + p.isAlive() + ", log " + log + ")");
                    }
                    double ms = (t1 - t0) / 1e6;
                    Thread.sleep(idleSeconds * 1000L);
                    double rss = rssKb(p.pid()) / 1024.0;
                    startMs.add(ms);
                    rssMb.add(rss);
                    System.err.printf(Locale.ROOT, "[startup] run %d: registered after %.0f ms (the greeter logged: %s),"
                            + " idle RSS %.1f MiB (pid %d, %s)%n", i, ms, selfReported(log), rss, p.pid(), addr);
                } finally {
                    p.destroy();
                    if (!p.waitFor(15, TimeUnit.SECONDS)) {
                        p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                    }
                    Runtime.getRuntime().removeShutdownHook(killer);
                }
                // its goodbye must be gone through before the next one (and before the load greeter starts)
                long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (has(registry, addr) && System.nanoTime() < until) {
                    Thread.sleep(20);
                }
            }
        }
        System.out.printf(Locale.ROOT, "greeter-start-to-registered_ms %.0f  # median of %d runs: %s%n",
                median(startMs), runs, fmt(startMs, "%.0f"));
        System.out.printf(Locale.ROOT, "greeter-idle-rss_mib %.1f  # median of %d runs, VmRSS %d s after registering: %s%n",
                median(rssMb), runs, idleSeconds, fmt(rssMb, "%.1f"));
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

    /** The greeter's own "started in N ms" (JVM start to listening, as it measures it), from its log. */
    private static String selfReported(File log) {
        if (log == null) {
            return "?";
        }
        try {
            for (String line : Files.readAllLines(log.toPath())) {
                int at = line.indexOf("started in ");
                if (at >= 0) {
                    return line.substring(at);
                }
            }
        } catch (IOException | RuntimeException e) {
            return "? (" + e + ")";
        }
        return "?";
    }

    static long rssKb(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.substring(6).trim().split("\\s+")[0]);
            }
        }
        throw new IOException("no VmRSS for " + pid);
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
}
