package io.microcdi.bench.load;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The closed-loop driver, the same for every target: {@code concurrency} loops, each issues a call, waits for its
 * answer, records its latency (HdrHistogram, nanoseconds, 3 significant digits) and issues the next, until the slice
 * time is up or {@code maxCalls} calls completed. Then it waits for the calls in flight.
 *
 * <pre>{@code
 * Driver.Slice s = Driver.run(target, 64, 3.0, Long.MAX_VALUE);   // s.rps(), s.histogram()
 * }</pre>
 */
final class Driver {

    /** A failing target stops a slice after this many errors instead of spinning. */
    private static final long MAX_ERRORS = 1000;

    /** Answers that come back on the calling thread are handed off past this depth, so loops cannot recurse deep. */
    private static final int MAX_DEPTH = 16;
    private static final ThreadLocal<int[]> DEPTH = ThreadLocal.withInitial(() -> new int[1]);
    private static final ExecutorService HANDOFF = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "driver-handoff");
        t.setDaemon(true);
        return t;
    });

    private Driver() {
    }

    /** One slice's result. */
    record Slice(String target, int concurrency, long calls, long errors, double seconds, Histogram histogram,
                 Throwable firstError) {
        double rps() {
            return calls / seconds;
        }

        double p50Ms() {
            return histogram.getValueAtPercentile(50) / 1e6;
        }

        double p99Ms() {
            return histogram.getValueAtPercentile(99) / 1e6;
        }
    }

    static Slice run(Target target, int concurrency, double seconds, long maxCalls) throws InterruptedException {
        Run run = new Run(target, concurrency, (long) (seconds * 1e9), maxCalls);
        return run.go();
    }

    private static final class Run {
        final Target target;
        final int concurrency;
        final long durationNanos;
        final long maxCalls;
        final Recorder recorder = new Recorder(3);
        final LongAdder calls = new LongAdder();
        final AtomicLong issued = new AtomicLong();
        final LongAdder errors = new LongAdder();
        final CountDownLatch finished;
        volatile Throwable firstError;
        volatile boolean stop;
        long deadline;

        Run(Target target, int concurrency, long durationNanos, long maxCalls) {
            this.target = target;
            this.concurrency = concurrency;
            this.durationNanos = durationNanos;
            this.maxCalls = maxCalls;
            this.finished = new CountDownLatch(concurrency);
        }

        Slice go() throws InterruptedException {
            recorder.reset();
            long start = System.nanoTime();
            deadline = start + durationNanos;
            for (int i = 0; i < concurrency; i++) {
                issue(i);
            }
            if (!finished.await(durationNanos + TimeUnit.SECONDS.toNanos(30), TimeUnit.NANOSECONDS)) {
                stop = true;
                throw new IllegalStateException(target.name() + ": calls still in flight 30 s after the slice ended");
            }
            double secs = (System.nanoTime() - start) / 1e9;
            return new Slice(target.name(), concurrency, calls.sum(), errors.sum(), secs,
                    recorder.getIntervalHistogram(), firstError);
        }

        void issue(int loop) {
            if (stop || System.nanoTime() - deadline >= 0 || issued.incrementAndGet() > maxCalls) {
                finished.countDown();
                return;
            }
            long t0 = System.nanoTime();
            CompletableFuture<?> f;
            try {
                f = target.call(loop);
            } catch (Throwable e) {
                failed(e);
                finished.countDown();
                return;
            }
            f.whenComplete((r, e) -> {
                long t1 = System.nanoTime();
                if (e == null) {
                    recorder.recordValue(t1 - t0);
                    calls.increment();
                } else {
                    failed(e);
                }
                int[] depth = DEPTH.get();
                if (depth[0] >= MAX_DEPTH) {
                    HANDOFF.execute(() -> issue(loop));
                    return;
                }
                depth[0]++;
                try {
                    issue(loop);
                } finally {
                    depth[0]--;
                }
            });
        }

        void failed(Throwable e) {
            if (firstError == null) {
                firstError = e;
            }
            errors.increment();
            if (errors.sum() >= MAX_ERRORS) {
                stop = true;
            }
        }
    }
}
