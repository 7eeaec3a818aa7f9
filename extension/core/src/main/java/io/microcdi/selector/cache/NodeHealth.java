package io.microcdi.selector.cache;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * What a client learned about one node: calls in flight, consecutive failures, and whether it is ejected. One per
 * node id, kept across registry snapshots so that a refresh forgets nothing.
 *
 * <pre>{@code
 * health.started();
 * health.finished(error == null);
 * }</pre>
 *
 * <p>{@link #ejectedUntil} is 0 for a node in good standing. A node whose ejection ran out keeps its time (it is on
 * probation): one more failure ejects it again for twice as long, one success clears it.
 */
final class NodeHealth {

    final String nodeId;
    final String address;
    final AtomicInteger inFlight = new AtomicInteger();
    final AtomicInteger consecutiveFailures = new AtomicInteger();
    /** {@link System#nanoTime()} until which the node is ejected; 0 = in good standing. */
    volatile long ejectedUntil;
    /** Ejections in a row without a success in between; guarded by the owning service's lock. */
    int ejections;

    NodeHealth(String nodeId, String address) {
        this.nodeId = nodeId;
        this.address = address;
    }

    void started() {
        inFlight.incrementAndGet();
    }

    /** Whether the node may be picked at {@code now} as far as ejection goes. */
    boolean admitted(long now) {
        long until = ejectedUntil;
        return until == 0 || until - now <= 0;
    }

    boolean onProbation() {
        return ejectedUntil != 0;
    }
}
