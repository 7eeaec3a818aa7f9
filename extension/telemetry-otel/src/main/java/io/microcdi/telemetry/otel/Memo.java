package io.microcdi.telemetry.otel;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Values made once per pair of names (a service and an endpoint, a topic and a subscriber) and found again without
 * allocating: two map lookups, no composite key, no lambda.
 *
 * <pre>{@code
 * RpcNames n = names.find(service, endpoint);
 * if (n == null) {
 *     n = names.keep(service, endpoint, RpcNames.of(protocol, service, endpoint, conventions));
 * }
 * }</pre>
 *
 * <p>The names are low in cardinality by the telemetry's contract; should they not be, past {@link #LIMIT} pairs a
 * value is made per call and not kept, so memory stays bounded.
 */
final class Memo<V> {

    /** Pairs kept at most. */
    static final int LIMIT = 10_000;

    private final ConcurrentHashMap<String, ConcurrentHashMap<String, V>> byFirst = new ConcurrentHashMap<>();
    private final AtomicInteger size = new AtomicInteger();

    /** The value kept for the pair, or {@code null}. */
    V find(String first, String second) {
        ConcurrentHashMap<String, V> inner = byFirst.get(first);
        return inner == null ? null : inner.get(second);
    }

    /**
     * Keeps {@code value} for the pair (replacing one kept before) unless {@link #LIMIT} pairs are kept already;
     * returns it.
     */
    V keep(String first, String second, V value) {
        if (size.get() >= LIMIT) {
            return value;
        }
        ConcurrentHashMap<String, V> inner = byFirst.computeIfAbsent(first, k -> new ConcurrentHashMap<>());
        if (inner.put(second, value) == null) {
            size.incrementAndGet();
        }
        return value;
    }

    /** Pairs kept. */
    int size() {
        return size.get();
    }
}
