package io.microcdi.tool;

/**
 * Counts latencies in log-linear buckets: exact below 256 ns, then 128 buckets per power of two, so a percentile is
 * within 0.4% of the true value from 1 µs to 10 minutes (values above about 18 minutes count as that).
 *
 * <pre>{@code
 * LatencyHistogram h = new LatencyHistogram();        // one per thread: it is not thread-safe
 * long t0 = System.nanoTime();
 * client.call(request, options).get();
 * h.record(System.nanoTime() - t0);
 * total.add(h);                                       // merge at the end
 * long p99 = total.percentile(99);                    // nanoseconds
 * }</pre>
 *
 * <p>{@link #record} writes into a fixed array (35 KB): no allocation and no lock per call, so the tool does not
 * measure itself.
 */
public final class LatencyHistogram {

    /** Bits of the value kept below its leading one bit: 2^7 = 128 buckets per power of two. */
    private static final int SUB_BITS = 7;

    /** The largest value counted as itself (2^40 - 1 ns, about 18.3 minutes); larger ones count as this. */
    static final long HIGHEST = (1L << 40) - 1;

    private final long[] counts = new long[index(HIGHEST) + 1];
    private long count;
    private long sum;
    private long min = Long.MAX_VALUE;
    private long max;

    /** Records one latency in nanoseconds; a negative one counts as 0. */
    public void record(long nanos) {
        long v = nanos < 0 ? 0 : Math.min(nanos, HIGHEST);
        counts[index(v)]++;
        count++;
        sum += v;
        if (v < min) {
            min = v;
        }
        if (v > max) {
            max = v;
        }
    }

    /** Adds every value recorded in {@code other} to this histogram. */
    public void add(LatencyHistogram other) {
        for (int i = 0; i < counts.length; i++) {
            counts[i] += other.counts[i];
        }
        count += other.count;
        sum += other.sum;
        min = Math.min(min, other.min);
        max = Math.max(max, other.max);
    }

    /** How many values were recorded. */
    public long count() {
        return count;
    }

    /** The smallest value recorded, in nanoseconds; 0 when none was. */
    public long min() {
        return count == 0 ? 0 : min;
    }

    /** The largest value recorded, in nanoseconds; 0 when none was. */
    public long max() {
        return max;
    }

    /** The mean of the values recorded, in nanoseconds; 0 when none was. */
    public double mean() {
        return count == 0 ? 0 : (double) sum / count;
    }

    /**
     * The value below or at which {@code percent} of the recorded values fall (nearest rank), in nanoseconds: the
     * middle of its bucket, kept within {@link #min()} and {@link #max()}; 0 when nothing was recorded.
     *
     * @param percent from 0 to 100: {@code 50} is the median, {@code 99.9} the 999th of a thousand
     */
    public long percentile(double percent) {
        if (!(percent >= 0 && percent <= 100)) {
            throw new IllegalArgumentException("percent: " + percent + " (expected: from 0 to 100)");
        }
        if (count == 0) {
            return 0;
        }
        // the small subtraction keeps 0.99 * 1000 from becoming rank 991 through rounding
        long rank = Math.max(1, (long) Math.ceil(percent / 100 * count - 1e-9));
        if (rank >= count) {
            return max; // known exactly, unlike the middle of its bucket
        }
        long seen = 0;
        for (int i = 0; i < counts.length; i++) {
            seen += counts[i];
            if (seen >= rank) {
                return Math.max(min, Math.min(max, middle(i)));
            }
        }
        return max;
    }

    /** The bucket of {@code v}: the value itself below 2^8, else its exponent and its next 7 bits. */
    static int index(long v) {
        int shift = Math.max(0, 63 - Long.numberOfLeadingZeros(v) - SUB_BITS);
        return (shift << SUB_BITS) + (int) (v >>> shift);
    }

    /** The middle value of bucket {@code i}, the inverse of {@link #index}. */
    static long middle(int i) {
        int shift = Math.max(0, (i >> SUB_BITS) - 1);
        long low = (long) (i - (shift << SUB_BITS)) << shift;
        return low + ((1L << shift) - 1) / 2;
    }
}
