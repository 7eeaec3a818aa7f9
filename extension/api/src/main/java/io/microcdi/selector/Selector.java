package io.microcdi.selector;

import io.microcdi.registry.Node;

/**
 * Picks the node of a service that a call goes to.
 *
 * <pre>{@code
 * Next next = selector.select("greeter");
 * Node node = next.next();
 * selector.mark("greeter", node, error);   // null error = success
 * }</pre>
 */
public interface Selector extends AutoCloseable {

    /** The plugin name, for example {@code random}. */
    String name();

    /**
     * A strategy over the current nodes of {@code service}.
     *
     * @throws io.microcdi.errors.MicroException code 503 when the service has no node
     */
    Next select(String service);

    /** Reports the outcome of a call to {@code node}; {@code error} is {@code null} on success. */
    void mark(String service, Node node, Throwable error);

    /** Forgets what was learned about {@code service}. */
    void reset(String service);

    @Override
    void close();
}
