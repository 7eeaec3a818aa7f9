package io.microcdi.registry.mdns;

import io.microcdi.config.MicroConfig;
import io.microcdi.registry.Registry;
import io.microcdi.registry.RegistryProvider;

/**
 * Makes the {@code mdns} registry, MicroCDI's default, from {@code micro.registry.mdns.*}.
 *
 * <pre>{@code
 * micro.registry=mdns
 * micro.registry.mdns.interface=eth0   # default: loopback
 * }</pre>
 */
public final class MdnsRegistryProvider implements RegistryProvider {

    @Override
    public String name() {
        return MdnsRegistry.NAME;
    }

    @Override
    public Registry create(MicroConfig config) {
        return new MdnsRegistry(MdnsRegistryConfig.from(config));
    }
}
