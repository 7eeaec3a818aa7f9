package io.microcdi.transport.http;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The server-wide budget of {@code micro.transport.http.max-pending-bytes}: bytes held, across every connection of a
 * transport, for requests not read whole yet. A connection charges what it holds across reads and gives it back once
 * the request is complete (or the connection gone); a request read in one go is never charged, so a full budget
 * costs an ordinary call nothing.
 *
 * <pre>{@code
 * if (!budget.tryCharge(n)) { ... answer 503, close ... }
 * budget.release(n);
 * }</pre>
 */
final class PendingBytes {

    private final AtomicLong used = new AtomicLong();
    private final long max;

    PendingBytes(long max) {
        this.max = max;
    }

    /** Takes {@code n} bytes from the budget; {@code false} (and nothing taken) when that would pass it. */
    boolean tryCharge(long n) {
        long after = used.addAndGet(n);
        if (after > max) {
            used.addAndGet(-n);
            return false;
        }
        return true;
    }

    /** Gives {@code n} bytes back. */
    void release(long n) {
        if (n > 0) {
            used.addAndGet(-n);
        }
    }

    /** Bytes charged now. */
    long used() {
        return used.get();
    }

    long max() {
        return max;
    }
}
