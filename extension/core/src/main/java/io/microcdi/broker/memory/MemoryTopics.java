package io.microcdi.broker.memory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The subscriptions that one or more {@link MemoryBroker}s share, with one immutable snapshot per topic, rebuilt when
 * a subscription comes or goes, so a publish reads it without a lock.
 *
 * <pre>{@code
 * topics.add(subscription);
 * MemoryTopics.Snapshot s = topics.get("orders");   // broadcast subscribers, then one entry per queue group
 * }</pre>
 */
final class MemoryTopics {

    private final ConcurrentHashMap<String, Snapshot> topics = new ConcurrentHashMap<>();

    /** The subscribers of a topic: every broadcast subscriber and every queue group is one target of a publish. */
    static final class Snapshot {
        final List<MemorySubscription> all;
        final MemorySubscription[] broadcast;
        final QueueGroup[] groups;

        private Snapshot(List<MemorySubscription> all) {
            this.all = List.copyOf(all);
            List<MemorySubscription> b = new ArrayList<>();
            Map<String, List<MemorySubscription>> q = new LinkedHashMap<>();
            for (MemorySubscription s : all) {
                if (s.queue().isEmpty()) {
                    b.add(s);
                } else {
                    q.computeIfAbsent(s.queue(), k -> new ArrayList<>()).add(s);
                }
            }
            this.broadcast = b.toArray(MemorySubscription[]::new);
            this.groups = q.entrySet().stream()
                    .map(e -> new QueueGroup(e.getKey(), e.getValue().toArray(MemorySubscription[]::new)))
                    .toArray(QueueGroup[]::new);
        }

        /** Targets of one publish: each broadcast subscriber and each queue group. */
        int targets() {
            return broadcast.length + groups.length;
        }
    }

    /** The members of one queue group and the rotation that spreads messages over them. */
    static final class QueueGroup {
        final String name;
        final MemorySubscription[] members;
        private final AtomicInteger rotation = new AtomicInteger(ThreadLocalRandom.current().nextInt(1 << 16));

        QueueGroup(String name, MemorySubscription[] members) {
            this.name = name;
            this.members = members;
        }

        /** The index of the member whose turn it is. */
        int nextTurn() {
            return Math.floorMod(rotation.getAndIncrement(), members.length);
        }
    }

    /** The subscribers of {@code topic}, or {@code null} when there are none. */
    Snapshot get(String topic) {
        return topics.get(topic);
    }

    void add(MemorySubscription s) {
        topics.compute(s.topic(), (t, old) -> {
            List<MemorySubscription> all = new ArrayList<>(old == null ? List.of() : old.all);
            all.add(s);
            return new Snapshot(all);
        });
    }

    void remove(MemorySubscription s) {
        topics.computeIfPresent(s.topic(), (t, old) -> {
            List<MemorySubscription> all = new ArrayList<>(old.all);
            all.remove(s);
            return all.isEmpty() ? null : new Snapshot(all);
        });
    }
}
