package io.microcdi.selector;

import java.util.Map;
import java.util.Objects;

/**
 * Which nodes of a service a call may go to: Go Micro's {@code FilterVersion}, {@code FilterLabel} and
 * {@code FilterEndpoint} in one immutable value.
 *
 * <pre>{@code
 * SelectOptions only = SelectOptions.none().withVersion("2.1").withLabel("zone", "eu-1");
 * Next next = selector.select("greeter", only);
 * }</pre>
 *
 * <p>Selectors cache the nodes a filter leaves per registry snapshot, keyed by this value: build a filter once and
 * reuse it rather than building one per call.
 *
 * @param version  the service version nodes must have, or {@code null} for any
 * @param labels   node metadata every node must carry with these exact values; empty for any
 * @param endpoint an endpoint name ({@code Greeter.Hello}) the node's service must advertise, or {@code null}
 */
public record SelectOptions(String version, Map<String, String> labels, String endpoint) {

    private static final SelectOptions NONE = new SelectOptions(null, Map.of(), null);

    public SelectOptions {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
    }

    /** No filter: every node of the service. */
    public static SelectOptions none() {
        return NONE;
    }

    /** Whether this filter keeps every node. */
    public boolean isNone() {
        return version == null && labels.isEmpty() && endpoint == null;
    }

    /** A copy that keeps only nodes of service version {@code v}. */
    public SelectOptions withVersion(String v) {
        return new SelectOptions(Objects.requireNonNull(v, "version"), labels, endpoint);
    }

    /** A copy that keeps only nodes whose metadata has {@code key=value}. */
    public SelectOptions withLabel(String key, String value) {
        Map<String, String> more = new java.util.HashMap<>(labels);
        more.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
        return new SelectOptions(version, more, endpoint);
    }

    /** A copy that keeps only nodes whose service advertises endpoint {@code name}. */
    public SelectOptions withEndpoint(String name) {
        return new SelectOptions(version, labels, Objects.requireNonNull(name, "endpoint"));
    }
}
