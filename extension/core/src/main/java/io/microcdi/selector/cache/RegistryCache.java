package io.microcdi.selector.cache;

import io.microcdi.errors.MicroException;
import io.microcdi.internal.exec.HandlerExecutors;
import io.microcdi.registry.Registry;
import io.microcdi.registry.RegistryEvent;
import io.microcdi.registry.RegistryException;
import io.microcdi.registry.Service;
import io.microcdi.registry.Watcher;
import io.microcdi.telemetry.Telemetry;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The client's view of the registry: per service an immutable {@link NodeSet}, swapped when the registry's watcher
 * reports a change to it and refreshed exactly {@code ttl} after it was fetched; while the registry cannot be
 * reached, the last snapshot is served (with a warning).
 *
 * <pre>{@code
 * RegistryCache cache = new RegistryCache(registry, Duration.ofMinutes(1));
 * NodeSet greeters = cache.nodes("greeter");   // a map lookup once cached
 * }</pre>
 *
 * <p>A service is fetched on its first lookup (on the caller's thread) and then kept fresh in the background by one
 * watch thread and one timer thread; one not looked up for a whole TTL is dropped. A service cached without nodes is
 * fetched again on lookup ("not found" is never served from the cache), one fetch at a time: callers that queued
 * behind a fetch take its answer. When an address leaves the last
 * snapshot that had it, the {@link #onAddressGone} listeners hear of it (clients close their connections there).
 */
public final class RegistryCache implements AutoCloseable {

    public static final String TTL = "micro.selector.cache-ttl";
    public static final Duration DEFAULT_TTL = Duration.ofMinutes(1);

    private static final System.Logger LOG = System.getLogger(RegistryCache.class.getName());
    private static final long WATCH_RETRY_MIN_MILLIS = 10;
    private static final long WATCH_RETRY_MAX_MILLIS = 5_000;

    private final Registry registry;
    private final long ttlNanos;
    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
    private final List<Consumer<String>> addressGone = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService timer;
    private volatile Thread watchThread;
    private volatile Watcher watcher;
    private volatile boolean closed;
    /** Where ejections are reported (see {@link CachingSelector#observe}). */
    volatile Telemetry telemetry = Telemetry.NONE;

    /** One service's cached snapshot. Fetches and swaps hold its lock, so a slower, older fetch never wins. */
    private static final class Entry {
        final String service;
        volatile NodeSet current;
        /** Looked up since the last refresh: otherwise the next refresh drops the entry. */
        volatile boolean used = true;
        ScheduledFuture<?> refresh;
        /** Fetches so far; read without the lock to coalesce the fetches of callers that queued on it. */
        volatile long fetches;
        boolean stale;
        int failedRefreshes;

        Entry(String service) {
            this.service = service;
        }
    }

    /** A cache over {@code registry} keeping snapshots fresh for {@code ttl}. */
    public RegistryCache(Registry registry, Duration ttl) {
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("ttl: " + ttl + " (expected: > 0)");
        }
        this.registry = registry;
        this.ttlNanos = ttl.toNanos();
        ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, HandlerExecutors.daemonThreads(
                "microcdi-cache"));
        t.setRemoveOnCancelPolicy(true); // a rescheduled refresh leaves nothing behind in the queue
        this.timer = t;
    }

    /** How many services are cached now. */
    int serviceCount() {
        return entries.size();
    }

    /** How many nodes the services cached now have. */
    int nodeCount() {
        int n = 0;
        for (Entry e : entries.values()) {
            NodeSet s = e.current;
            n += s == null ? 0 : s.all.size();
        }
        return n;
    }

    /**
     * The current snapshot of {@code service}; fetched now when it is not cached.
     *
     * @throws MicroException 503 when it is not cached and the registry cannot be reached
     */
    NodeSet nodes(String service) {
        Entry e = entries.get(service);
        if (e != null) {
            NodeSet s = e.current;
            if (s != null && s.all.size() > 0) {
                if (!e.used) {
                    e.used = true;
                }
                return s;
            }
        }
        // not cached, or cached without nodes: ask the registry now rather than fail on what may be stale
        return load(service);
    }

    /**
     * A snapshot of {@code service} newer than {@code seen}: the current one when the watch brought one since, or one
     * fetched from the registry now (callers queued behind that fetch take its answer); {@code seen} when the registry
     * cannot be reached.
     */
    NodeSet renew(String service, NodeSet seen) {
        Entry e = entries.get(service);
        if (e == null || closed) {
            return seen;
        }
        NodeSet now = e.current;
        if (now != null && now != seen) {
            return now;
        }
        synchronized (e) {
            if (e.current != null && e.current != seen) {
                return e.current; // fetched while this caller waited for the lock
            }
            try {
                swap(e, registry.getService(service));
            } catch (RuntimeException ex) {
                LOG.log(Level.DEBUG, "renewing {0}: registry {1} unreachable ({2})", service, registry.name(),
                        ex.getMessage());
                return seen;
            }
            return e.current;
        }
    }

    /** The cached snapshot of {@code service}, or {@code null}; never fetches. */
    NodeSet peek(String service) {
        Entry e = entries.get(service);
        return e == null ? null : e.current;
    }

    private NodeSet load(String service) {
        if (closed) {
            throw new MicroException("go.micro.client", 503, "service " + service + ": the client is closed",
                    MicroException.statusText(503));
        }
        startWatching();
        Entry e = entries.computeIfAbsent(service, Entry::new);
        long seen = e.fetches;
        synchronized (e) {
            // callers that queued on the lock while another fetched take that answer instead of fetching again:
            // a service without nodes costs one registry lookup per lock holder, not one per call
            if (e.current == null || (e.current.all.size() == 0 && e.fetches == seen)) {
                try {
                    swap(e, registry.getService(service));
                } catch (RuntimeException ex) {
                    if (e.current == null) {
                        entries.remove(service, e);
                    }
                    throw new MicroException("go.micro.client", 503, "service " + service + ": registry "
                            + registry.name() + " unreachable: " + ex.getMessage(), MicroException.statusText(503), ex);
                }
                e.used = true;
                if (e.refresh == null || e.refresh.isDone()) {
                    schedule(e, ttlNanos);
                }
            }
            return e.current;
        }
    }

    /** Fetches {@code e} again; on failure keeps serving what it has. */
    private void refresh(Entry e, String why) {
        synchronized (e) {
            if (closed || entries.get(e.service) != e || e.current == null) {
                return; // closed, dropped, or its first fetch failed (a later lookup fetches again)
            }
            try {
                swap(e, registry.getService(e.service));
                if (e.stale) {
                    LOG.log(Level.INFO, "registry {0} answers again: {1} is fresh", registry.name(), e.service);
                }
                e.stale = false;
                e.failedRefreshes = 0;
                schedule(e, ttlNanos);
            } catch (RuntimeException ex) {
                if (!e.stale) {
                    LOG.log(Level.WARNING, "registry {0} unreachable ({1}): serving the {2} cached node(s) of {3} "
                            + "until it answers", registry.name(), ex.getMessage(), String.valueOf(e.current.all.size()), e.service);
                }
                e.stale = true;
                e.failedRefreshes++;
                long retry = Math.min(ttlNanos, TimeUnit.MILLISECONDS.toNanos(100L << Math.min(e.failedRefreshes, 10)));
                schedule(e, retry);
            }
            LOG.log(Level.TRACE, "refreshed {0} ({1})", e.service, why);
        }
    }

    private void swap(Entry e, List<Service> versions) {
        e.fetches++;
        NodeSet before = e.current;
        NodeSet after = NodeSet.of(e.service, versions, before);
        e.current = after;
        if (before == null || addressGone.isEmpty()) {
            return;
        }
        Set<String> gone = new HashSet<>(before.addresses());
        gone.removeAll(after.addresses());
        if (gone.isEmpty()) {
            return;
        }
        for (Entry other : entries.values()) {
            NodeSet s = other.current;
            if (other != e && s != null) {
                gone.removeAll(s.addresses());
            }
        }
        for (String address : gone) {
            for (Consumer<String> l : addressGone) {
                try {
                    l.accept(address);
                } catch (RuntimeException ex) {
                    LOG.log(Level.WARNING, "address-gone listener failed for " + address, ex);
                }
            }
        }
    }

    /** The timer's turn: refresh what was used since the last turn, drop what was not. */
    private void expire(Entry e) {
        if (!e.used && !e.stale) {
            synchronized (e) {
                entries.remove(e.service, e);
            }
            LOG.log(Level.DEBUG, "dropped {0} from the cache: not used for a TTL", e.service);
            return;
        }
        e.used = false;
        refresh(e, "ttl");
    }

    private void schedule(Entry e, long delayNanos) {
        if (e.refresh != null) {
            e.refresh.cancel(false);
        }
        if (!closed) {
            e.refresh = timer.schedule(() -> expire(e), delayNanos, TimeUnit.NANOSECONDS);
        }
    }

    /** Forgets {@code service}: the next lookup fetches it. */
    void invalidate(String service) {
        Entry e = entries.remove(service);
        if (e != null) {
            synchronized (e) {
                if (e.refresh != null) {
                    e.refresh.cancel(false);
                }
            }
        }
    }

    /** Calls {@code listener} with each address no cached node listens on any more. */
    public void onAddressGone(Consumer<String> listener) {
        addressGone.add(listener);
    }

    // ---- the watch ----

    /**
     * Opens the watch on the caller's thread before the first fetch, so that no change between that fetch and the
     * watch can be missed; a thread then follows it.
     */
    private void startWatching() {
        if (watchThread != null) {
            return;
        }
        synchronized (this) {
            if (watchThread != null || closed) {
                return;
            }
            Watcher first;
            try {
                first = registry.watch(null);
            } catch (RuntimeException ex) {
                LOG.log(Level.WARNING, "watching registry {0} failed ({1}); retrying in the background",
                        registry.name(), ex.getMessage());
                first = null;
            }
            Watcher opened = first;
            Thread t = HandlerExecutors.daemonThreads("microcdi-cache-watch").newThread(() -> watch(opened));
            watchThread = t;
            t.start();
        }
    }

    private void watch(Watcher opened) {
        long retry = WATCH_RETRY_MIN_MILLIS;
        int failures = 0;
        Watcher next = opened;
        while (!closed) {
            boolean reopened = next == null;
            try (Watcher w = next != null ? next : registry.watch(null)) {
                next = null;
                watcher = w;
                if (closed) {
                    return;
                }
                if (reopened) {
                    // changes while no watch was open are lost: fetch everything cached again
                    entries.values().forEach(e -> refresh(e, "watch reopened"));
                }
                retry = WATCH_RETRY_MIN_MILLIS;
                failures = 0;
                while (!closed) {
                    RegistryEvent event = w.next();
                    Entry e = entries.get(event.service().name());
                    if (e != null) {
                        refresh(e, "watch " + event.action());
                    }
                }
            } catch (InterruptedException ex) {
                return;
            } catch (RuntimeException ex) {
                next = null;
                if (closed) {
                    return;
                }
                // a registry closing before this cache (shutdown) ends the watch too: only a failure that lasts
                // past the first two quick retries is worth a warning
                Level level = ++failures > 2 ? Level.WARNING : Level.DEBUG;
                LOG.log(level, "watching registry {0} failed ({1}); again in {2} ms, serving cached nodes meanwhile",
                        registry.name(), ex.getMessage(), String.valueOf(retry));
                try {
                    Thread.sleep(retry);
                } catch (InterruptedException ie) {
                    return;
                }
                retry = Math.min(WATCH_RETRY_MAX_MILLIS, retry * 10);
            }
        }
    }

    /** The services cached now (tests, diagnostics). */
    Set<String> services() {
        return Set.copyOf(entries.keySet());
    }

    @Override
    public void close() {
        closed = true;
        Watcher w = watcher;
        if (w != null) {
            w.stop();
        }
        Thread t = watchThread;
        if (t != null) {
            t.interrupt();
        }
        timer.shutdownNow();
        entries.clear();
    }
}
