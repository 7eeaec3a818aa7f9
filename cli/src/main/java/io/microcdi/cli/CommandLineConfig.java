package io.microcdi.cli;

import io.microcdi.config.MicroConfig;
import io.microcdi.internal.config.DefaultMicroConfig;
import org.eclipse.microprofile.config.spi.ConfigProviderResolver;
import org.eclipse.microprofile.config.spi.ConfigSource;

import java.util.Map;
import java.util.Set;

/**
 * The configuration of one {@code micro} run: MicroProfile Config's default sources (system properties, environment
 * variables, {@code META-INF/microprofile-config.properties}) under the values given on the command line.
 *
 * <pre>{@code
 * MicroConfig c = CommandLineConfig.load(Map.of("micro.registry", "etcd"));   // --registry etcd
 * c.get("micro.registry.etcd.endpoints");   // from -D..., MICRO_REGISTRY_ETCD_ENDPOINTS or a system property
 * }</pre>
 *
 * <p>Built anew for each run rather than taken from {@code ConfigProvider.getConfig()}, which caches one
 * configuration per class loader: a run in a JVM that already read its configuration (a test) still sees its own
 * options.
 */
final class CommandLineConfig {

    /** Above system properties (400): an option given on the command line wins. */
    static final int ORDINAL = 500;

    private CommandLineConfig() {
    }

    static MicroConfig load(Map<String, String> overrides) {
        return DefaultMicroConfig.of(ConfigProviderResolver.instance().getBuilder()
                .addDefaultSources()
                .withSources(new Source(Map.copyOf(overrides)))
                .build());
    }

    /** The command line's values, as a config source of their own. */
    private record Source(Map<String, String> values) implements ConfigSource {

        @Override
        public Set<String> getPropertyNames() {
            return values.keySet();
        }

        @Override
        public String getValue(String key) {
            return values.get(key);
        }

        @Override
        public String getName() {
            return "micro command line";
        }

        @Override
        public int getOrdinal() {
            return ORDINAL;
        }
    }
}
