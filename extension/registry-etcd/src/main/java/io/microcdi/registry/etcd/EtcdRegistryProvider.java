package io.microcdi.registry.etcd;

import io.microcdi.config.MicroConfig;
import io.microcdi.registry.Registry;
import io.microcdi.registry.RegistryProvider;

/**
 * Makes the {@code etcd} registry from {@code micro.registry.etcd.*}.
 *
 * <pre>{@code
 * micro.registry=etcd
 * micro.registry.etcd.endpoints=10.0.0.1:2379,10.0.0.2:2379,10.0.0.3:2379
 * }</pre>
 */
public final class EtcdRegistryProvider implements RegistryProvider {

    @Override
    public String name() {
        return EtcdRegistry.NAME;
    }

    @Override
    public Registry create(MicroConfig config) {
        return new EtcdRegistry(EtcdRegistryConfig.from(config));
    }
}
