package io.microcdi.internal.config;

import io.microcdi.config.MicroConfig;
import org.eclipse.microprofile.config.Config;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@link MicroConfig} over MicroProfile Config, as a container reads it.
 *
 * <pre>{@code
 * MicroConfig config = DefaultMicroConfig.of(ConfigProvider.getConfig());
 * }</pre>
 */
public final class DefaultMicroConfig implements MicroConfig {

    private final Config config;

    private DefaultMicroConfig(Config config) {
        this.config = config;
    }

    /** Reads MicroProfile Config (so {@code MICRO_REGISTRY} in the environment sets {@code micro.registry}). */
    public static MicroConfig of(Config config) {
        return new DefaultMicroConfig(config);
    }

    /** Reads a fixed map: the same as {@link MicroConfig#of(Map)}. */
    public static MicroConfig of(Map<String, String> values) {
        return MicroConfig.of(values);
    }

    @Override
    public Optional<String> get(String key) {
        return config.getOptionalValue(key, String.class).map(String::trim).filter(v -> !v.isEmpty());
    }

    /**
     * Every property name of every source that starts with {@code micro.} or, as an environment variable is spelt,
     * {@code MICRO_} (in any case): MicroProfile Config maps such a variable to a dotted key only when that key is
     * looked up, so the names are returned as the sources hold them.
     */
    @Override
    public Set<String> names() {
        Set<String> names = new TreeSet<>();
        for (String n : config.getPropertyNames()) {
            String head = n.length() > 6 ? n.substring(0, 6).toLowerCase(Locale.ROOT) : "";
            if (head.equals("micro.") || head.equals("micro_")) {
                names.add(n);
            }
        }
        return names;
    }

    @Override
    public String toString() {
        return "MicroConfig(MicroProfile Config)";
    }
}
