package io.microcdi.bench.nats;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * One measured run: at most {@code size} messages published and not yet delivered (a permit is taken before each
 * publish and given back by its delivery), until {@code maxMessages} are published or {@code maxNanos} have passed,
 * whichever comes first; then every published message is awaited. The rate is deliveries over the time from the
 * first publish to the last delivery.
 *
 * <p>Each message body starts with its publish time (8 bytes, {@link System#nanoTime()}) and this run's id (4 bytes),
 * so that a delivery left over from an earlier run is never counted, and publish-to-delivery latency is recorded.
 *
 * <pre>{@code
 * Window w = new Window(runId, 64, 200_000, TimeUnit.SECONDS.toNanos(10));
 * target.begin(w);
 * Window.Result r = w.run(target, 128);
 * }</pre>
 */
final class Window {

    private static final long MAX_LATENCY = TimeUnit.SECONDS.toNanos(60);

    private final int runId;
    private final int size;
    private final long maxMessages;
    private final long maxNanos;
    private final Semaphore permits;
    private final Recorder latency = new Recorder(MAX_LATENCY, 3);
    private final LongAdder delivered = new LongAdder();
    private final LongAdder stray = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private final AtomicLong lastDelivery = new AtomicLong();
    private final AtomicReference<Throwable> firstError = new AtomicReference<>();

    /**
     * The outcome of a run.
     *
     * @param published messages published
     * @param delivered messages delivered (of this run)
     * @param errors    publishes that failed
     * @param stray     deliveries of earlier runs' messages (not counted)
     * @param nanos     first publish to last delivery
     * @param complete  whether every published message was delivered (or failed) within the drain timeout
     * @param latency   publish-to-delivery times, ns
     * @param firstError the first publish failure, or {@code null}
     */
    record Result(long published, long delivered, long errors, long stray, long nanos, boolean complete,
                  Histogram latency, Throwable firstError) {

        double rate() {
            return nanos <= 0 ? 0 : delivered * 1e9 / nanos;
        }

        double p50Millis() {
            return latency.getValueAtPercentile(50) / 1e6;
        }

        double p99Millis() {
            return latency.getValueAtPercentile(99) / 1e6;
        }
    }

    Window(int runId, int size, long maxMessages, long maxNanos) {
        this.runId = runId;
        this.size = size;
        this.maxMessages = maxMessages;
        this.maxNanos = maxNanos;
        this.permits = new Semaphore(size);
    }

    /** A message body of {@code bytes} bytes, stamped with the time now and this run. */
    private byte[] body(int bytes, long now) {
        byte[] b = new byte[bytes]; // a new array per message: jnats keeps it until its writer has sent it
        for (int i = 7; i >= 0; i--) {
            b[i] = (byte) now;
            now >>>= 8;
        }
        b[8] = (byte) (runId >>> 24);
        b[9] = (byte) (runId >>> 16);
        b[10] = (byte) (runId >>> 8);
        b[11] = (byte) runId;
        return b;
    }

    /** A subscriber got {@code body}: counted when it is this run's. Any thread. */
    void delivered(byte[] body) {
        long now = System.nanoTime();
        if (body.length < 12 || readInt(body, 8) != runId) {
            stray.increment();
            return;
        }
        latency.recordValue(Math.min(MAX_LATENCY, Math.max(0, now - readLong(body))));
        lastDelivery.accumulateAndGet(now, Math::max);
        delivered.increment();
        permits.release();
    }

    /** A publish failed: its permit is given back (any thread). */
    void failed(Throwable error) {
        firstError.compareAndSet(null, error);
        errors.increment();
        permits.release();
    }

    /**
     * Publishes on the calling thread, bounded by count and time, then waits (up to {@code drainMillis}) for the
     * deliveries.
     */
    Result run(Target target, int bodyBytes, long drainMillis) throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + maxNanos;
        long published = 0;
        while (published < maxMessages) {
            if (!permits.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                if (System.nanoTime() - deadline >= 0) {
                    break;
                }
                continue;
            }
            long now = System.nanoTime();
            if (now - deadline >= 0) {
                permits.release();
                break;
            }
            target.publish(body(bodyBytes, now), this);
            published++;
        }
        long drainDeadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(drainMillis);
        while (delivered.sum() + errors.sum() < published && System.nanoTime() - drainDeadline < 0) {
            Thread.sleep(1);
        }
        boolean complete = delivered.sum() + errors.sum() >= published;
        long end = lastDelivery.get();
        return new Result(published, delivered.sum(), errors.sum(), stray.sum(), end == 0 ? 0 : end - start,
                complete, latency.getIntervalHistogram(), firstError.get());
    }

    private static long readLong(byte[] b) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (b[i] & 0xff);
        }
        return v;
    }

    private static int readInt(byte[] b, int at) {
        return (b[at] & 0xff) << 24 | (b[at + 1] & 0xff) << 16 | (b[at + 2] & 0xff) << 8 | (b[at + 3] & 0xff);
    }
}
