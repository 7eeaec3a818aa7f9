package io.microcdi.server.grpc;

import io.microcdi.codec.Codecs;
import io.microcdi.config.MicroConfig;
import io.microcdi.registry.Registry;
import io.microcdi.server.Server;
import io.microcdi.server.ServerProvider;
import io.microcdi.transport.Transport;

/**
 * Provides {@link GrpcServer} under the name {@code grpc}.
 *
 * <pre>{@code
 * micro.server=grpc
 * micro.server.grpc.mucp=true        # and mucp on micro.server.address, gRPC on micro.server.grpc.address
 * }</pre>
 */
public final class GrpcServerProvider implements ServerProvider {

    @Override
    public String name() {
        return "grpc";
    }

    @Override
    public Server create(MicroConfig config, Registry registry, Transport transport, Codecs codecs) {
        return new GrpcServer(GrpcServerConfig.from(config), registry, transport, codecs);
    }
}
