package io.microcdi.transport.memory;

import io.microcdi.config.MicroConfig;
import io.microcdi.transport.Transport;
import io.microcdi.transport.TransportProvider;

/**
 * Provides the in-process {@code memory} transport ({@code micro.transport=memory}) from its
 * {@link MemoryTransportConfig}: streams idle out after {@code micro.transport.stream-idle-timeout} ({@code 0} = never).
 *
 * <pre>{@code
 * Transport t = new MemoryTransportProvider().create(config);
 * }</pre>
 */
public final class MemoryTransportProvider implements TransportProvider {

    @Override
    public String name() {
        return MemoryTransport.NAME;
    }

    @Override
    public Transport create(MicroConfig config) {
        return new MemoryTransport(MemoryTransportConfig.from(config).streamIdleTimeout());
    }
}
