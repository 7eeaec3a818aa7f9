package io.microcdi.tool;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** The histogram against exact percentiles of known distributions: within 1% from 1 µs to 10 minutes. */
class LatencyHistogramTest {

    private static final double[] PERCENTS = {0, 1, 10, 25, 50, 75, 90, 99, 99.9, 99.99, 100};

    /** The nearest-rank percentile of sorted {@code values}: what the histogram approximates. */
    private static long exact(long[] sorted, double percent) {
        int rank = Math.max(1, (int) Math.ceil(percent / 100 * sorted.length - 1e-9));
        return sorted[rank - 1];
    }

    private static void assertWithinOnePercent(long[] values) {
        LatencyHistogram h = new LatencyHistogram();
        for (long v : values) {
            h.record(v);
        }
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        for (double p : PERCENTS) {
            long want = exact(sorted, p);
            assertThat((double) h.percentile(p)).as("p%s", p).isCloseTo(want, within(want * 0.01));
        }
        assertThat(h.count()).isEqualTo(values.length);
        assertThat(h.min()).isEqualTo(sorted[0]);
        assertThat(h.max()).isEqualTo(sorted[sorted.length - 1]);
        assertThat(h.mean()).isCloseTo(Arrays.stream(values).average().orElseThrow(), within(1e-6));
    }

    @Test
    void everyBucketHoldsItsValuesWithinHalfAPercent() {
        // each value's bucket, and that bucket's middle, on both edges of every bucket from 1 µs to 10 min
        for (long v = 1; v <= TimeUnit.MINUTES.toNanos(10); v = v < 4096 ? v + 1 : v + v / 997) {
            int i = LatencyHistogram.index(v);
            assertThat(LatencyHistogram.index(LatencyHistogram.middle(i))).isEqualTo(i);
            if (v >= 1000) {
                assertThat((double) LatencyHistogram.middle(i)).isCloseTo(v, within(v * 0.004));
            }
        }
        assertThat(LatencyHistogram.index(255)).isEqualTo(255);
        assertThat(LatencyHistogram.index(256)).isEqualTo(256);
        assertThat(LatencyHistogram.index(LatencyHistogram.HIGHEST)).isLessThan(4400);
    }

    @Test
    void uniformMicrosecondsToMilliseconds() {
        long[] values = new long[100_000];
        for (int i = 0; i < values.length; i++) {
            values[i] = 1_000 + i * 100L; // 1 µs to 10 ms, evenly
        }
        assertWithinOnePercent(values);
    }

    @Test
    void logUniformFromOneMicrosecondToTenMinutes() {
        SplittableRandom random = new SplittableRandom(42);
        double low = Math.log(1_000);
        double high = Math.log(TimeUnit.MINUTES.toNanos(10));
        long[] values = new long[200_000];
        for (int i = 0; i < values.length; i++) {
            values[i] = (long) Math.exp(low + random.nextDouble() * (high - low));
        }
        assertWithinOnePercent(values);
    }

    @Test
    void aLongTailIsSeenAtP99() {
        long[] values = new long[10_000];
        Arrays.fill(values, TimeUnit.MICROSECONDS.toNanos(400));
        for (int i = 0; i < 200; i++) {
            values[i] = TimeUnit.MILLISECONDS.toNanos(250); // 2% of calls hit a 250 ms stall
        }
        assertWithinOnePercent(values);

        LatencyHistogram h = new LatencyHistogram();
        Arrays.stream(values).forEach(h::record);
        assertThat((double) h.percentile(98)).isCloseTo(400_000, within(4_000.0));
        assertThat((double) h.percentile(99)).isCloseTo(250_000_000, within(2_500_000.0));
    }

    @Test
    void mergedHalvesEqualTheWhole() {
        SplittableRandom random = new SplittableRandom(7);
        LatencyHistogram whole = new LatencyHistogram();
        LatencyHistogram a = new LatencyHistogram();
        LatencyHistogram b = new LatencyHistogram();
        for (int i = 0; i < 50_000; i++) {
            long v = 1_000 + random.nextLong(50_000_000);
            whole.record(v);
            (i % 3 == 0 ? a : b).record(v);
        }
        a.add(b);

        assertThat(a.count()).isEqualTo(whole.count());
        assertThat(a.min()).isEqualTo(whole.min());
        assertThat(a.max()).isEqualTo(whole.max());
        assertThat(a.mean()).isEqualTo(whole.mean());
        for (double p : PERCENTS) {
            assertThat(a.percentile(p)).as("p%s", p).isEqualTo(whole.percentile(p));
        }
    }

    @Test
    void mergingAnEmptyOneChangesNothing() {
        LatencyHistogram h = new LatencyHistogram();
        h.record(5_000);
        h.add(new LatencyHistogram());
        assertThat(h.min()).isEqualTo(5_000);
        assertThat(h.max()).isEqualTo(5_000);
        assertThat(h.count()).isEqualTo(1);

        LatencyHistogram empty = new LatencyHistogram();
        empty.add(new LatencyHistogram());
        assertThat(empty.count()).isZero();
        assertThat(empty.min()).isZero();
    }

    @Test
    void emptyAndOutOfRange() {
        LatencyHistogram h = new LatencyHistogram();
        assertThat(h.percentile(50)).isZero();
        assertThat(h.min()).isZero();
        assertThat(h.max()).isZero();
        assertThat(h.mean()).isZero();

        h.record(-3);
        h.record(Long.MAX_VALUE);
        assertThat(h.min()).isZero();
        assertThat(h.max()).isEqualTo(LatencyHistogram.HIGHEST);
        assertThat(h.percentile(100)).isEqualTo(LatencyHistogram.HIGHEST);

        assertThatThrownBy(() -> h.percentile(101)).hasMessage("percent: 101.0 (expected: from 0 to 100)");
        assertThatThrownBy(() -> h.percentile(Double.NaN)).hasMessage("percent: NaN (expected: from 0 to 100)");
    }
}
