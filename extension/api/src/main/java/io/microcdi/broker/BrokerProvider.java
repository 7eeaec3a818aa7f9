package io.microcdi.broker;

import io.microcdi.config.MicroConfig;
import io.microcdi.registry.Registry;
import io.microcdi.transport.Transport;

/**
 * Makes a {@link Broker}; the one whose {@link #name()} equals {@code micro.broker} is used.
 *
 * <pre>{@code
 * public String name() { return "nats"; }
 * public Broker create(MicroConfig config, Registry registry, Transport transport) {
 *     return new NatsBroker(NatsBrokerConfig.from(config));
 * }
 * }</pre>
 */
public interface BrokerProvider {

    /** The plugin name, lower case. */
    String name();

    /**
     * A new broker; the HTTP broker registers its subscriptions in {@code registry} and delivers over
     * {@code transport}. Brokers with a server of their own (NATS, Kafka) ignore both.
     */
    Broker create(MicroConfig config, Registry registry, Transport transport);
}
