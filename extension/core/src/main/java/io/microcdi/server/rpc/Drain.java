package io.microcdi.server.rpc;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * The calls a stopping server waits for: it counts the calls accepted and those not yet answered, keeps serving while
 * calls still arrive after deregistering, and then waits for the last answers.
 *
 * <pre>{@code
 * drain.accepted();       // on the I/O thread, per call
 * drain.handedOver();     // once per call: answered, or became a stream
 * drain.graceAfterDeregistering(config.shutdownGrace());
 * drain.awaitDrained(deadline, config.shutdownTimeout());
 * }</pre>
 */
final class Drain {

    private static final System.Logger LOG = System.getLogger(RpcServer.class.getName());

    /** The server's: set once it stops; only then is an answer that empties the server worth a notify. */
    private final AtomicBoolean stopped;
    private final Object drainLock = new Object();
    /** Calls accepted and not yet answered; {@link #drainLock} is notified when it reaches 0 during a stop. */
    private final AtomicInteger inFlight = new AtomicInteger();
    /**
     * Calls ever accepted: the shutdown grace ends once it stops moving, and {@code Debug.Stats} reports it. Striped:
     * every I/O thread adds to it per call, and it is read only by a stop and a {@code Debug.Stats}.
     */
    private final LongAdder accepted = new LongAdder();

    Drain(AtomicBoolean stopped) {
        this.stopped = stopped;
    }

    /** A call came in: it holds a graceful stop until {@link #handedOver}. */
    void accepted() {
        inFlight.incrementAndGet();
        accepted.increment();
    }

    /** How many calls were ever accepted (streams opened included). */
    long acceptedCount() {
        return accepted.sum();
    }

    /** A request was answered, or became a stream: it no longer holds a graceful stop. */
    void handedOver() {
        if (inFlight.decrementAndGet() == 0 && stopped.get()) {
            synchronized (drainLock) {
                drainLock.notifyAll();
            }
        }
    }

    /**
     * Keeps serving for {@code grace} after deregistering, while clients still holding this node in their caches
     * learn that it left; ends early once no call arrived for {@link RpcServerConfig#QUIET}.
     */
    void graceAfterDeregistering(Duration shutdownGrace) {
        long grace = shutdownGrace.toNanos();
        if (grace <= 0) {
            return;
        }
        long start = System.nanoTime();
        long quiet = Math.min(grace, RpcServerConfig.QUIET.toNanos());
        long slice = Math.max(1, quiet / 4);
        long seen = accepted.sum();
        long lastChange = start;
        long now;
        while ((now = System.nanoTime()) - start < grace && now - lastChange < quiet) {
            LockSupport.parkNanos(slice);
            long a = accepted.sum();
            if (a != seen) {
                seen = a;
                lastChange = System.nanoTime();
            }
            if (Thread.interrupted()) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        LOG.log(Level.DEBUG, "grace after deregistering: {0} ms", String.valueOf((System.nanoTime() - start) / 1_000_000));
    }

    /** Waits until every accepted call was handed over, or {@code deadline} ({@link System#nanoTime()}). */
    void awaitDrained(long deadline, Duration shutdownTimeout) {
        synchronized (drainLock) {
            long left;
            while (inFlight.get() > 0 && (left = deadline - System.nanoTime()) > 0) {
                try {
                    TimeUnit.NANOSECONDS.timedWait(drainLock, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        if (inFlight.get() > 0) {
            LOG.log(Level.WARNING, "stopping with {0} calls still running after {1}", String.valueOf(inFlight.get()),
                    shutdownTimeout);
        }
    }
}
