package io.microcdi.registry.gossip;

import io.microcdi.config.MicroConfig;

import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Members on loopback with short timings, so that a test sees joins, leaves and deaths within seconds. */
final class GossipTesting {

    /**
     * Probes every 300 ms (a 2-core machine busy with other tests answers a ping within 150 ms), gossip every 50 ms:
     * a dead member of a five-member cluster is removed within about 3.3 s.
     */
    static final Map<String, String> FAST = Map.of(
            GossipRegistryConfig.GOSSIP_INTERVAL, "50ms",
            GossipRegistryConfig.PING_INTERVAL, "300ms",
            GossipRegistryConfig.PING_TIMEOUT, "150ms",
            GossipRegistryConfig.SUSPICION_MULTIPLIER, "3",
            GossipRegistryConfig.SYNC_INTERVAL, "2s");

    /**
     * scalecube logs every membership change at INFO and every refused connection to a member that left at WARNING
     * (thousands of lines per class); its errors still show. Held here: java.util.logging keeps loggers weakly.
     */
    private static final java.util.logging.Logger SCALECUBE = java.util.logging.Logger.getLogger("io.scalecube");

    static {
        SCALECUBE.setLevel(java.util.logging.Level.SEVERE);
    }

    private GossipTesting() {
    }

    /** {@link #FAST} on loopback, any port, joining {@code seeds}, with {@code more} keys on top. */
    static GossipRegistryConfig config(List<InetSocketAddress> seeds, Map<String, String> more) {
        Map<String, String> keys = new HashMap<>(FAST);
        if (!seeds.isEmpty()) {
            keys.put(GossipRegistryConfig.SEEDS, seeds.stream().map(s -> s.getHostString() + ":" + s.getPort())
                    .collect(Collectors.joining(",")));
        }
        keys.putAll(more);
        return GossipRegistryConfig.from(MicroConfig.of(keys));
    }

    /** A member joining {@code seed}. */
    static GossipRegistry member(GossipRegistry seed) {
        return new GossipRegistry(config(List.of(seed.seedAddress()), Map.of()));
    }

    /** A member alone: the seed of others. */
    static GossipRegistry seed() {
        return new GossipRegistry(config(List.of(), Map.of()));
    }
}
