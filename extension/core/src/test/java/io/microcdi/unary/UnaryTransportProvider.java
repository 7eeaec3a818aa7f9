package io.microcdi.unary;

import io.microcdi.config.MicroConfig;
import io.microcdi.transport.Transport;
import io.microcdi.transport.TransportProvider;

/**
 * Provides {@link UnaryTransport} under the name {@code unary} (a CDI bean in the tests that pick it).
 *
 * <pre>{@code
 * micro.transport=unary
 * }</pre>
 */
public class UnaryTransportProvider implements TransportProvider {

    @Override
    public String name() {
        return UnaryTransport.NAME;
    }

    @Override
    public Transport create(MicroConfig config) {
        return new UnaryTransport();
    }
}
