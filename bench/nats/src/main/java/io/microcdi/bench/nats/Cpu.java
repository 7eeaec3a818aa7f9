package io.microcdi.bench.nats;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where the CPU went during a run: this JVM (by thread group), the nats-server, and the rest of the machine, from
 * the JVM's own counters and /proc (Linux; {@code -1} elsewhere). Taken between runs only.
 *
 * <pre>{@code
 * Cpu.Snapshot before = Cpu.snapshot(serverPid);
 * ... run ...
 * Cpu.Usage u = Cpu.snapshot(serverPid).since(before, messages);
 * }</pre>
 */
final class Cpu {

    /** USER_HZ: /proc counts in 1/100 s. */
    private static final double NANOS_PER_TICK = 1e7;
    private static final int CORES = Runtime.getRuntime().availableProcessors();
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final OperatingSystemMXBean OS = ManagementFactory.getOperatingSystemMXBean();

    private Cpu() {
    }

    /** CPU counters at one instant. */
    record Snapshot(long nanoTime, long selfNanos, long serverTicks, long machineBusyTicks, long machineTotalTicks,
                    Map<Long, ThreadCpu> threadNanos) {

        /** From {@code before} to this snapshot, for {@code messages} messages. */
        Usage since(Snapshot before, long messages) {
            double wall = nanoTime - before.nanoTime;
            double self = selfNanos < 0 ? -1 : (selfNanos - before.selfNanos);
            double server = serverTicks < 0 ? -1 : (serverTicks - before.serverTicks) * NANOS_PER_TICK;
            double machine = machineBusyTicks < 0 ? -1 : (machineBusyTicks - before.machineBusyTicks) * NANOS_PER_TICK;
            // per thread, then by group: a pool thread that ended since (idle too long) takes nothing off
            Map<String, Double> threads = new TreeMap<>();
            threadNanos.forEach((id, now) -> {
                ThreadCpu then = before.threadNanos.get(id);
                long d = now.nanos() - (then == null ? 0 : then.nanos());
                if (d > 0) {
                    threads.merge(now.group(), d / wall, Double::sum);
                }
            });
            return new Usage(wall, messages, self / wall, server < 0 ? -1 : server / wall,
                    machine < 0 ? -1 : machine / wall, threads);
        }
    }

    /**
     * CPU use in a run, in cores (1.0 = one core busy for the whole run).
     *
     * @param threads this JVM's threads by name, digits replaced by {@code #}
     */
    record Usage(double wallNanos, long messages, double jvm, double server, double machine,
                 Map<String, Double> threads) {

        /** The rest of the machine: neither this JVM nor the server. */
        double other() {
            return machine < 0 ? -1 : Math.max(0, machine - Math.max(0, jvm) - Math.max(0, server));
        }

        /** CPU microseconds per message of {@code cores} (a share of the run). */
        double microsPerMessage(double cores) {
            return messages == 0 || cores < 0 ? -1 : cores * wallNanos / messages / 1e3;
        }

        String describe() {
            StringBuilder sb = new StringBuilder(String.format(java.util.Locale.ROOT,
                    "cpu (cores of %d): jvm %.2f, nats-server %.2f, other %.2f; us/msg: jvm %.2f, nats-server %.2f",
                    CORES, jvm, server, other(), microsPerMessage(jvm), microsPerMessage(server)));
            sb.append("; jvm threads us/msg:");
            threads.entrySet().stream()
                    .filter(e -> e.getValue() >= 0.005)
                    .sorted((a, b) -> Double.compare(b.getValue(), a.getValue()))
                    .forEach(e -> sb.append(String.format(java.util.Locale.ROOT, " %s=%.2f", e.getKey(),
                            microsPerMessage(e.getValue()))));
            return sb.toString();
        }
    }

    static Snapshot snapshot(long serverPid) {
        long self = OS instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() : -1;
        long[] machine = machine();
        return new Snapshot(System.nanoTime(), self, serverPid > 0 ? process(serverPid) : -1, machine[0], machine[1],
                threads());
    }

    static int cores() {
        return CORES;
    }

    /** A thread's CPU time so far, and its name with digits replaced by {@code #}. */
    record ThreadCpu(String group, long nanos) {
    }

    private static Map<Long, ThreadCpu> threads() {
        Map<Long, ThreadCpu> out = new HashMap<>();
        if (!THREADS.isThreadCpuTimeSupported()) {
            return out;
        }
        long[] ids = THREADS.getAllThreadIds();
        ThreadInfo[] infos = THREADS.getThreadInfo(ids);
        for (int i = 0; i < ids.length; i++) {
            long ns = THREADS.getThreadCpuTime(ids[i]);
            if (infos[i] != null && ns > 0) {
                out.put(ids[i], new ThreadCpu(infos[i].getThreadName().replaceAll("[0-9]+", "#"), ns));
            }
        }
        return out;
    }

    /** {busy, total} ticks over all cores, {-1, -1} without /proc/stat. */
    private static long[] machine() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long total = 0;
            for (int i = 1; i <= 8 && i < f.length; i++) { // user nice system idle iowait irq softirq steal
                total += Long.parseLong(f[i]);
            }
            return new long[] {total - Long.parseLong(f[4]) - Long.parseLong(f[5]), total};
        } catch (IOException | RuntimeException e) {
            return new long[] {-1, -1};
        }
    }

    /** utime + stime of a process, in ticks; -1 when unknown. */
    private static long process(long pid) {
        try {
            String s = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] f = s.substring(s.lastIndexOf(')') + 2).trim().split("\\s+");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * Waits until the rest of the machine (neither this JVM nor the server) uses less than a quarter of a core over
     * 300 ms, at most {@code maxMillis}; the cores it used in the last 300 ms.
     */
    static double awaitQuiet(long serverPid, long maxMillis) throws InterruptedException {
        long deadline = System.nanoTime() + maxMillis * 1_000_000;
        double other;
        do {
            Snapshot before = snapshot(serverPid);
            Thread.sleep(300);
            other = snapshot(serverPid).since(before, 0).other();
        } while (other > 0.25 && System.nanoTime() < deadline);
        return other;
    }

    /** The 1-minute load average, or -1. */
    static double loadAverage() {
        return OS.getSystemLoadAverage();
    }
}
