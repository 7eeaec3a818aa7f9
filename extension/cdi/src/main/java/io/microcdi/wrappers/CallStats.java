package io.microcdi.wrappers;

import jakarta.enterprise.context.ApplicationScoped;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The built-in {@link CallTimingListener}: per call name, how many calls, how many failed, their total and longest
 * duration, since the start. A bean like any other: present when discovered or added.
 *
 * <pre>{@code
 * @Inject CallStats stats;
 * CallStats.Stat hello = stats.snapshot().get("greeter Greeter.Hello");
 * System.out.println(hello.count() + " calls, " + hello.failures() + " failed, mean " + hello.meanNanos() + " ns");
 * }</pre>
 */
@ApplicationScoped
public class CallStats implements CallTimingListener {

    private final Map<String, Counters> byName = new ConcurrentHashMap<>();

    @Override
    public void onCall(CallTiming timing) {
        Counters c = byName.get(timing.name());
        if (c == null) {
            c = byName.computeIfAbsent(timing.name(), n -> new Counters());
        }
        c.count.increment();
        if (timing.failed()) {
            c.failures.increment();
        }
        c.total.add(timing.nanos());
        c.max.accumulateAndGet(timing.nanos(), Math::max);
    }

    /** The counts so far, by call name (sorted); a copy that later calls do not change. */
    public Map<String, Stat> snapshot() {
        Map<String, Stat> m = new TreeMap<>();
        byName.forEach((name, c) -> m.put(name, new Stat(c.count.sum(), c.failures.sum(), c.total.sum(),
                c.max.get())));
        return java.util.Collections.unmodifiableMap(m);
    }

    /**
     * The counts of one call name.
     *
     * @param count      calls ended
     * @param failures   of which failed
     * @param totalNanos their durations added up
     * @param maxNanos   the longest
     */
    public record Stat(long count, long failures, long totalNanos, long maxNanos) {

        /** The mean duration, {@code 0} before any call. */
        public long meanNanos() {
            return count == 0 ? 0 : totalNanos / count;
        }
    }

    private static final class Counters {
        final LongAdder count = new LongAdder();
        final LongAdder failures = new LongAdder();
        final LongAdder total = new LongAdder();
        final AtomicLong max = new AtomicLong();
    }
}
