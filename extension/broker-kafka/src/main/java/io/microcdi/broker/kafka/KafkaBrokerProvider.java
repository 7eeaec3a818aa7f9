package io.microcdi.broker.kafka;

import io.microcdi.broker.Broker;
import io.microcdi.broker.BrokerProvider;
import io.microcdi.config.MicroConfig;
import io.microcdi.registry.Registry;
import io.microcdi.transport.Transport;

/**
 * Makes the {@code kafka} broker from {@code micro.broker.kafka.*} and {@code micro.broker.*}; it needs neither the
 * registry nor the transport.
 *
 * <pre>{@code
 * micro.broker=kafka
 * micro.broker.kafka.bootstrap-servers=127.0.0.1:9092
 * }</pre>
 */
public final class KafkaBrokerProvider implements BrokerProvider {

    @Override
    public String name() {
        return KafkaBroker.NAME;
    }

    @Override
    public Broker create(MicroConfig config, Registry registry, Transport transport) {
        return KafkaBroker.from(config);
    }
}
