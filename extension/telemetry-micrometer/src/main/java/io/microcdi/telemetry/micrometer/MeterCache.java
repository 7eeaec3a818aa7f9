package io.microcdi.telemetry.micrometer;

import io.microcdi.telemetry.Telemetry;

import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The meters of each combination of up to four names (a service, an endpoint, a protocol...), found with one hash
 * lookup and a few string comparisons, allocating nothing once they exist.
 *
 * <pre>{@code
 * MeterCache<Timed> server = new MeterCache<>((endpoint, service, protocol, unused) -> ...register...);
 * Timed t = server.get(endpoint, service, protocol, "");
 * }</pre>
 *
 * <p>Looking the meters up in the registry instead would build a {@code Meter.Id} (and its tags) per call. The map is
 * keyed by the most selective name alone, so that the lookup needs no key object; the other names are compared in
 * the few rows that share it (the same endpoint name in two services, say). Rows are only added, copy on write: the
 * names are low in cardinality by the telemetry's contract.
 */
final class MeterCache<M> {

    /** Registers the meters of one combination of names; called once per combination. */
    @FunctionalInterface
    interface Maker<M> {
        M make(String key, String a, String b, String c);
    }

    private record Row(String a, String b, String c, Object meters) {
    }

    private static final Row[] NONE = new Row[0];

    private final ConcurrentHashMap<String, Row[]> rows = new ConcurrentHashMap<>();
    private final Maker<M> maker;

    MeterCache(Maker<M> maker) {
        this.maker = maker;
    }

    /** The meters of these names, made on first use; {@code null} names count as {@link Telemetry#UNKNOWN}. */
    @SuppressWarnings("unchecked")
    M get(String key, String a, String b, String c) {
        if (key == null || a == null || b == null || c == null) {
            return get(orUnknown(key), orUnknown(a), orUnknown(b), orUnknown(c));
        }
        Row[] found = rows.get(key);
        if (found != null) {
            for (Row r : found) {
                if (r.a.equals(a) && r.b.equals(b) && r.c.equals(c)) {
                    return (M) r.meters;
                }
            }
        }
        return add(key, a, b, c);
    }

    @SuppressWarnings("unchecked")
    private synchronized M add(String key, String a, String b, String c) {
        Row[] found = rows.getOrDefault(key, NONE);
        for (Row r : found) {
            if (r.a.equals(a) && r.b.equals(b) && r.c.equals(c)) {
                return (M) r.meters; // another thread made them meanwhile
            }
        }
        M meters = maker.make(key, a, b, c);
        Row[] more = Arrays.copyOf(found, found.length + 1);
        more[found.length] = new Row(a, b, c, meters);
        rows.put(key, more);
        return meters;
    }

    /** Forgets every row (the meters stay in the registry: their owner removes them). */
    synchronized void clear() {
        rows.clear();
    }

    private static String orUnknown(String name) {
        return name == null ? Telemetry.UNKNOWN : name;
    }
}
