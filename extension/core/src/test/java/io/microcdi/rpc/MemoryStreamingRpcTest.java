package io.microcdi.rpc;

import io.microcdi.config.MicroConfig;
import io.microcdi.transport.StreamingTransport;
import io.microcdi.transport.memory.MemoryTransport;

/** {@link StreamingRpcContract} over the in-memory transport: the same behaviour without sockets. */
class MemoryStreamingRpcTest extends StreamingRpcContract {

    @Override
    protected StreamingTransport transport(MicroConfig config) {
        return new MemoryTransport(config.duration("micro.transport.stream-idle-timeout",
                java.time.Duration.ofMinutes(5)));
    }
}
