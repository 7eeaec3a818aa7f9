package io.microcdi.registry.gossip;

import io.microcdi.registry.Registry;
import io.microcdi.testing.registry.RegistryContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The gossip registry passes the registry contract: every instance a test makes is a member of its own on loopback,
 * joining one seed member that lives as long as the class, so instances see each other only through the cluster.
 */
class GossipRegistryContractTest extends RegistryContract {

    private static GossipRegistry seed;

    @BeforeAll
    static void startSeed() {
        seed = GossipTesting.seed();
    }

    @AfterAll
    static void stopSeed() {
        if (seed != null) {
            seed.close();
        }
    }

    @Override
    protected Registry newRegistry() {
        return GossipTesting.member(seed);
    }
}
