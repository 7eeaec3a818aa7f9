package io.microcdi.selector.cache;

import io.microcdi.registry.Endpoint;
import io.microcdi.registry.Node;
import io.microcdi.registry.Service;
import io.microcdi.selector.SelectOptions;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One registry snapshot of a service, immutable: its nodes (across versions) with their health, and the views that
 * filters leave, each computed once per snapshot.
 *
 * <pre>{@code
 * NodeSet set = NodeSet.of("greeter", registry.getService("greeter"), previous);
 * View v = set.view(SelectOptions.none().withVersion("2.1"));
 * }</pre>
 */
final class NodeSet {

    private static final System.Logger LOG = System.getLogger(NodeSet.class.getName());

    final String service;
    final View all;
    private final Map<String, NodeHealth> byId;
    private final String[] versions;
    private final Set<String>[] endpoints;
    private final ConcurrentHashMap<SelectOptions, View> views = new ConcurrentHashMap<>();
    /** Serialises ejection decisions of this service: "never the last node" needs a consistent count. */
    private final Object ejectionLock;
    /** The version groups of {@link GroupSelector}, made on first use. */
    private volatile List<GroupSelector.Group> groups;

    /** The nodes of a service and what a filter keeps of them, with a rotation shared by the calls that use it. */
    static final class View {
        final Node[] nodes;
        final NodeHealth[] health;
        final AtomicInteger rotation = new AtomicInteger(ThreadLocalRandom.current().nextInt(1 << 16));

        View(Node[] nodes, NodeHealth[] health) {
            this.nodes = nodes;
            this.health = health;
        }

        int size() {
            return nodes.length;
        }
    }

    @SuppressWarnings("unchecked")
    private NodeSet(String service, List<Node> nodes, List<String> versions, List<Set<String>> endpoints,
                    NodeSet previous) {
        this.service = service;
        int n = nodes.size();
        Node[] ns = nodes.toArray(Node[]::new);
        NodeHealth[] hs = new NodeHealth[n];
        Map<String, NodeHealth> ids = new HashMap<>();
        for (int i = 0; i < n; i++) {
            NodeHealth kept = previous == null ? null : previous.byId.get(ns[i].id());
            hs[i] = kept != null && kept.address.equals(ns[i].address()) ? kept
                    : new NodeHealth(ns[i].id(), ns[i].address());
            ids.put(ns[i].id(), hs[i]);
        }
        this.all = new View(ns, hs);
        this.byId = Map.copyOf(ids);
        this.versions = versions.toArray(String[]::new);
        this.endpoints = endpoints.toArray(Set[]::new);
        this.ejectionLock = previous == null ? new Object() : previous.ejectionLock;
    }

    /** The snapshot of {@code versions}, keeping the health of nodes {@code previous} knew (same id and address). */
    static NodeSet of(String service, List<Service> versions, NodeSet previous) {
        List<Node> nodes = new ArrayList<>();
        List<String> vs = new ArrayList<>();
        List<Set<String>> eps = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (Service s : versions) {
            Set<String> names = new HashSet<>();
            for (Endpoint e : s.endpoints()) {
                names.add(e.name());
            }
            Set<String> frozen = Set.copyOf(names);
            for (Node node : s.nodes()) {
                if (seen.add(node.id())) {
                    nodes.add(node);
                    vs.add(s.version());
                    eps.add(frozen);
                }
            }
        }
        return new NodeSet(service, nodes, vs, eps, previous);
    }

    /** The nodes {@code options} keeps; the same object for the same options until the next snapshot. */
    View view(SelectOptions options) {
        if (options.isNone()) {
            return all;
        }
        View v = views.get(options);
        return v != null ? v : views.computeIfAbsent(options, this::filter);
    }

    private View filter(SelectOptions o) {
        List<Integer> keep = new ArrayList<>();
        for (int i = 0; i < all.nodes.length; i++) {
            if (matches(i, o)) {
                keep.add(i);
            }
        }
        Node[] ns = new Node[keep.size()];
        NodeHealth[] hs = new NodeHealth[keep.size()];
        for (int k = 0; k < ns.length; k++) {
            ns[k] = all.nodes[keep.get(k)];
            hs[k] = all.health[keep.get(k)];
        }
        return new View(ns, hs);
    }

    private boolean matches(int i, SelectOptions o) {
        if (o.version() != null && !o.version().equals(versions[i])) {
            return false;
        }
        if (o.endpoint() != null && !endpoints[i].contains(o.endpoint())) {
            return false;
        }
        Map<String, String> md = all.nodes[i].metadata();
        for (Map.Entry<String, String> label : o.labels().entrySet()) {
            if (!label.getValue().equals(md.get(label.getKey()))) {
                return false;
            }
        }
        return true;
    }

    /** The nodes split by version, in registry order; made once per snapshot. */
    List<GroupSelector.Group> groups(Ejection ejection) {
        List<GroupSelector.Group> g = groups;
        if (g == null) {
            Set<String> seen = new LinkedHashSet<>(java.util.Arrays.asList(versions));
            List<GroupSelector.Group> made = new ArrayList<>(seen.size());
            for (String version : seen) {
                made.add(new GroupSelector.Group(version, this, view(SelectOptions.none().withVersion(version)),
                        ejection));
            }
            g = List.copyOf(made);
            groups = g; // two threads may both build it: equal lists, either wins
        }
        return g;
    }

    NodeHealth health(String nodeId) {
        return byId.get(nodeId);
    }

    /** The addresses of this snapshot's nodes. */
    Set<String> addresses() {
        Set<String> a = new LinkedHashSet<>();
        for (Node n : all.nodes) {
            a.add(n.address());
        }
        return a;
    }

    /**
     * Records the outcome of a call to {@code h}'s node; {@code error == null} is a success.
     *
     * @return whether this outcome ejected the node
     */
    boolean outcome(NodeHealth h, Throwable error, Ejection ejection) {
        if (error == null) {
            if (h.consecutiveFailures.get() != 0) {
                h.consecutiveFailures.set(0);
            }
            // only a success after the ejection ran out readmits: one from a call sent before it proves nothing
            if (h.onProbation() && h.admitted(System.nanoTime())) {
                readmit(h);
            }
            return false;
        }
        int failures = h.consecutiveFailures.incrementAndGet();
        if (!ejection.enabled()) {
            return false;
        }
        long now = System.nanoTime();
        boolean probation = h.onProbation() && h.admitted(now);
        return (failures >= ejection.failures() || probation) && eject(h, ejection, now, error);
    }

    private boolean eject(NodeHealth h, Ejection ejection, long now, Throwable error) {
        long length;
        int number;
        synchronized (ejectionLock) {
            if (!h.admitted(now)) {
                return false; // another call ejected it meanwhile
            }
            int available = 0;
            for (NodeHealth other : all.health) {
                if (other.admitted(now)) {
                    available++;
                }
            }
            if (available <= 1) {
                return false; // never the last node: a struggling node beats none
            }
            number = ++h.ejections;
            length = ejection.lengthNanos(number);
            h.ejectedUntil = now + length;
            h.consecutiveFailures.set(0);
        }
        LOG.log(Level.WARNING, "ejected node {0} ({1}) of {2} for {3} ms (ejection {4} in a row): {5}", h.nodeId,
                h.address, service, String.valueOf(length / 1_000_000), String.valueOf(number),
                String.valueOf(error.getMessage()));
        return true;
    }

    private void readmit(NodeHealth h) {
        synchronized (ejectionLock) {
            if (h.ejectedUntil == 0 || !h.admitted(System.nanoTime())) {
                return;
            }
            h.ejectedUntil = 0;
            h.ejections = 0;
        }
        LOG.log(Level.INFO, "readmitted node {0} ({1}) of {2}: it answered again", h.nodeId, h.address, service);
    }
}
