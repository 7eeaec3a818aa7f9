package io.microcdi.config;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A typed view of the {@code micro.*} configuration; a bad value fails with a message that names the key.
 *
 * <pre>{@code
 * Duration ttl = config.duration("micro.register.ttl", Duration.ofSeconds(60));
 * String iface = config.get("micro.registry.mdns.interface").orElse("lo");
 * }</pre>
 *
 * <p>Durations accept {@code 500ms}, {@code 5s}, {@code 1m}, {@code 2h}, a plain number of seconds or ISO-8601
 * ({@code PT5S}). Sizes accept {@code 512}, {@code 64k}, {@code 4m}, {@code 1g} (powers of 1024).
 */
public interface MicroConfig {

    /** The value of {@code key}, trimmed; empty when unset or blank. */
    Optional<String> get(String key);

    /** The value of {@code key}, or {@code fallback}. */
    default String get(String key, String fallback) {
        return get(key).orElse(fallback);
    }

    /** A duration; {@code > 0} unless {@code fallback} is zero. */
    Duration duration(String key, Duration fallback);

    /** An integer within {@code [min, max]}. */
    int integer(String key, int fallback, int min, int max);

    /** A size in bytes, at least 1. */
    long size(String key, long fallback);

    /** {@code true} or {@code false}. */
    boolean bool(String key, boolean fallback);

    /** One of {@code allowed} (compared ignoring case, returned in lower case). */
    String oneOf(String key, String fallback, List<String> allowed);

    /**
     * {@code key=value} pairs separated by commas ({@code zone=eu-1,tier=gold}), in order; empty when the key is not
     * set.
     */
    default Map<String, String> pairs(String key) {
        String raw = get(key, "");
        Map<String, String> m = new LinkedHashMap<>();
        for (String pair : raw.split(",")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                m.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
            } else if (!pair.isBlank()) {
                throw invalid(key, raw, "key=value pairs separated by commas");
            }
        }
        return Collections.unmodifiableMap(m);
    }

    /** A problem with the value of {@code key}: names the key, the value and what was expected. */
    static IllegalArgumentException invalid(String key, String value, String expected) {
        return new ConfigException(key + "=" + value + " (expected: " + expected + ")");
    }
}
