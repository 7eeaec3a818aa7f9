package io.microcdi.server.rpc;

import io.microcdi.codec.Codecs;
import io.microcdi.config.MicroConfig;
import io.microcdi.registry.Registry;
import io.microcdi.server.Server;
import io.microcdi.server.ServerProvider;
import io.microcdi.transport.Transport;

/**
 * Provides {@link RpcServer} under the name {@code rpc} (the default {@code micro.server}).
 *
 * <pre>{@code
 * micro.server=rpc
 * }</pre>
 */
public final class RpcServerProvider implements ServerProvider {

    @Override
    public String name() {
        return "rpc";
    }

    @Override
    public Server create(MicroConfig config, Registry registry, Transport transport, Codecs codecs) {
        return new RpcServer(RpcServerConfig.from(config), registry, transport, codecs);
    }
}
