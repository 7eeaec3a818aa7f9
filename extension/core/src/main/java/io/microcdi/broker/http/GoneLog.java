package io.microcdi.broker.http;

import io.microcdi.registry.Node;

import java.lang.System.Logger.Level;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tells once per subscription that a broadcast subscriber was skipped as gone (its node still in the registry, but
 * nothing listening, or not knowing the subscription), then keeps quiet about it at DEBUG: until the registry drops
 * the node, every publish to the topic meets it again.
 *
 * <pre>{@code
 * gone.skipped("orders", node, "not delivered: connection refused (attempt 3 of 3)");
 * }</pre>
 */
final class GoneLog {

    private static final System.Logger LOG = System.getLogger(HttpBroker.class.getName());
    /** Bounds the memory of a broker that outlives many dead subscribers; past it, we may warn twice. */
    private static final int MAX_REMEMBERED = 10_000;

    private final Set<String> warned = ConcurrentHashMap.newKeySet();

    void skipped(String topic, Node node, String why) {
        if (warned.size() >= MAX_REMEMBERED) {
            warned.clear();
        }
        Level level = warned.add(node.id()) ? Level.WARNING : Level.DEBUG;
        LOG.log(level, "broadcast subscriber {0} of {1} at {2} is gone, skipped until the registry drops it: {3}",
                node.id(), topic, node.address(), why);
    }
}
