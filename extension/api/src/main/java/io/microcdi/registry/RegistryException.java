package io.microcdi.registry;

/**
 * A registry operation failed: the registry is unreachable, or a watcher was stopped.
 *
 * <pre>{@code
 * throw new RegistryException("mdns: cannot bind to lo: " + e.getMessage(), e);
 * }</pre>
 */
public class RegistryException extends RuntimeException {

    /** The message of the exception a stopped watcher throws. */
    public static final String WATCHER_STOPPED = "watcher stopped";

    private static final long serialVersionUID = 1L;

    public RegistryException(String message) {
        super(message);
    }

    public RegistryException(String message, Throwable cause) {
        super(message, cause);
    }
}
