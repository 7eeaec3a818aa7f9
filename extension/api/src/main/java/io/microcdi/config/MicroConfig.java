package io.microcdi.config;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A typed view of the {@code micro.*} configuration; a bad value fails with a message that names the key.
 *
 * <pre>{@code
 * Duration ttl = config.duration("micro.register.ttl", Duration.ofSeconds(60));
 * String iface = config.get("micro.registry.mdns.interface").orElse("lo");
 * MicroConfig test = MicroConfig.of(Map.of("micro.registry", "memory"));   // a plugin's unit test
 * }</pre>
 *
 * <p>Durations accept {@code 500ms}, {@code 5s}, {@code 1m}, {@code 2h}, a plain number of seconds or ISO-8601
 * ({@code PT5S}). Sizes accept {@code 512}, {@code 64k}, {@code 4m}, {@code 1g} (powers of 1024). An implementation
 * supplies {@link #get(String)} and {@link #names()}; the typed readers parse the same way in every one.
 */
public interface MicroConfig {

    /** The value of {@code key}, trimmed; empty when unset or blank. */
    Optional<String> get(String key);

    /**
     * The names of the keys set in this configuration under {@code micro}, as their sources spell them: dotted
     * ({@code micro.client.greeter.retries}) and, from environment variables, upper case with underscores
     * ({@code MICRO_CLIENT_GREETER_RETRIES}, which {@link #get} finds under the dotted name). Used to check at start
     * keys whose names hold a variable part, such as a service name.
     */
    Set<String> names();

    /** The value of {@code key}, or {@code fallback}. */
    default String get(String key, String fallback) {
        return get(key).orElse(fallback);
    }

    /** A duration; {@code > 0} unless {@code fallback} is zero. */
    default Duration duration(String key, Duration fallback) {
        return ConfigValues.duration(key, get(key), fallback);
    }

    /** An integer within {@code [min, max]}. */
    default int integer(String key, int fallback, int min, int max) {
        return ConfigValues.integer(key, get(key), fallback, min, max);
    }

    /** A size in bytes, at least 1. */
    default long size(String key, long fallback) {
        return ConfigValues.size(key, get(key), fallback);
    }

    /** {@code true} or {@code false}. */
    default boolean bool(String key, boolean fallback) {
        return ConfigValues.bool(key, get(key), fallback);
    }

    /** One of {@code allowed} (compared ignoring case, returned in lower case). */
    default String oneOf(String key, String fallback, List<String> allowed) {
        return ConfigValues.oneOf(key, get(key).orElse(fallback), allowed);
    }

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

    /**
     * A configuration of fixed values, for tests and embedding; the map is copied. Its {@link #names()} are the
     * map's keys.
     */
    static MicroConfig of(Map<String, String> values) {
        return new MapConfig(Map.copyOf(values));
    }

    /** A problem with the value of {@code key}: names the key, the value and what was expected. */
    static IllegalArgumentException invalid(String key, String value, String expected) {
        return new ConfigException(key + "=" + value + " (expected: " + expected + ")");
    }
}
