package io.microcdi.selector.cache;

import java.util.concurrent.ThreadLocalRandom;

/**
 * How a selector picks among the candidates of one attempt: Go Micro's {@code Strategy}, made load-aware.
 *
 * <pre>{@code
 * int i = Strategy.P2C.pick(candidates, view);   // -1 when no candidate is eligible
 * }</pre>
 *
 * <p>Each pick costs O(1) for {@link #RANDOM}, {@link #ROUND_ROBIN} and {@link #P2C} while the nodes are eligible,
 * and one pass over the nodes for {@link #LEAST_REQUESTS}; none allocates.
 */
enum Strategy {

    /** Any eligible node, uniformly. */
    RANDOM {
        @Override
        int pick(Candidates c, NodeSet.View view) {
            int n = view.size();
            int i = ThreadLocalRandom.current().nextInt(n);
            return c.eligible(i) ? i : uniform(c, n);
        }
    },

    /** The next node in a rotation shared by every call of the service (not per call, as Go Micro's). */
    ROUND_ROBIN {
        @Override
        int pick(Candidates c, NodeSet.View view) {
            int n = view.size();
            // an ineligible node (ejected, or tried by this call) passes its turn on: taking the next turn, rather
            // than the next node, spreads its share over all the others instead of doubling one neighbour's
            for (int k = 0; k < n; k++) {
                int i = Math.floorMod(view.rotation.getAndIncrement(), n);
                if (c.eligible(i)) {
                    return i;
                }
            }
            return -1;
        }
    },

    /** The eligible node with the fewest calls in flight from this client; ties broken at random. */
    LEAST_REQUESTS {
        @Override
        int pick(Candidates c, NodeSet.View view) {
            int n = view.size();
            int start = ThreadLocalRandom.current().nextInt(n);
            int best = -1;
            int bestLoad = Integer.MAX_VALUE;
            for (int k = 0; k < n; k++) {
                int i = start + k < n ? start + k : start + k - n;
                if (c.eligible(i)) {
                    int load = view.health[i].inFlight.get();
                    if (load < bestLoad) {
                        best = i;
                        bestLoad = load;
                    }
                }
            }
            return best;
        }
    },

    /** Power of two choices: of two random eligible nodes, the one with fewer calls in flight. */
    P2C {
        @Override
        int pick(Candidates c, NodeSet.View view) {
            int n = view.size();
            if (n == 1) {
                return c.eligible(0) ? 0 : -1;
            }
            ThreadLocalRandom r = ThreadLocalRandom.current();
            int a = r.nextInt(n);
            int b = r.nextInt(n - 1);
            if (b >= a) {
                b++;
            }
            boolean okA = c.eligible(a);
            boolean okB = c.eligible(b);
            if (okA && okB) {
                return view.health[b].inFlight.get() < view.health[a].inFlight.get() ? b : a;
            }
            if (okA || okB) {
                return okA ? a : b;
            }
            return uniform(c, n);
        }
    };

    /** Which nodes the current attempt may go to. */
    interface Candidates {
        boolean eligible(int i);
    }

    /** The index of the node for the next attempt, or -1 when no candidate is eligible. */
    abstract int pick(Candidates c, NodeSet.View view);

    /** A uniform choice among the eligible nodes (two passes; only when the O(1) guess hit an ineligible one). */
    static int uniform(Candidates c, int n) {
        int count = 0;
        for (int i = 0; i < n; i++) {
            if (c.eligible(i)) {
                count++;
            }
        }
        if (count == 0) {
            return -1;
        }
        int r = ThreadLocalRandom.current().nextInt(count);
        for (int i = 0; i < n; i++) {
            if (c.eligible(i) && r-- == 0) {
                return i;
            }
        }
        return -1;
    }
}
