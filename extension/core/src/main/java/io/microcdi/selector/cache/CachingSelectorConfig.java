package io.microcdi.selector.cache;

import io.microcdi.config.MicroConfig;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the built-in selectors ({@code random}, {@code roundrobin}, {@code leastrequests}, {@code p2c}), bound
 * once from {@code micro.selector.cache-ttl} and {@code micro.selector.ejection.*}.
 *
 * <pre>{@code
 * CachingSelectorConfig c = CachingSelectorConfig.from(MicroConfig.of(Map.of("micro.selector.cache-ttl", "30s")));
 * }</pre>
 *
 * <p>These keys stay the selector concern's rather than one plugin's: the four selectors are one plugin whose names
 * are strategies, and the HTTP broker reads the same keys for its view of a topic's subscribers.
 *
 * @param cacheTtl how long a service's cached nodes are kept before they are fetched again (each change the registry's
 *                 watch reports refreshes them too)
 * @param ejection when a node that keeps failing is left out
 */
public record CachingSelectorConfig(Duration cacheTtl, Ejection ejection) {

    public CachingSelectorConfig {
        Objects.requireNonNull(ejection, "ejection");
        if (cacheTtl == null || cacheTtl.isNegative() || cacheTtl.isZero()) {
            throw new IllegalArgumentException("cacheTtl: " + cacheTtl + " (expected: > 0)");
        }
    }

    /** The defaults: a one-minute cache, {@link Ejection#DEFAULTS}. */
    public static CachingSelectorConfig defaults() {
        return new CachingSelectorConfig(RegistryCache.DEFAULT_TTL, Ejection.DEFAULTS);
    }

    /** Reads {@code micro.selector.cache-ttl} and {@code micro.selector.ejection.*}; a bad value fails naming it. */
    public static CachingSelectorConfig from(MicroConfig config) {
        Ejection ejection = Ejection.from(config);
        Duration ttl = config.duration(RegistryCache.TTL, RegistryCache.DEFAULT_TTL);
        if (ttl.isZero() || ttl.isNegative()) {
            throw MicroConfig.invalid(RegistryCache.TTL, config.get(RegistryCache.TTL, ""), "a duration > 0, "
                    + "for example 1m");
        }
        return new CachingSelectorConfig(ttl, ejection);
    }
}
