package io.microcdi.selector.cache;

import io.microcdi.registry.Node;
import io.microcdi.registry.Registry;
import io.microcdi.selector.Next;

import java.time.Duration;
import java.util.List;

/**
 * The nodes of a service split by version, each version a group with a selection of its own: how the HTTP broker
 * addresses the subscribers of a topic, which Go Micro registers as service {@code topic:<topic>} with the queue
 * name as version.
 *
 * <pre>{@code
 * GroupSelector selector = new GroupSelector(registry, RegistryCache.DEFAULT_TTL, Ejection.DEFAULTS);
 * for (GroupSelector.Group g : selector.groups("topic:orders")) {
 *     Next next = g.next();          // a random member not tried yet, ejected members last
 *     Node member = next.next();
 *     next.mark(member, error);      // a connection failure counts towards ejecting it
 * }
 * }</pre>
 *
 * <p>The groups are derived once per registry snapshot of the service, from the same cache, watch and ejection as
 * the RPC selectors: a lookup is a map read.
 */
public final class GroupSelector implements AutoCloseable {

    private final RegistryCache cache;
    private final Ejection ejection;

    /** Groups of the services of {@code registry}, cached for {@code cacheTtl}, ejecting as {@code ejection} says. */
    public GroupSelector(Registry registry, Duration cacheTtl, Ejection ejection) {
        this.cache = new RegistryCache(registry, cacheTtl);
        this.ejection = ejection;
    }

    /**
     * The groups of {@code service} in registry order, one per version; the same list until the registry reports a
     * change. Empty when the service has no node.
     *
     * @throws io.microcdi.errors.MicroException 503 when the registry cannot be reached and nothing is cached
     */
    public List<Group> groups(String service) {
        return cache.nodes(service).groups(ejection);
    }

    @Override
    public void close() {
        cache.close();
    }

    /** The nodes of one version of a service. */
    public static final class Group {

        private final String version;
        private final NodeSet set;
        private final NodeSet.View view;
        private final Ejection ejection;
        private final List<Node> nodes;

        Group(String version, NodeSet set, NodeSet.View view, Ejection ejection) {
            this.version = version;
            this.set = set;
            this.view = view;
            this.ejection = ejection;
            this.nodes = List.of(view.nodes);
        }

        /** The version the nodes registered. */
        public String version() {
            return version;
        }

        /** The nodes, at least one. */
        public List<Node> nodes() {
            return nodes;
        }

        /**
         * Hands out the members for the attempts of one delivery: a random one not tried yet and not ejected while
         * there is one. Mark each member it hands out once.
         */
        public Next next() {
            return new CallNext(set, view, Strategy.RANDOM, ejection);
        }

        @Override
        public String toString() {
            return "group " + version + " of " + set.service + " (" + nodes.size() + " nodes)";
        }
    }
}
