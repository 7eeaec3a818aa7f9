package io.microcdi.selector.cache;

import io.microcdi.registry.Registry;
import io.microcdi.registry.RegistryEvent;
import io.microcdi.registry.RegistryException;
import io.microcdi.registry.Service;
import io.microcdi.registry.Watcher;
import io.microcdi.registry.memory.MemoryRegistry;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link MemoryRegistry} behind a door the test holds: it counts lookups, can be made unreachable, and can hide
 * every change from watchers. Only an outage and a silent watch cannot be produced with the real registry alone.
 *
 * <pre>{@code
 * TestRegistry r = TestRegistry.silent();   // changes reach a cache only through its TTL refresh
 * r.backing.register(service, Duration.ZERO);
 * r.failing = true;                          // getService now throws RegistryException
 * }</pre>
 */
final class TestRegistry implements Registry {

    final MemoryRegistry backing = new MemoryRegistry();
    final AtomicInteger lookups = new AtomicInteger();
    final AtomicInteger failedLookups = new AtomicInteger();
    /** Watches opened, counted once the watcher is subscribed. */
    final AtomicInteger watches = new AtomicInteger();
    /** Calls to a watcher's {@code next()}: once there is one, the watching thread is waiting for changes. */
    final AtomicInteger waits = new AtomicInteger();
    volatile boolean failing;
    /** Open unless {@link #holdBackgroundWatches()}: a watch opened on another thread waits for it to subscribe. */
    private volatile CountDownLatch watchGate = new CountDownLatch(0);
    private volatile Thread foreground;
    private final boolean silentWatch;

    private TestRegistry(boolean silentWatch) {
        this.silentWatch = silentWatch;
    }

    /** Watchers see the backing registry's changes. */
    static TestRegistry watched() {
        return new TestRegistry(false);
    }

    /** Watchers never report a change: a cache learns of one only by refreshing. */
    static TestRegistry silent() {
        return new TestRegistry(true);
    }

    @Override
    public String name() {
        return "test";
    }

    @Override
    public void register(Service service, Duration ttl) {
        backing.register(service, ttl);
    }

    @Override
    public void deregister(Service service) {
        backing.deregister(service);
    }

    @Override
    public List<Service> getService(String name) {
        lookups.incrementAndGet();
        if (failing) {
            failedLookups.incrementAndGet();
            throw new RegistryException("connection refused");
        }
        return backing.getService(name);
    }

    @Override
    public List<Service> listServices() {
        return backing.listServices();
    }

    /**
     * Makes a watch opened on any thread but the caller's wait, unsubscribed, until {@link #releaseWatches()}: a
     * watch that takes a while to be in place in the background. One opened on the caller's thread is not held.
     */
    void holdBackgroundWatches() {
        foreground = Thread.currentThread();
        watchGate = new CountDownLatch(1);
    }

    void releaseWatches() {
        watchGate.countDown();
    }

    @Override
    public Watcher watch(String name) {
        if (Thread.currentThread() != foreground) {
            try {
                watchGate.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RegistryException("interrupted");
            }
        }
        Watcher w = silentWatch ? new SilentWatcher() : backing.watch(name);
        watches.incrementAndGet();
        return new Watcher() {
            @Override
            public RegistryEvent next() throws InterruptedException {
                waits.incrementAndGet();
                return w.next();
            }

            @Override
            public void stop() {
                w.stop();
            }
        };
    }

    @Override
    public void close() {
        backing.close();
    }

    /** Blocks until stopped, reporting nothing. */
    private static final class SilentWatcher implements Watcher {

        private final CountDownLatch stopped = new CountDownLatch(1);

        @Override
        public RegistryEvent next() throws InterruptedException {
            stopped.await();
            throw new RegistryException(RegistryException.WATCHER_STOPPED);
        }

        @Override
        public void stop() {
            stopped.countDown();
        }
    }
}
