package io.microcdi.telemetry.micrometer;

import java.util.Arrays;
import java.util.function.IntFunction;

/**
 * One meter per Go Micro error code (a timer or a counter of one name and tags, its {@code code} tag apart), found by
 * a scan of a small array: no allocation once the code has been seen.
 *
 * <pre>{@code
 * ByCode<Timer> timers = new ByCode<>(code -> Timer.builder(name).tags(tags.and("code", ...)).register(registry));
 * timers.get(0).record(nanos, TimeUnit.NANOSECONDS);
 * }</pre>
 *
 * <p>A call sees one or two codes in practice (success, a timeout); past {@link #MAX_CODES} distinct codes, which
 * only a peer inventing codes would reach, further codes share the meter of {@link #OTHER}, so that neither the scan
 * nor the number of series grows without bound.
 */
final class ByCode<M> {

    /** The most codes one meter tracks apart. */
    static final int MAX_CODES = 32;
    /** What codes past {@link #MAX_CODES} are recorded as. */
    static final int OTHER = -1;

    private record Entry(int code, Object meter) {
    }

    private final IntFunction<M> maker;
    private volatile Entry[] entries = new Entry[0];

    /** {@code maker} registers the meter of a code ({@link #OTHER} included); called once per code. */
    ByCode(IntFunction<M> maker) {
        this.maker = maker;
    }

    @SuppressWarnings("unchecked")
    M get(int code) {
        Entry[] now = entries;
        for (Entry e : now) {
            if (e.code == code) {
                return (M) e.meter;
            }
        }
        // full: the last entry is OTHER's, and the lock is not taken again
        return now.length > MAX_CODES ? (M) now[MAX_CODES].meter : add(code);
    }

    @SuppressWarnings("unchecked")
    private synchronized M add(int code) {
        Entry[] now = entries;
        if (now.length >= MAX_CODES) {
            code = OTHER;
        }
        for (Entry e : now) {
            if (e.code == code) {
                return (M) e.meter;
            }
        }
        M meter = maker.apply(code);
        Entry[] more = Arrays.copyOf(now, now.length + 1);
        more[now.length] = new Entry(code, meter);
        entries = more;
        return meter;
    }
}
