package io.microcdi.selector.random;

import io.microcdi.errors.MicroException;
import io.microcdi.registry.Node;
import io.microcdi.registry.Registry;
import io.microcdi.registry.Service;
import io.microcdi.selector.Next;
import io.microcdi.selector.Selector;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Picks a random node of the service; each further {@link Next#next()} of the same call moves to the next node, so a
 * retry lands on another node whenever the service has more than one.
 *
 * <pre>{@code
 * Next next = new RandomSelector(registry).select("greeter");
 * }</pre>
 *
 * <p>Reads the registry on every select: the registries keep an in-memory view, so this is a map lookup. The
 * cached, watched selectors arrive with the load-balancing work.
 */
public final class RandomSelector implements Selector {

    private final Registry registry;

    /** A selector over {@code registry}. */
    public RandomSelector(Registry registry) {
        this.registry = registry;
    }

    @Override
    public String name() {
        return "random";
    }

    @Override
    public Next select(String service) {
        List<Node> nodes = nodes(registry.getService(service));
        if (nodes.isEmpty()) {
            throw new MicroException("go.micro.client", 503, "service " + service + ": not found",
                    MicroException.statusText(503));
        }
        int size = nodes.size();
        if (size == 1) {
            Node only = nodes.get(0);
            return () -> only;
        }
        int start = ThreadLocalRandom.current().nextInt(size);
        return new Next() {
            private int i = start;

            @Override
            public Node next() {
                Node n = nodes.get(i);
                i = (i + 1) % size;
                return n;
            }
        };
    }

    private static List<Node> nodes(List<Service> versions) {
        if (versions.size() == 1) {
            return versions.get(0).nodes();
        }
        List<Node> all = new ArrayList<>();
        for (Service s : versions) {
            all.addAll(s.nodes());
        }
        return all;
    }

    @Override
    public void mark(String service, Node node, Throwable error) {
        // The random selector learns nothing; outlier ejection belongs to the load-balancing selectors.
    }

    @Override
    public void reset(String service) {
        // nothing cached
    }

    @Override
    public void close() {
        // nothing to release
    }
}
