package io.microcdi.broker.nats;

import io.microcdi.broker.Broker;
import io.microcdi.broker.BrokerProvider;
import io.microcdi.config.MicroConfig;
import io.microcdi.registry.Registry;
import io.microcdi.transport.Transport;

/**
 * Makes the {@code nats} broker from {@code micro.broker.nats.*} and {@code micro.broker.*}; it needs neither the
 * registry nor the transport.
 *
 * <pre>{@code
 * micro.broker=nats
 * micro.broker.nats.servers=nats://127.0.0.1:4222
 * }</pre>
 */
public final class NatsBrokerProvider implements BrokerProvider {

    @Override
    public String name() {
        return NatsBroker.NAME;
    }

    @Override
    public Broker create(MicroConfig config, Registry registry, Transport transport) {
        return new NatsBroker(NatsBrokerConfig.from(config));
    }
}
