package io.microcdi.registry.gossip;

import io.microcdi.registry.RegistryEvent;
import io.microcdi.registry.RegistryException;
import io.microcdi.registry.Watcher;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The changes of the registry's view, for one service or all, in the order the view changed.
 *
 * <pre>{@code
 * Watcher w = registry.watch("greeter");
 * RegistryEvent e = w.next();   // CREATE, UPDATE or DELETE of one node
 * }</pre>
 *
 * <p>The registry offers each change to every watcher while it holds the view's lock, so the order of events is the
 * order of the changes; offering never blocks (the queue is unbounded, as a reader that stops reading stops its
 * watcher).
 */
final class GossipWatcher implements Watcher {

    private static final Object STOPPED = new Object();

    private final GossipRegistry registry;
    private final String service;
    private final BlockingQueue<Object> events = new LinkedBlockingQueue<>();
    private volatile boolean stopped;

    GossipWatcher(GossipRegistry registry, String service) {
        this.registry = registry;
        this.service = service;
    }

    /** Queues {@code event} if it is about this watcher's service. */
    void offer(RegistryEvent event) {
        if (!stopped && (service == null || service.equals(event.service().name()))) {
            events.add(event);
        }
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
        if (stopped) {
            return;
        }
        stopped = true;
        events.clear();
        events.add(STOPPED);
        registry.forget(this);
    }

    @Override
    public String toString() {
        return "gossip watcher of " + (service == null ? "every service" : service);
    }
}
