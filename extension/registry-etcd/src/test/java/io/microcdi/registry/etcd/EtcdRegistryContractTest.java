package io.microcdi.registry.etcd;

import io.microcdi.registry.Registry;
import io.microcdi.testing.etcd.EtcdCluster;
import io.microcdi.testing.registry.RegistryContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.time.Duration;
import java.util.UUID;

/**
 * The registry contract against a real three-member etcd cluster on loopback. Each test keeps its keys under a prefix
 * of its own, so that a watch of every service sees only that test's.
 */
class EtcdRegistryContractTest extends RegistryContract {

    private static EtcdCluster etcd;

    private final String prefix = "/contract-" + UUID.randomUUID().toString().substring(0, 8) + "/";

    @BeforeAll
    static void startEtcd() {
        EtcdCluster.assumeInstalled();
        etcd = EtcdCluster.start(3);
    }

    @AfterAll
    static void stopEtcd() {
        if (etcd != null) {
            etcd.close();
        }
    }

    @Override
    protected Registry newRegistry() {
        return new EtcdRegistry(EtcdRegistryConfig.of(etcd.endpointList()).withPrefix(prefix));
    }

    /** etcd grants a lease at least its minimum TTL: 1.5 election timeouts, rounded up to 2 s by default. */
    @Override
    protected Duration ttl() {
        return Duration.ofSeconds(2);
    }
}
