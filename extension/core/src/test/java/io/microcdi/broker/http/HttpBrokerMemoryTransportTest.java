package io.microcdi.broker.http;

import io.microcdi.broker.Broker;
import io.microcdi.registry.memory.MemoryRegistry;
import io.microcdi.testing.broker.BrokerContract;
import io.microcdi.transport.memory.MemoryTransport;
import org.junit.jupiter.api.BeforeEach;

/**
 * The HTTP broker passes {@link BrokerContract} over the memory transport too: the subscriptions in a memory registry,
 * the deliveries posted to {@code /_sub} through one in-memory transport. {@code HttpBrokerTest} (transport-http) runs
 * the same suite over real HTTP.
 */
class HttpBrokerMemoryTransportTest extends BrokerContract {

    private final MemoryRegistry registry = new MemoryRegistry();
    private final MemoryTransport transport = new MemoryTransport();

    @BeforeEach
    void closeTheRegistryAndTransportLast() {
        closeAfterTest(registry);
        closeAfterTest(transport);
    }

    @Override
    protected Broker newBroker() {
        return new HttpBroker(HttpBrokerConfig.defaults(), registry, transport);
    }
}
