package io.microcdi.registry.gossip;

import io.microcdi.config.MicroConfig;
import io.microcdi.registry.Registry;
import io.microcdi.registry.RegistryProvider;

/**
 * Makes the {@code gossip} registry from {@code micro.registry.gossip.*}.
 *
 * <pre>{@code
 * micro.registry=gossip
 * micro.registry.gossip.bind=10.0.0.7
 * micro.registry.gossip.seeds=10.0.0.5:7946,10.0.0.6:7946
 * }</pre>
 */
public final class GossipRegistryProvider implements RegistryProvider {

    @Override
    public String name() {
        return GossipRegistry.NAME;
    }

    @Override
    public Registry create(MicroConfig config) {
        return new GossipRegistry(GossipRegistryConfig.from(config));
    }
}
