package io.microcdi.cli;

import io.microcdi.config.MicroConfig;
import io.microcdi.registry.Registry;
import io.microcdi.registry.RegistryEvent;
import io.microcdi.registry.RegistryException;
import io.microcdi.registry.Service;
import io.microcdi.registry.Watcher;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A registry's changes, read with a timeout ({@link Watcher#next()} has none): a daemon thread hands them over.
 * Also how a short-lived process waits for a registry that learns of nodes by listening, mDNS, to have heard them.
 *
 * <pre>{@code
 * try (RegistryEvents events = RegistryEvents.watch(registry, null)) {
 *     events.settle(config);                        // mdns: the nodes already out there announce themselves
 *     RegistryEvent e = events.poll(Duration.ofSeconds(5));   // null when nothing happened meanwhile
 * }
 * }</pre>
 */
final class RegistryEvents implements AutoCloseable {

    /** The registry whose view is filled by listening, not by asking: a new process hears of nodes within ~1 s. */
    static final String LISTENING_REGISTRY = "mdns";
    /** How long the longest wait for the first node is: the mDNS registry's own warm-up, when it is set. */
    static final String WARM_UP_KEY = "micro.registry.mdns.timeout";
    /**
     * The longest wait when the key is not set: longer than a service's 3 s, because a command that heard nothing
     * answers "not there", and on a busy machine the first answers can take that long (one query's answers missed,
     * the next query goes out later). It only costs when nothing is out there.
     */
    static final Duration DEFAULT_WARM_UP = Duration.ofSeconds(5);
    /**
     * The shortest listen: a new process hears of the nodes already out there about a second after it started
     * browsing, some a little later than others (each is resolved on its own).
     */
    static final Duration MIN_LISTEN = Duration.ofMillis(1500);
    /** After that, how long without news counts as having heard them all. */
    static final Duration QUIET = Duration.ofMillis(500);

    private static final RegistryEvent END = new RegistryEvent(RegistryEvent.Action.DELETE,
            new Service("", "", null, null, null));

    private final Registry registry;
    private final Watcher watcher;
    private final BlockingQueue<RegistryEvent> queue = new LinkedBlockingQueue<>();
    private volatile RuntimeException failure;
    private volatile boolean ended;

    private RegistryEvents(Registry registry, Watcher watcher) {
        this.registry = registry;
        this.watcher = watcher;
        Thread pump = new Thread(this::pump, "micro-watch");
        pump.setDaemon(true);
        pump.start();
    }

    /** Watches {@code service}, or every service when it is {@code null}. */
    static RegistryEvents watch(Registry registry, String service) {
        return new RegistryEvents(registry, registry.watch(service));
    }

    /**
     * Waits until {@code registry} has heard of the nodes already out there, when it learns of them by listening
     * (mDNS): at least {@link #MIN_LISTEN}, then until no news came for {@link #QUIET}; at most
     * {@code micro.registry.mdns.timeout} ({@link #DEFAULT_WARM_UP} unless set), which is how long it takes when
     * nothing is out there. Returns at once for registries that answer from a store (etcd, memory).
     */
    static void settle(Registry registry, MicroConfig config) {
        if (!LISTENING_REGISTRY.equals(registry.name())) {
            return;
        }
        try (RegistryEvents events = watch(registry, null)) {
            events.drainUntilQuiet(config);
        }
    }

    /** {@link #settle} on this watch: the events it waits through are dropped (they are what is already there). */
    void settle(MicroConfig config) {
        if (LISTENING_REGISTRY.equals(registry.name())) {
            drainUntilQuiet(config);
        }
    }

    private void drainUntilQuiet(MicroConfig config) {
        long start = System.nanoTime();
        long deadline = start + config.duration(WARM_UP_KEY, DEFAULT_WARM_UP).toNanos();
        long earliest = start + MIN_LISTEN.toNanos();
        long lastNews = -1;
        while (true) {
            long now = System.nanoTime();
            if (now >= deadline || ended) {
                return;
            }
            long quietEnds = lastNews < 0 ? deadline : Math.max(earliest, lastNews + QUIET.toNanos());
            if (now >= quietEnds) {
                return;
            }
            if (take(quietEnds - now) != null) {
                lastNews = System.nanoTime();
            }
        }
    }

    /**
     * The next change within {@code timeout}, or {@code null} when none came (or the watch ended).
     *
     * @throws RegistryException when the registry failed the watch
     */
    RegistryEvent poll(Duration timeout) {
        return take(timeout.toNanos());
    }

    /** Whether the watch ended: stopped, or failed ({@link #poll} then throws the failure). */
    boolean ended() {
        return ended;
    }

    private RegistryEvent take(long nanos) {
        RegistryEvent e;
        try {
            e = queue.poll(nanos, TimeUnit.NANOSECONDS);
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            return null;
        }
        if (e == END) {
            queue.add(END); // every later poll ends too
            RuntimeException f = failure;
            if (f != null) {
                throw f;
            }
            return null;
        }
        return e;
    }

    private void pump() {
        try {
            while (true) {
                queue.add(watcher.next());
            }
        } catch (RegistryException e) {
            if (!RegistryException.WATCHER_STOPPED.equals(e.getMessage())) {
                failure = e;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            failure = e;
        } finally {
            ended = true;
            queue.add(END);
        }
    }

    @Override
    public void close() {
        watcher.stop();
    }
}
