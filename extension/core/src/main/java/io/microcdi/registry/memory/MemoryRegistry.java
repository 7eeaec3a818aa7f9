package io.microcdi.registry.memory;

import io.microcdi.internal.exec.HandlerExecutors;
import io.microcdi.registry.Node;
import io.microcdi.registry.Registry;
import io.microcdi.registry.RegistryException;
import io.microcdi.registry.Service;
import io.microcdi.registry.Watcher;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A registry held in memory: nodes expire when not re-registered within their TTL, watchers see every change.
 *
 * <pre>{@code
 * Registry server = MemoryRegistry.shared();   // what "micro.registry=memory" gives each container
 * Registry client = MemoryRegistry.shared();   // another view of the same JVM-wide store
 * server.register(service, Duration.ofSeconds(60));
 * client.getService("greeter");                // sees the server's node
 * }</pre>
 *
 * <p>Each instance is a view of a store: {@link #MemoryRegistry()} makes a private store, {@link #shared()} a view of
 * the one store of the JVM, so that a client and a server in two containers of one process find each other.
 * {@link #close()} withdraws only what this view registered and stops only its watchers.
 *
 * <p>{@link #getService} returns the store's immutable snapshot for the name, rebuilt when the service changes, so it
 * is cheap enough for the client call path. A re-registration that changes nothing refreshes the TTL without an
 * event.
 */
public final class MemoryRegistry implements Registry {

    /** The plugin name. */
    public static final String NAME = "memory";

    private static final MemoryStore SHARED = new MemoryStore();

    private final MemoryStore store;
    private final boolean ownsStore;
    /** What this view registered, by service name and node id, so that {@link #close()} withdraws exactly that. */
    private final Map<NodeKey, Service> registered = new ConcurrentHashMap<>();
    private final Set<Watcher> watchers = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;
    /** The shared timer of the store's expiry check lives while a view is open. */
    private final HandlerExecutors.Lease executors = HandlerExecutors.lease();

    private record NodeKey(String service, String node) {
    }

    /** A registry with a store of its own, seen by no other instance. */
    public MemoryRegistry() {
        this(new MemoryStore(), true);
    }

    private MemoryRegistry(MemoryStore store, boolean ownsStore) {
        this.store = store;
        this.ownsStore = ownsStore;
        store.resumeExpiry();
    }

    /** A new view of the JVM-wide store: every view made here sees the nodes of every other. */
    public static MemoryRegistry shared() {
        return new MemoryRegistry(SHARED, false);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void register(Service service, Duration ttl) {
        checkRegistration(service, ttl);
        ensureOpen();
        store.register(service, ttl);
        for (Node node : service.nodes()) {
            registered.put(new NodeKey(service.name(), node.id()), service.withNodes(List.of(node)));
        }
    }

    /**
     * The arguments every registry checks the same way: a service with nodes, a TTL that is not negative ({@code 0}:
     * never expires).
     */
    public static void checkRegistration(Service service, Duration ttl) {
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(ttl, "ttl");
        if (ttl.isNegative()) {
            throw new IllegalArgumentException("ttl: " + ttl + " (expected: >= 0)");
        }
        if (service.nodes().isEmpty()) {
            throw new IllegalArgumentException("service " + service.name() + ": no nodes to register");
        }
    }

    @Override
    public void deregister(Service service) {
        Objects.requireNonNull(service, "service");
        store.deregister(service);
        for (Node node : service.nodes()) {
            registered.remove(new NodeKey(service.name(), node.id()));
        }
    }

    @Override
    public List<Service> getService(String name) {
        return store.get(Objects.requireNonNull(name, "name"));
    }

    /**
     * Like {@link #getService(String)}, but when {@code name} has no node yet, waits up to {@code wait} for the first
     * one; registries that learn about nodes in the background (mDNS) answer a lookup made just after start this way.
     */
    public List<Service> getService(String name, Duration wait) {
        return store.await(Objects.requireNonNull(name, "name"), Objects.requireNonNull(wait, "wait"));
    }

    @Override
    public List<Service> listServices() {
        return store.list();
    }

    @Override
    public Watcher watch(String name) {
        ensureOpen();
        Watcher watcher = store.watch(name, watchers::remove);
        watchers.add(watcher);
        return watcher;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        // Watchers first: this view's own withdrawals are not news to its own watchers.
        for (Watcher w : List.copyOf(watchers)) {
            w.stop();
        }
        for (Service s : List.copyOf(registered.values())) {
            store.deregister(s);
        }
        registered.clear();
        if (ownsStore) {
            store.close();
        }
        executors.close();
    }

    private void ensureOpen() {
        if (closed) {
            throw new RegistryException("memory registry closed");
        }
    }

    @Override
    public String toString() {
        return "MemoryRegistry[" + (ownsStore ? "private" : "shared") + ", " + registered.size() + " own nodes]";
    }
}
