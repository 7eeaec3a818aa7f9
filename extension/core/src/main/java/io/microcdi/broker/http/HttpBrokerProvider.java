package io.microcdi.broker.http;

import io.microcdi.broker.Broker;
import io.microcdi.broker.BrokerProvider;
import io.microcdi.config.MicroConfig;
import io.microcdi.registry.Registry;
import io.microcdi.transport.Transport;

/**
 * Makes the default broker, {@code http}: Go Micro's HTTP broker over the registry and transport in use.
 *
 * <pre>{@code
 * micro.broker=http                 # the default
 * micro.broker.http.address=:8081   # its own listener; 127.0.0.1:0 unless told
 * }</pre>
 */
public final class HttpBrokerProvider implements BrokerProvider {

    @Override
    public String name() {
        return HttpBroker.NAME;
    }

    @Override
    public Broker create(MicroConfig config, Registry registry, Transport transport) {
        return new HttpBroker(HttpBrokerConfig.from(config), registry, transport);
    }
}
