package io.microcdi.selector.cache;

import io.microcdi.registry.Node;
import io.microcdi.selector.Next;
import io.microcdi.selector.SelectOptions;

/**
 * The nodes of one call: each {@link #next()} asks the strategy for a node this call has not tried and that is not
 * ejected; when none is left it relaxes, first ignoring ejection, then what was tried. Before a retry after an
 * unreachable node, {@link #renew()} swaps in the registry's newer snapshot when every node of this one was tried.
 *
 * <pre>{@code
 * Next next = new CallNext(cache, options, set, view, Strategy.P2C, ejection);
 * }</pre>
 */
final class CallNext implements Next, Strategy.Candidates {

    private static final int STRICT = 0;
    private static final int UNTRIED = 1;
    private static final int ADMITTED = 2;
    private static final int ANY = 3;

    private final RegistryCache cache;
    private final SelectOptions options;
    private NodeSet set;
    private NodeSet.View view;
    private final Strategy strategy;
    private final Ejection ejection;
    /** The first two nodes tried, any index: a call with one retry allocates nothing more. */
    private int first = -1;
    private int second = -1;
    /** Further nodes tried: bit i for node i < 64; beyond that, {@link #triedMore} (grown as needed). */
    private long tried;
    private int[] triedMore;
    private int triedMoreCount;
    private int last = -1;
    private int level;
    private long now;

    /** A call over a fixed snapshot: {@link #renew()} knows no more than it. */
    CallNext(NodeSet set, NodeSet.View view, Strategy strategy, Ejection ejection) {
        this(null, null, set, view, strategy, ejection);
    }

    CallNext(RegistryCache cache, SelectOptions options, NodeSet set, NodeSet.View view, Strategy strategy,
             Ejection ejection) {
        this.cache = cache;
        this.options = options;
        this.set = set;
        this.view = view;
        this.strategy = strategy;
        this.ejection = ejection;
    }

    @Override
    public Node next() {
        now = 0;
        int i = -1;
        for (level = STRICT; level <= ANY && i < 0; level++) {
            i = strategy.pick(this, view);
        }
        setTried(i);
        last = i;
        view.health[i].started();
        return view.nodes[i];
    }

    @Override
    public boolean eligible(int i) {
        return switch (level) {
            case STRICT -> !tried(i) && admitted(i);
            case UNTRIED -> !tried(i);
            case ADMITTED -> admitted(i);
            default -> true;
        };
    }

    private boolean admitted(int i) {
        NodeHealth h = view.health[i];
        if (h.ejectedUntil == 0) {
            return true;
        }
        if (now == 0) {
            now = System.nanoTime();
        }
        return h.admitted(now);
    }

    private boolean tried(int i) {
        if (i == first || i == second) {
            return true;
        }
        if (i < 64) {
            return (tried & (1L << i)) != 0;
        }
        for (int k = 0; k < triedMoreCount; k++) {
            if (triedMore[k] == i) {
                return true;
            }
        }
        return false;
    }

    private void setTried(int i) {
        if (first < 0) {
            first = i;
        } else if (second < 0) {
            second = i;
        } else if (i < 64) {
            tried |= 1L << i;
        } else {
            if (triedMore == null) {
                triedMore = new int[4];
            } else if (triedMoreCount == triedMore.length) {
                triedMore = java.util.Arrays.copyOf(triedMore, triedMoreCount * 2);
            }
            triedMore[triedMoreCount++] = i;
        }
    }

    @Override
    public void mark(Node node, Throwable error) {
        int i = last >= 0 && view.nodes[last] == node ? last : indexOf(node);
        if (i < 0) {
            return; // not one of ours
        }
        NodeHealth h = view.health[i];
        h.inFlight.decrementAndGet();
        if (set.outcome(h, error, ejection) && cache != null) {
            cache.telemetry.ejected(set.service);
        }
    }

    @Override
    public void skip(Node node) {
        int i = last >= 0 && view.nodes[last] == node ? last : indexOf(node);
        if (i >= 0) {
            view.health[i].inFlight.decrementAndGet(); // no outcome: the node was not asked
        }
    }

    @Override
    public boolean renew() {
        if (untried(view) || cache == null) {
            return untried(view);
        }
        NodeSet fresh = cache.renew(set.service, set);
        if (fresh == set) {
            return false;
        }
        NodeSet.View v = fresh.view(options);
        // what this call tried, by node id, in the new snapshot's indexes
        java.util.Set<String> triedIds = new java.util.HashSet<>();
        for (int i = 0; i < view.nodes.length; i++) {
            if (tried(i)) {
                triedIds.add(view.nodes[i].id());
            }
        }
        first = -1;
        second = -1;
        tried = 0;
        triedMoreCount = 0;
        last = -1;
        set = fresh;
        view = v;
        for (int i = 0; i < v.nodes.length; i++) {
            if (triedIds.contains(v.nodes[i].id())) {
                setTried(i);
            }
        }
        return untried(v);
    }

    private boolean untried(NodeSet.View v) {
        for (int i = 0; i < v.nodes.length; i++) {
            if (!tried(i)) {
                return true;
            }
        }
        return false;
    }

    private int indexOf(Node node) {
        for (int i = 0; i < view.nodes.length; i++) {
            if (view.nodes[i] == node || view.nodes[i].id().equals(node.id())) {
                return i;
            }
        }
        return -1;
    }
}
