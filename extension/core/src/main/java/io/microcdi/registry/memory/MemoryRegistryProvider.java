package io.microcdi.registry.memory;

import io.microcdi.config.MicroConfig;
import io.microcdi.registry.Registry;
import io.microcdi.registry.RegistryProvider;

/**
 * Makes the {@code memory} registry: a view of the JVM-wide store, so that containers in one process see each other.
 *
 * <pre>{@code
 * micro.registry=memory
 * }</pre>
 */
public final class MemoryRegistryProvider implements RegistryProvider {

    @Override
    public String name() {
        return MemoryRegistry.NAME;
    }

    @Override
    public Registry create(MicroConfig config) {
        return MemoryRegistry.shared();
    }
}
