package io.microcdi.transport.memory;

import io.microcdi.config.MicroConfig;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the {@code memory} transport, bound once: it has no keys of its own, and honours the one every
 * transport does, {@code micro.transport.stream-idle-timeout}.
 *
 * <pre>{@code
 * MemoryTransportConfig c = MemoryTransportConfig.from(MicroConfig.of(Map.of("micro.transport.stream-idle-timeout", "0")));
 * Transport t = new MemoryTransport(c.streamIdleTimeout());   // streams never idle out
 * }</pre>
 *
 * @param streamIdleTimeout how long a stream may go without a message either way before both ends fail it;
 *                          {@link Duration#ZERO} for no limit
 */
public record MemoryTransportConfig(Duration streamIdleTimeout) {

    public MemoryTransportConfig {
        Objects.requireNonNull(streamIdleTimeout, "streamIdleTimeout");
        if (streamIdleTimeout.isNegative()) {
            throw new IllegalArgumentException("streamIdleTimeout: " + streamIdleTimeout + " (expected: >= 0)");
        }
    }

    /** The defaults: streams idle out after {@link MemoryTransport#DEFAULT_STREAM_IDLE_TIMEOUT}. */
    public static MemoryTransportConfig defaults() {
        return new MemoryTransportConfig(MemoryTransport.DEFAULT_STREAM_IDLE_TIMEOUT);
    }

    /** Reads {@code micro.transport.stream-idle-timeout} ({@code 0}: no limit); a bad value fails naming it. */
    public static MemoryTransportConfig from(MicroConfig config) {
        String key = MemoryTransport.STREAM_IDLE_TIMEOUT;
        // 0 means no idle timeout, which config.duration allows only with a zero fallback
        return new MemoryTransportConfig(config.get(key).isEmpty() ? MemoryTransport.DEFAULT_STREAM_IDLE_TIMEOUT
                : config.duration(key, Duration.ZERO));
    }
}
