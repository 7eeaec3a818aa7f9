package io.microcdi.selector;

import io.microcdi.registry.Node;

/**
 * Hands out nodes for one call: the first attempt and, on retry, the next; and hears how each attempt went.
 *
 * <pre>{@code
 * Next next = selector.select("greeter");
 * Node first = next.next();
 * next.mark(first, error);     // the attempt failed: a load-aware selector learns from it
 * Node retry = next.next();    // another node when the service has one
 * next.mark(retry, null);      // success
 * }</pre>
 *
 * <p>A {@code Next} belongs to one call and is used by one thread at a time. Every node it hands out is
 * {@linkplain #mark marked} once, or selectors that count calls in flight drift.
 */
public interface Next {

    /**
     * The node for the next attempt: one not yet tried by this call while there is one, then any.
     *
     * @throws io.microcdi.errors.MicroException code 503 when the service has no node left
     */
    Node next();

    /**
     * Reports the outcome of the attempt on {@code node}, a node this {@code Next} handed out: {@code null} when the
     * node answered (even with an error of its handler), otherwise the connection failure or timeout. A selector
     * that learns nothing from it still implements it, doing nothing.
     */
    void mark(Node node, Throwable error);

    /**
     * Reports that the attempt on {@code node} never reached it (a call wrapper answered instead): it counts neither as
     * a success nor as a failure of the node, but ends the attempt as {@link #mark} does. The default marks a success.
     */
    default void skip(Node node) {
        mark(node, null);
    }

    /**
     * Called before a retry after an attempt that could not reach its node (refused, reset, timed out): when every
     * node this call knows of was tried, looks at the registry again (a fresh client's first view may hold only the
     * first node it heard of), so that {@link #next} can hand out a node that appeared since. May block on a registry
     * lookup: never called on an I/O thread.
     *
     * @return whether this call now knows a node it has not tried; the default knows no more
     */
    default boolean renew() {
        return false;
    }
}
