package io.microcdi.transport.memory;

import io.microcdi.config.MicroConfig;
import io.microcdi.transport.Transport;
import io.microcdi.transport.TransportProvider;

import java.time.Duration;

/**
 * Provides the in-process {@code memory} transport ({@code micro.transport=memory}), its streams idling out after
 * {@code micro.transport.stream-idle-timeout} ({@code 0} = never).
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
        // 0 means no idle timeout, which config.duration allows only with a zero fallback
        Duration idle = config.get(MemoryTransport.STREAM_IDLE_TIMEOUT).isEmpty()
                ? MemoryTransport.DEFAULT_STREAM_IDLE_TIMEOUT
                : config.duration(MemoryTransport.STREAM_IDLE_TIMEOUT, Duration.ZERO);
        return new MemoryTransport(idle);
    }
}
