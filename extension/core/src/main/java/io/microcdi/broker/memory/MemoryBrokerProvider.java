package io.microcdi.broker.memory;

import io.microcdi.broker.Broker;
import io.microcdi.broker.BrokerProvider;
import io.microcdi.config.MicroConfig;
import io.microcdi.broker.delivery.DeliveryConfig;
import io.microcdi.registry.Registry;
import io.microcdi.transport.Transport;

/**
 * Makes the {@code memory} broker: a view of the JVM-wide subscriptions, so that containers in one process deliver
 * to each other. It needs neither the registry nor the transport.
 *
 * <pre>{@code
 * micro.broker=memory
 * }</pre>
 */
public final class MemoryBrokerProvider implements BrokerProvider {

    @Override
    public String name() {
        return MemoryBroker.NAME;
    }

    @Override
    public Broker create(MicroConfig config, Registry registry, Transport transport) {
        return MemoryBroker.shared(DeliveryConfig.from(config));
    }
}
