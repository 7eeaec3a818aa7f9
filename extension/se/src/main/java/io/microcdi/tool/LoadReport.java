package io.microcdi.tool;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a run measured, and the lines that say it.
 *
 * <pre>{@code
 * report.summaryLine()   // "calls=48113 failures=0 rps=9623 p50_ms=3.104 p99_ms=6.881"
 * }</pre>
 *
 * @param calls        calls that started after the warm-up and completed within the run, failed ones included
 * @param failures     those of {@code calls} that failed
 * @param nanos        the measured time: from the end of the warm-up to the end of the run
 * @param latencies    the latency of each of {@code calls}
 * @param failureKinds failures by error code ({@code "503"}), or by exception class when not a
 *                     {@link io.microcdi.errors.MicroException}
 * @param abandoned    calls still in flight when the time was up: not counted
 */
record LoadReport(long calls, long failures, long nanos, LatencyHistogram latencies, Map<String, Long> failureKinds,
                  long abandoned) {

    LoadReport {
        failureKinds = Map.copyOf(failureKinds);
    }

    /** Completed calls per measured second, rounded; 0 when nothing was measured. */
    long rps() {
        return nanos <= 0 ? 0 : Math.round(calls * 1e9 / nanos);
    }

    /** {@code calls=N failures=N rps=N p50_ms=N.NNN p99_ms=N.NNN}: the line scripts and tests read. */
    String summaryLine() {
        return "calls=" + calls + " failures=" + failures + " rps=" + rps()
                + " p50_ms=" + millis(latencies.percentile(50)) + " p99_ms=" + millis(latencies.percentile(99));
    }

    /** The latency distribution in milliseconds, for a reader. */
    String latencyLine() {
        return "latency_ms min=" + millis(latencies.min()) + " p50=" + millis(latencies.percentile(50))
                + " p90=" + millis(latencies.percentile(90)) + " p99=" + millis(latencies.percentile(99))
                + " p99.9=" + millis(latencies.percentile(99.9)) + " max=" + millis(latencies.max())
                + " mean=" + millis(Math.round(latencies.mean()));
    }

    /** {@code failures by code: 408=2 503=1200}, or {@code null} when nothing failed. */
    String failureLine() {
        if (failureKinds.isEmpty()) {
            return null;
        }
        StringBuilder line = new StringBuilder("failures by code:");
        new TreeMap<>(failureKinds).forEach((kind, n) -> line.append(' ').append(kind).append('=').append(n));
        return line.toString();
    }

    /** Nanoseconds as milliseconds with three decimals and a dot, whatever the locale. */
    static String millis(long nanos) {
        return String.format(Locale.ROOT, "%.3f", nanos / 1e6);
    }
}
