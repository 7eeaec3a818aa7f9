package io.microcdi.registry.etcd;

import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import io.microcdi.registry.RegistryEvent;
import io.microcdi.registry.RegistryEvent.Action;
import io.microcdi.registry.RegistryException;
import io.microcdi.registry.Service;
import io.microcdi.registry.Watcher;

import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The changes under one prefix, as Go Micro's etcd watcher reports them: a put of a new key is a create, of a known
 * key an update, a delete carries the node it removed.
 *
 * <pre>{@code
 * Watcher w = registry.watch("greeter");   // lists the prefix, then watches it from the next revision
 * RegistryEvent e = w.next();
 * }</pre>
 *
 * <p>It keeps what it has seen (key to node). jetcd resumes a watch across a lost connection on its own, from the
 * last revision it delivered; when etcd cancels the watch instead (the revision was compacted away, the stream was
 * closed), this watcher lists the prefix again from the leader, reports the difference to what it had seen (creates,
 * updates, deletes) and watches on from that list's revision: nothing lost, nothing invented. While etcd cannot be
 * listed, it retries with back-off and reports nothing.
 */
final class EtcdWatcher implements Watcher {

    private static final System.Logger LOG = System.getLogger(EtcdWatcher.class.getName());
    private static final Object STOPPED = new Object();
    private static final long RETRY_MIN_MILLIS = 50;
    private static final long RETRY_MAX_MILLIS = 5_000;

    private final EtcdRegistry registry;
    private final String prefix;
    private final BlockingQueue<Object> events = new LinkedBlockingQueue<>();
    /** Key to what the key held when last seen; guarded by this. */
    private final Map<String, Service> known = new HashMap<>();
    /** The watch open now; guarded by this. */
    private Watch.Watcher current;
    /** Counts the watches opened: callbacks of an older one are ignored. Guarded by this. */
    private long generation;
    private int failures;
    /** The revision of the last change delivered; guarded by this. */
    private long lastRevision;
    private volatile boolean stopped;

    /**
     * Lists {@code prefix} and watches it from the next revision.
     *
     * @throws RegistryException when etcd cannot be listed
     */
    EtcdWatcher(EtcdRegistry registry, String prefix) {
        this.registry = registry;
        this.prefix = prefix;
        GetResponse first = registry.linearizable(prefix, "watch " + prefix);
        synchronized (this) {
            for (KeyValue kv : first.getKvs()) {
                Service s = EtcdLayout.decode(kv.getValue().getBytes());
                if (s != null) {
                    known.put(key(kv), s);
                }
            }
            lastRevision = first.getHeader().getRevision();
            open(lastRevision + 1);
        }
    }

    private synchronized void open(long revision) {
        long gen = ++generation;
        WatchOption option = WatchOption.builder().isPrefix(true).withPrevKV(true).withRevision(revision).build();
        current = registry.watchClient().watch(EtcdRegistry.bytes(prefix), option, Watch.listener(
                response -> onNext(gen, response),
                error -> onError(gen, error),
                () -> onError(gen, new RegistryException("etcd closed the watch"))));
    }

    private synchronized void onNext(long gen, WatchResponse response) {
        if (gen != generation || stopped) {
            return;
        }
        failures = 0;
        for (WatchEvent e : response.getEvents()) {
            lastRevision = Math.max(lastRevision, e.getKeyValue().getModRevision());
            String key = key(e.getKeyValue());
            switch (e.getEventType()) {
                case PUT -> {
                    Service s = EtcdLayout.decode(e.getKeyValue().getValue().getBytes());
                    if (s == null) {
                        LOG.log(Level.DEBUG, "etcd: ignoring a put of {0}: not a service", key);
                        continue;
                    }
                    Action action = known.put(key, s) == null ? Action.CREATE : Action.UPDATE;
                    events.add(new RegistryEvent(action, s));
                }
                case DELETE -> {
                    Service s = known.remove(key);
                    if (s == null && e.getPrevKV() != null && !e.getPrevKV().getValue().isEmpty()) {
                        s = EtcdLayout.decode(e.getPrevKV().getValue().getBytes());
                    }
                    if (s != null) {
                        events.add(new RegistryEvent(Action.DELETE, s));
                    }
                }
                default -> LOG.log(Level.DEBUG, "etcd: ignoring an unknown event on {0}", key);
            }
        }
    }

    private synchronized void onError(long gen, Throwable error) {
        if (gen != generation || stopped) {
            return;
        }
        generation++; // whatever the old watch still says is ignored from now on
        closeCurrent();
        failures++;
        Level level = failures > 2 ? Level.WARNING : Level.DEBUG;
        LOG.log(level, "etcd: the watch of {0} ended ({1}); listing it again", prefix, error.getMessage());
        scheduleResync();
    }

    private void scheduleResync() {
        long delay = failures <= 1 ? 0 : Math.min(RETRY_MAX_MILLIS, RETRY_MIN_MILLIS << Math.min(failures, 10));
        try {
            registry.resyncs().schedule(this::resync, delay, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closing) {
            stop();
        }
    }

    /** Lists the prefix from the leader, reports what changed since last seen, and watches on from there. */
    private void resync() {
        if (stopped) {
            return;
        }
        GetResponse now;
        try {
            now = registry.linearizable(prefix, "watch " + prefix + " again");
        } catch (RuntimeException e) {
            synchronized (this) {
                failures++;
                LOG.log(failures > 2 ? Level.WARNING : Level.DEBUG,
                        "etcd: listing {0} failed ({1}); trying again", prefix, e.getMessage());
                scheduleResync();
            }
            return;
        }
        synchronized (this) {
            if (stopped) {
                return;
            }
            Map<String, Service> listed = new HashMap<>();
            for (KeyValue kv : now.getKvs()) {
                Service s = EtcdLayout.decode(kv.getValue().getBytes());
                if (s != null) {
                    listed.put(key(kv), s);
                }
            }
            for (Iterator<Map.Entry<String, Service>> it = known.entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<String, Service> e = it.next();
                if (!listed.containsKey(e.getKey())) {
                    it.remove();
                    events.add(new RegistryEvent(Action.DELETE, e.getValue()));
                }
            }
            listed.forEach((key, s) -> {
                Service before = known.put(key, s);
                if (before == null) {
                    events.add(new RegistryEvent(Action.CREATE, s));
                } else if (!before.equals(s)) {
                    events.add(new RegistryEvent(Action.UPDATE, s));
                }
            });
            lastRevision = now.getHeader().getRevision();
            open(lastRevision + 1);
        }
    }

    // ---- what the fault tests use to drop a watch the way a lost stream does ----

    /** The revision of the last change delivered, or of the list it started from. */
    synchronized long lastRevision() {
        return lastRevision;
    }

    /** Closes the watch without telling anyone, as a stream lost unnoticed: changes from now on are missed. */
    synchronized void dropUnnoticed() {
        generation++;
        closeCurrent();
    }

    /** Watches again from {@code revision}, as a resumed stream does (etcd refuses a compacted one). */
    synchronized void resumeAt(long revision) {
        open(revision);
    }

    @Override
    public RegistryEvent next() throws InterruptedException {
        if (stopped) {
            throw new RegistryException(RegistryException.WATCHER_STOPPED);
        }
        Object e = events.take();
        if (e == STOPPED) {
            events.add(STOPPED); // for any other reader, and the next call
            throw new RegistryException(RegistryException.WATCHER_STOPPED);
        }
        return (RegistryEvent) e;
    }

    @Override
    public void stop() {
        synchronized (this) {
            if (stopped) {
                return;
            }
            stopped = true;
            generation++;
            closeCurrent();
        }
        events.add(STOPPED);
        registry.forget(this);
    }

    private void closeCurrent() {
        Watch.Watcher w = current;
        current = null;
        if (w != null) {
            try {
                w.close();
            } catch (RuntimeException e) {
                LOG.log(Level.DEBUG, "etcd: closing a watch failed: {0}", e.getMessage());
            }
        }
    }

    private static String key(KeyValue kv) {
        return kv.getKey().toString(StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "etcd watcher of " + prefix;
    }
}
