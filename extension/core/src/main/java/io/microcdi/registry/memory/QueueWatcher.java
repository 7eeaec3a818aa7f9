package io.microcdi.registry.memory;

import io.microcdi.registry.RegistryEvent;
import io.microcdi.registry.RegistryException;
import io.microcdi.registry.Service;
import io.microcdi.registry.Watcher;

import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;

/**
 * A {@link Watcher} fed by a store: events are queued as they happen and read one at a time.
 *
 * <pre>{@code
 * QueueWatcher w = new QueueWatcher("greeter", watchers::remove);
 * w.offer(event);   // from the store, under its lock, so events stay in order
 * }</pre>
 */
final class QueueWatcher implements Watcher {

    /** Wakes a reader blocked in {@link #next()} once the watcher is stopped. */
    private static final RegistryEvent STOPPED =
            new RegistryEvent(RegistryEvent.Action.DELETE, new Service("", "", Map.of(), List.of(), List.of()));

    private final String name;
    private final Consumer<QueueWatcher> onStop;
    // Unbounded on purpose: dropping an event would leave a consumer's cache silently wrong.
    private final LinkedBlockingQueue<RegistryEvent> queue = new LinkedBlockingQueue<>();
    private volatile boolean stopped;

    QueueWatcher(String name, Consumer<QueueWatcher> onStop) {
        this.name = name;
        this.onStop = onStop;
    }

    /** Queues {@code event} when it is about the watched service. */
    void offer(RegistryEvent event) {
        if (!stopped && (name == null || name.equals(event.service().name()))) {
            queue.add(event);
        }
    }

    @Override
    public RegistryEvent next() throws InterruptedException {
        if (stopped) {
            throw new RegistryException(RegistryException.WATCHER_STOPPED);
        }
        RegistryEvent event = queue.take();
        if (event == STOPPED || stopped) {
            queue.add(STOPPED); // let any other blocked reader see it too
            throw new RegistryException(RegistryException.WATCHER_STOPPED);
        }
        return event;
    }

    @Override
    public void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        queue.clear();
        queue.add(STOPPED);
        onStop.accept(this);
    }
}
