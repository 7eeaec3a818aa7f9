package io.microcdi.selector;

import io.microcdi.registry.Node;

/**
 * Hands out nodes for one call: the first attempt and, on retry, the next.
 *
 * <pre>{@code
 * Node first = next.next();
 * Node retry = next.next();   // another node when the service has one
 * }</pre>
 */
@FunctionalInterface
public interface Next {

    /** The node for the next attempt. */
    Node next();
}
