package io.microcdi.wrappers;

import io.microcdi.cdi.MicroLifecycle;
import io.microcdi.cdi.MicroProducers;
import io.microcdi.context.CallContext;
import io.microcdi.context.CallContexts;
import io.microcdi.metadata.Metadata;
import jakarta.enterprise.inject.se.SeContainer;
import org.eclipse.microprofile.config.spi.ConfigProviderResolver;
import org.jboss.weld.environment.se.Weld;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * One Weld SE container with the given beans (no discovery) and configuration (as system properties, cleared again
 * on {@link #close()}), on the memory registry and broker and the real HTTP transport.
 *
 * <pre>{@code
 * try (WeldBoot weld = new WeldBoot()) {
 *     weld.start(Map.of("micro.server.wrappers", "logging"), Greeter.class, LoggingInterceptor.class);
 *     weld.bean(Callers.class).greeter().hello(new Words("x"));
 * }
 * }</pre>
 */
final class WeldBoot implements AutoCloseable {

    private final Set<String> keys = new HashSet<>();
    private SeContainer container;

    SeContainer start(Map<String, String> config, Class<?>... beans) {
        keys.add("micro.registry");
        keys.add("micro.broker");
        System.setProperty("micro.registry", "memory");
        System.setProperty("micro.broker", "memory");
        config.forEach((k, v) -> {
            keys.add(k);
            System.setProperty(k, v);
        });
        // SmallRye caches the Config per class loader: drop it so this boot reads the properties above
        ConfigProviderResolver resolver = ConfigProviderResolver.instance();
        resolver.releaseConfig(resolver.getConfig());
        container = new Weld().disableDiscovery()
                .property(Weld.SHUTDOWN_HOOK_SYSTEM_PROPERTY, false)
                .addBeanClasses(MicroProducers.class, MicroLifecycle.class)
                .addBeanClasses(beans)
                .initialize();
        return container;
    }

    /** Runs {@code work} as if handling a call to {@code service} that carried {@code metadata}. */
    static <T> T handling(String service, Metadata metadata, Supplier<T> work) {
        CallContext previous = CallContexts.attach(CallContexts.call(service, "Front.Run", "", "", 0, metadata));
        try {
            return work.get();
        } finally {
            CallContexts.restore(previous);
        }
    }

    <T> T bean(Class<T> type) {
        return container.select(type).get();
    }

    @Override
    public void close() {
        if (container != null && container.isRunning()) {
            container.close();
        }
        keys.forEach(System::clearProperty);
        keys.clear();
    }
}
