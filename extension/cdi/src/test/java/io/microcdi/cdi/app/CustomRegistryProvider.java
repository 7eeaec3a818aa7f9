package io.microcdi.cdi.app;

import io.microcdi.config.MicroConfig;
import io.microcdi.registry.Registry;
import io.microcdi.registry.RegistryProvider;
import io.microcdi.registry.memory.MemoryRegistry;
import jakarta.enterprise.context.ApplicationScoped;

/** A registry plugin contributed as a CDI bean rather than through META-INF/services. */
@ApplicationScoped
public class CustomRegistryProvider implements RegistryProvider {

    public static volatile int created;

    @Override
    public String name() {
        return "bean-registry";
    }

    @Override
    public Registry create(MicroConfig config) {
        created++;
        return MemoryRegistry.shared();
    }
}
