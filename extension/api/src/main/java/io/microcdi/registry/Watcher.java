package io.microcdi.registry;

/**
 * A stream of registry changes, read one at a time.
 *
 * <pre>{@code
 * Watcher w = registry.watch("greeter");
 * RegistryEvent e = w.next();   // blocks until a change
 * w.stop();
 * }</pre>
 */
public interface Watcher extends AutoCloseable {

    /**
     * The next change; blocks until one happens.
     *
     * @throws RegistryException with {@link RegistryException#WATCHER_STOPPED} once {@link #stop()} was called
     * @throws InterruptedException when the waiting thread is interrupted
     */
    RegistryEvent next() throws InterruptedException;

    /** Ends the watch; a blocked {@link #next()} returns with an exception. */
    void stop();

    @Override
    default void close() {
        stop();
    }
}
