package io.microcdi.cdi.pubsub;

import io.microcdi.broker.Broker;
import io.microcdi.broker.BrokerProvider;
import io.microcdi.broker.memory.MemoryBroker;
import io.microcdi.config.MicroConfig;
import io.microcdi.broker.delivery.DeliveryConfig;
import io.microcdi.registry.Registry;
import io.microcdi.transport.Transport;
import jakarta.enterprise.context.ApplicationScoped;

/** A broker plugin contributed as a CDI bean rather than through META-INF/services. */
@ApplicationScoped
public class CountingBrokerProvider implements BrokerProvider {

    public static volatile int created;

    @Override
    public String name() {
        return "bean-broker";
    }

    @Override
    public Broker create(MicroConfig config, Registry registry, Transport transport) {
        created++;
        return MemoryBroker.shared(DeliveryConfig.from(config));
    }
}
