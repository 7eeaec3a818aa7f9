package io.microcdi.registry;

import io.microcdi.config.MicroConfig;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Re-registration every {@code micro.register.interval} less up to 10% jitter, so that nodes started together do not
 * refresh the registry in step; shared by the RPC server and the HTTP broker's subscriptions, and open to any plugin
 * whose nodes must stay in a {@link Registry} that expires them.
 *
 * <pre>{@code
 * Heartbeat hb = Heartbeat.start("microcdi-register", timing.interval(), () -> registry.register(s, timing.ttl()));
 * hb.stop(Duration.ofSeconds(10));   // waits for a beat in progress: deregister only after this
 * }</pre>
 */
public final class Heartbeat {

    /** The key of how long the registry keeps a node that stopped re-registering. */
    public static final String TTL = "micro.register.ttl";
    /** The key of how often a node re-registers. */
    public static final String INTERVAL = "micro.register.interval";
    /** {@value #TTL} when not set. */
    public static final Duration DEFAULT_TTL = Duration.ofSeconds(60);
    /** {@value #INTERVAL} when not set. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(30);

    private final ScheduledExecutorService timer;
    private final long intervalMillis;
    private final Runnable beat;
    private volatile boolean stopped;

    /**
     * How long the registry keeps a node, and how often it is refreshed.
     *
     * @param ttl      {@code micro.register.ttl}
     * @param interval {@code micro.register.interval}, shorter than the TTL
     */
    public record Timing(Duration ttl, Duration interval) {

        /** Reads {@code micro.register.ttl} and {@code micro.register.interval}; the interval must be the shorter. */
        public static Timing from(MicroConfig c) {
            Duration ttl = c.duration(TTL, DEFAULT_TTL);
            Duration interval = c.duration(INTERVAL, DEFAULT_INTERVAL);
            if (interval.compareTo(ttl) >= 0) {
                throw MicroConfig.invalid(INTERVAL, interval.toString(),
                        "shorter than " + TTL + " (" + ttl + ") so the node is refreshed before it expires");
            }
            return new Timing(ttl, interval);
        }
    }

    private Heartbeat(String threadName, Duration interval, Runnable beat) {
        AtomicInteger n = new AtomicInteger();
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, threadName + "-" + n.incrementAndGet());
            t.setDaemon(true); // a forgotten stop must not keep the JVM alive
            return t;
        });
        this.intervalMillis = interval.toMillis();
        this.beat = beat;
    }

    /** Runs {@code beat} every {@code interval} (less jitter) on a daemon thread named {@code threadName}. */
    public static Heartbeat start(String threadName, Duration interval, Runnable beat) {
        Heartbeat h = new Heartbeat(threadName, interval, beat);
        h.schedule();
        return h;
    }

    private void schedule() {
        long jitter = ThreadLocalRandom.current().nextLong(Math.max(1, intervalMillis / 10));
        timer.schedule(() -> {
            if (stopped) {
                return;
            }
            beat.run();
            if (!stopped) {
                schedule();
            }
        }, intervalMillis - jitter, TimeUnit.MILLISECONDS);
    }

    /** Whether {@link #stop} was called: a beat checks it between registrations. */
    public boolean stopped() {
        return stopped;
    }

    /** Stops the beats and waits up to {@code wait} for one in progress, which could otherwise re-register. */
    public void stop(Duration wait) {
        stopped = true;
        timer.shutdownNow();
        try {
            timer.awaitTermination(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
