package io.microcdi.selector.cache;

import io.microcdi.errors.MicroException;
import io.microcdi.registry.Node;
import io.microcdi.registry.Registry;
import io.microcdi.selector.Next;
import io.microcdi.selector.SelectOptions;
import io.microcdi.selector.Selector;
import io.microcdi.telemetry.Observed;
import io.microcdi.telemetry.Telemetry;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The built-in selectors: a {@link Strategy} over a {@link RegistryCache}, with outlier ejection. A select is a map
 * lookup, a filter-view lookup and one small object per call; no registry call, sort or copy.
 *
 * <pre>{@code
 * Selector s = new CachingSelector("p2c", Strategy.P2C, new RegistryCache(registry, ttl), Ejection.DEFAULTS);
 * Next next = s.select("greeter", SelectOptions.none());
 * }</pre>
 */
public final class CachingSelector implements Selector, Observed {

    static final String ID = "go.micro.client";

    private final String name;
    private final Strategy strategy;
    private final RegistryCache cache;
    private final Ejection ejection;

    CachingSelector(String name, Strategy strategy, RegistryCache cache, Ejection ejection) {
        this.name = name;
        this.strategy = strategy;
        this.cache = cache;
        this.ejection = ejection;
    }

    /**
     * The built-in selector {@code name} ({@code random}, {@code roundrobin}, {@code leastrequests}, {@code p2c}) over
     * {@code registry}, for code that wires parts by hand.
     */
    public static CachingSelector of(String name, Registry registry, Duration cacheTtl, Ejection ejection) {
        Strategy s = switch (name) {
            case "random" -> Strategy.RANDOM;
            case "roundrobin" -> Strategy.ROUND_ROBIN;
            case "leastrequests" -> Strategy.LEAST_REQUESTS;
            case "p2c" -> Strategy.P2C;
            default -> throw new IllegalArgumentException("selector " + name
                    + " (expected: random, roundrobin, leastrequests or p2c)");
        };
        return new CachingSelector(name, s, new RegistryCache(registry, cacheTtl), ejection);
    }

    /** {@link #of} with the default cache TTL and ejection. */
    public static CachingSelector of(String name, Registry registry) {
        return of(name, registry, RegistryCache.DEFAULT_TTL, Ejection.DEFAULTS);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Next select(String service, SelectOptions options) {
        NodeSet set = cache.nodes(service);
        NodeSet.View view = set.view(options);
        if (view.size() == 0) {
            throw noneAvailable(service, options, set);
        }
        return new CallNext(cache, options, set, view, strategy, ejection);
    }

    private static MicroException noneAvailable(String service, SelectOptions options, NodeSet set) {
        String detail = set.all.size() == 0 ? "service " + service + ": not found"
                : "service " + service + ": none available (" + set.all.size() + " node(s), none matching "
                + describe(options) + ")";
        return new MicroException(ID, 503, detail, MicroException.statusText(503));
    }

    private static String describe(SelectOptions o) {
        List<String> parts = new ArrayList<>();
        if (o.version() != null) {
            parts.add("version=" + o.version());
        }
        o.labels().forEach((k, v) -> parts.add(k + "=" + v));
        if (o.endpoint() != null) {
            parts.add("endpoint=" + o.endpoint());
        }
        return String.join(", ", parts);
    }

    @Override
    public void mark(String service, Node node, Throwable error) {
        NodeSet set = cache.peek(service);
        NodeHealth h = set == null ? null : set.health(node.id());
        if (h != null && set.outcome(h, error, ejection)) {
            cache.telemetry.ejected(service);
        }
    }

    /**
     * Reports ejections to {@code telemetry}, and samples the cache: {@code microcdi.selector.cache.services} (services
     * cached) and {@code microcdi.selector.cache.nodes} (their nodes).
     */
    @Override
    public void observe(Telemetry telemetry) {
        cache.telemetry = telemetry;
        Map<String, String> tags = Map.of("selector", name);
        telemetry.gauge("microcdi.selector.cache.services", "services the selector's registry cache holds", tags, cache,
                RegistryCache::serviceCount);
        telemetry.gauge("microcdi.selector.cache.nodes", "nodes of the services the selector's registry cache holds",
                tags, cache, RegistryCache::nodeCount);
    }

    @Override
    public void reset(String service) {
        cache.invalidate(service);
    }

    @Override
    public void onAddressGone(Consumer<String> listener) {
        cache.onAddressGone(listener);
    }

    /**
     * What this selector knows of {@code service}'s nodes now: calls in flight, failures, ejection. Empty when the
     * service is not cached.
     */
    public List<NodeStatus> status(String service) {
        NodeSet set = cache.peek(service);
        if (set == null) {
            return List.of();
        }
        long now = System.nanoTime();
        List<NodeStatus> out = new ArrayList<>();
        for (int i = 0; i < set.all.size(); i++) {
            NodeHealth h = set.all.health[i];
            out.add(new NodeStatus(set.all.nodes[i], h.inFlight.get(), h.consecutiveFailures.get(), !h.admitted(now)));
        }
        return List.copyOf(out);
    }

    /**
     * One node as a selector sees it.
     *
     * @param node                the node
     * @param inFlight            calls to it from this client not yet answered
     * @param consecutiveFailures failures since its last success
     * @param ejected             whether it is ejected now
     */
    public record NodeStatus(Node node, int inFlight, int consecutiveFailures, boolean ejected) {
    }

    @Override
    public void close() {
        cache.close();
    }

    @Override
    public String toString() {
        return name + " selector";
    }
}
