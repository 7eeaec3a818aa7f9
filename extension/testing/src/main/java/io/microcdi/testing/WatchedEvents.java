package io.microcdi.testing;

import io.microcdi.registry.RegistryEvent;
import io.microcdi.registry.RegistryException;
import io.microcdi.registry.Watcher;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The events of a {@link Watcher}, read on a daemon thread into a queue, so that a test waits for the next one with a
 * timeout instead of blocking on {@link Watcher#next()} for ever.
 *
 * <pre>{@code
 * try (WatchedEvents events = WatchedEvents.of(registry.watch("greeter"))) {
 *     server.start();
 *     assertThat(events.next(Duration.ofSeconds(10)).action()).isEqualTo(RegistryEvent.Action.CREATE);
 * }
 * }</pre>
 *
 * <p>{@link #close()} stops the watcher, which ends the reading thread.
 */
public final class WatchedEvents implements AutoCloseable {

    /** What the reading thread found when the watcher ended: the exception {@link Watcher#next()} threw. */
    private record End(Throwable cause) {
    }

    private final Watcher watcher;
    private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    private volatile End end;

    private WatchedEvents(Watcher watcher) {
        this.watcher = watcher;
    }

    /** Starts reading {@code watcher}. */
    public static WatchedEvents of(Watcher watcher) {
        WatchedEvents events = new WatchedEvents(Objects.requireNonNull(watcher, "watcher"));
        Thread reader = new Thread(events::read, "watched-events");
        reader.setDaemon(true);
        reader.start();
        return events;
    }

    private void read() {
        try {
            while (true) {
                queue.add(watcher.next());
            }
        } catch (InterruptedException | RuntimeException e) {
            End ended = new End(e);
            end = ended;
            queue.add(ended);
        }
    }

    /**
     * The next event; fails when none came within {@code timeout} or the watcher ended (the failure carries the
     * watcher's exception).
     */
    public RegistryEvent next(Duration timeout) {
        return next(timeout, e -> true);
    }

    /** The next event {@code filter} accepts, skipping the others; fails as {@link #next(Duration)} does. */
    public RegistryEvent next(Duration timeout, Predicate<RegistryEvent> filter) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Object o;
            try {
                o = queue.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for a registry event", e);
            }
            if (o == null) {
                throw new AssertionError("no registry event within " + timeout.toMillis() + " ms");
            }
            if (o instanceof End e) {
                queue.add(e); // stays the answer for every later call
                throw new AssertionError("the watcher ended before the next event: " + e.cause(), e.cause());
            }
            RegistryEvent event = (RegistryEvent) o;
            if (filter.test(event)) {
                return event;
            }
        }
    }

    /**
     * The exception the watcher ended with, once it ended within {@code timeout}; events still queued before the end
     * are passed over. Fails when the watcher is still running.
     */
    public Throwable end(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Object o;
            try {
                o = queue.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for the watcher to end", e);
            }
            if (o == null) {
                throw new AssertionError("the watcher did not end within " + timeout.toMillis() + " ms");
            }
            if (o instanceof End e) {
                queue.add(e);
                return e.cause();
            }
        }
    }

    /** Whether the watcher has ended (stopped, or its registry closed). */
    public boolean ended() {
        return end != null;
    }

    /** The watcher read. */
    public Watcher watcher() {
        return watcher;
    }

    /** Stops the watcher; the reading thread ends with it. */
    @Override
    public void close() {
        try {
            watcher.stop();
        } catch (RegistryException ignored) {
            // already stopped: nothing more to do
        }
    }
}
