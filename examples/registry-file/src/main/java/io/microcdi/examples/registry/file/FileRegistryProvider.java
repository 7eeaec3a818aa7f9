package io.microcdi.examples.registry.file;

import io.microcdi.config.MicroConfig;
import io.microcdi.registry.Registry;
import io.microcdi.registry.RegistryProvider;

/**
 * Makes the {@code file} registry; listed in {@code META-INF/services/io.microcdi.registry.RegistryProvider}, so that
 * {@code micro.registry=file} picks it.
 *
 * <pre>{@code
 * micro.registry=file
 * }</pre>
 */
public final class FileRegistryProvider implements RegistryProvider {

    @Override
    public String name() {
        return FileRegistry.NAME;
    }

    @Override
    public Registry create(MicroConfig config) {
        return new FileRegistry(FileRegistryConfig.from(config));
    }
}
