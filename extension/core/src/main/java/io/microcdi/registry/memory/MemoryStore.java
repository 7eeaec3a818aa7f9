package io.microcdi.registry.memory;

import io.microcdi.internal.exec.HandlerExecutors;
import io.microcdi.registry.Node;
import io.microcdi.registry.RegistryEvent;
import io.microcdi.registry.RegistryEvent.Action;
import io.microcdi.registry.RegistryException;
import io.microcdi.registry.Service;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * The nodes that one or more {@link MemoryRegistry} views share, with one immutable snapshot per service name.
 *
 * <pre>{@code
 * MemoryStore store = new MemoryStore();
 * store.register(service, Duration.ofSeconds(60));
 * List<Service> versions = store.get("greeter");   // a map lookup: the list is rebuilt on change, not on read
 * }</pre>
 *
 * <p>Writes take one lock; reads do not. Watchers are fed under the lock so that they see changes in order, and only
 * after the snapshot they describe is visible.
 */
final class MemoryStore {

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    /** name -> node id -> registration; guarded by {@link #lock}. */
    private final Map<String, Map<String, Entry>> services = new HashMap<>();
    /** name -> the versions with their live nodes; never holds an empty list. */
    private final ConcurrentHashMap<String, List<Service>> snapshots = new ConcurrentHashMap<>();
    private final List<QueueWatcher> watchers = new CopyOnWriteArrayList<>();
    private long sequence;
    private ScheduledFuture<?> expiryCheck;
    private long expiryCheckAt;
    private boolean closed;

    /** One node as registered: {@code service} carries exactly that node. */
    private record Entry(Service service, boolean expires, long deadline, long sequence) {

        Node node() {
            return service.nodes().get(0);
        }
    }

    /** Adds or refreshes the nodes of {@code service}; {@code ttl} zero means they never expire. */
    void register(Service service, Duration ttl) {
        long now = System.nanoTime();
        boolean expires = !ttl.isZero();
        long deadline = expires ? now + saturatedNanos(ttl) : 0;
        List<RegistryEvent> events = new ArrayList<>(service.nodes().size());
        lock.lock();
        try {
            ensureOpen();
            Map<String, Entry> nodes = services.computeIfAbsent(service.name(), k -> new LinkedHashMap<>());
            for (Node node : service.nodes()) {
                Service one = service.withNodes(List.of(node));
                Entry old = nodes.put(node.id(), new Entry(one, expires, deadline, ++sequence));
                if (old == null) {
                    events.add(new RegistryEvent(Action.CREATE, one));
                } else if (!old.service().equals(one)) {
                    events.add(new RegistryEvent(Action.UPDATE, one));
                }
            }
            if (!events.isEmpty()) {
                rebuild(service.name());
                publish(events);
            }
            if (expires) {
                scheduleExpiry(deadline, now);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Removes the nodes of {@code service} (matched by node id); unknown nodes are ignored. */
    void deregister(Service service) {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            Map<String, Entry> nodes = services.get(service.name());
            if (nodes == null) {
                return;
            }
            List<RegistryEvent> events = new ArrayList<>(service.nodes().size());
            for (Node node : service.nodes()) {
                Entry old = nodes.remove(node.id());
                if (old != null) {
                    events.add(new RegistryEvent(Action.DELETE, old.service()));
                }
            }
            if (!events.isEmpty()) {
                rebuild(service.name());
                publish(events);
            }
        } finally {
            lock.unlock();
        }
    }

    /** The versions of {@code name} with their live nodes: the snapshot itself, no copy. */
    List<Service> get(String name) {
        List<Service> versions = snapshots.get(name);
        return versions == null ? List.of() : versions;
    }

    /** Like {@link #get}, but when {@code name} has no node yet, waits up to {@code wait} for the first one. */
    List<Service> await(String name, Duration wait) {
        List<Service> versions = snapshots.get(name);
        if (versions != null || wait.isZero() || wait.isNegative()) {
            return versions == null ? List.of() : versions;
        }
        long remaining = saturatedNanos(wait);
        lock.lock();
        try {
            while ((versions = snapshots.get(name)) == null && remaining > 0 && !closed) {
                remaining = changed.awaitNanos(remaining);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the caller decides what an interrupt means; we answer with what we have
        } finally {
            lock.unlock();
        }
        return versions == null ? List.of() : versions;
    }

    /** Every service name and version, without nodes, sorted by name. */
    List<Service> list() {
        List<Service> all = new ArrayList<>();
        for (List<Service> versions : snapshots.values()) {
            for (Service s : versions) {
                all.add(s.withNodes(List.of()));
            }
        }
        all.sort(Comparator.comparing(Service::name));
        return List.copyOf(all);
    }

    /** A watcher of {@code name} ({@code null}: every service); {@code onStop} runs once it is stopped. */
    QueueWatcher watch(String name, Consumer<QueueWatcher> onStop) {
        QueueWatcher watcher = new QueueWatcher(name, w -> {
            watchers.remove(w);
            onStop.accept(w);
        });
        lock.lock();
        try {
            ensureOpen();
            watchers.add(watcher);
        } finally {
            lock.unlock();
        }
        return watcher;
    }

    /** Drops every node without events and stops the expiry check; only for a store one view owns. */
    void close() {
        lock.lock();
        try {
            closed = true;
            if (expiryCheck != null) {
                expiryCheck.cancel(false);
                expiryCheck = null;
            }
            services.clear();
            snapshots.clear();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new RegistryException("memory registry closed");
        }
    }

    /** Called under the lock. */
    private void rebuild(String name) {
        Map<String, Entry> nodes = services.get(name);
        if (nodes == null || nodes.isEmpty()) {
            services.remove(name);
            snapshots.remove(name);
        } else {
            // Group by version in first-registered order; a version's metadata and endpoints are its latest node's.
            Map<String, List<Entry>> byVersion = new LinkedHashMap<>();
            for (Entry e : nodes.values()) {
                byVersion.computeIfAbsent(e.service().version(), v -> new ArrayList<>()).add(e);
            }
            List<Service> versions = new ArrayList<>(byVersion.size());
            for (List<Entry> entries : byVersion.values()) {
                Entry latest = entries.get(0);
                List<Node> live = new ArrayList<>(entries.size());
                for (Entry e : entries) {
                    live.add(e.node());
                    if (e.sequence() > latest.sequence()) {
                        latest = e;
                    }
                }
                versions.add(latest.service().withNodes(live));
            }
            snapshots.put(name, List.copyOf(versions));
        }
        changed.signalAll();
    }

    /** Called under the lock. */
    private void publish(List<RegistryEvent> events) {
        for (QueueWatcher w : watchers) {
            for (RegistryEvent e : events) {
                w.offer(e);
            }
        }
    }

    /** Called under the lock: makes sure a check runs no later than {@code deadline}. */
    private void scheduleExpiry(long deadline, long now) {
        // a check cancelled by the shared timer's shutdown (every view of the store closed) is done: replace it
        if (expiryCheck != null && !expiryCheck.isDone() && expiryCheckAt - deadline <= 0) {
            return;
        }
        if (expiryCheck != null) {
            expiryCheck.cancel(false);
        }
        expiryCheckAt = deadline;
        // +1 ms so that the check never runs a hair before the deadline it is for
        expiryCheck = HandlerExecutors.schedule(this::expire, Math.max(0, deadline - now) + 1_000_000);
    }

    /**
     * Checks the expiry again when a view opens on a store whose check the shared timer dropped (every view had
     * closed): the check runs on the timer that view's lease holds open.
     */
    void resumeExpiry() {
        lock.lock();
        try {
            if (!closed && !services.isEmpty() && (expiryCheck == null || expiryCheck.isDone())) {
                expiryCheck = null;
                scheduleExpiry(System.nanoTime(), System.nanoTime());
            }
        } finally {
            lock.unlock();
        }
    }

    private void expire() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            expiryCheck = null;
            long now = System.nanoTime();
            boolean pending = false;
            long next = 0;
            for (Iterator<Map.Entry<String, Map<String, Entry>>> it = services.entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<String, Map<String, Entry>> service = it.next();
                List<RegistryEvent> events = null;
                for (Iterator<Entry> nodes = service.getValue().values().iterator(); nodes.hasNext(); ) {
                    Entry e = nodes.next();
                    if (!e.expires()) {
                        continue;
                    }
                    if (e.deadline() - now <= 0) {
                        nodes.remove();
                        if (events == null) {
                            events = new ArrayList<>();
                        }
                        events.add(new RegistryEvent(Action.DELETE, e.service()));
                    } else if (!pending || e.deadline() - next < 0) {
                        pending = true;
                        next = e.deadline();
                    }
                }
                if (events != null) {
                    boolean empty = service.getValue().isEmpty();
                    if (empty) {
                        it.remove();
                    }
                    rebuild(service.getKey());
                    publish(events);
                }
            }
            if (pending) {
                scheduleExpiry(next, now);
            }
        } finally {
            lock.unlock();
        }
    }

    private static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE / 4; // centuries: effectively never, and still safe to add to nanoTime()
        }
    }
}
