package io.microcdi.selector;

import io.microcdi.registry.Node;

import java.util.function.Consumer;

/**
 * Picks the node of a service that a call goes to.
 *
 * <pre>{@code
 * Next next = selector.select("greeter", SelectOptions.none().withVersion("2.1"));
 * Node node = next.next();
 * next.mark(node, error);   // null error = success
 * }</pre>
 *
 * <p>{@link #select} is on every call's path: implementations answer from memory (a cached, watched view of the
 * registry), never with a registry round trip per call.
 */
public interface Selector extends AutoCloseable {

    /** The plugin name, for example {@code random}. */
    String name();

    /**
     * A strategy over the current nodes of {@code service} that {@code options} keeps.
     *
     * @throws io.microcdi.errors.MicroException code 503 when the service has no such node, or when the registry
     *                                           cannot be reached and nothing is cached
     */
    Next select(String service, SelectOptions options);

    /** {@link #select(String, SelectOptions)} over every node of {@code service}. */
    default Next select(String service) {
        return select(service, SelectOptions.none());
    }

    /**
     * Reports the outcome of a call to {@code node} outside a {@link Next} (Go Micro's {@code Mark}); {@code error}
     * is {@code null} on success. Clients mark through {@link Next#mark}, which costs no lookup.
     */
    void mark(String service, Node node, Throwable error);

    /** Forgets what was learned about {@code service}: cached nodes, failure counts, ejections. */
    void reset(String service);

    /**
     * Calls {@code listener} with an address when no node this selector knows of listens there any more (its node
     * left the registry), so a client can close its connections to it. A selector that keeps no view of the nodes
     * cannot tell, and says so in its implementation by never calling it.
     */
    void onAddressGone(Consumer<String> listener);

    @Override
    void close();
}
