package io.microcdi.client.grpc;

import io.microcdi.client.ProtocolProvider;
import io.microcdi.config.MicroConfig;
import io.microcdi.registry.Node;
import io.microcdi.transport.Transport;

/**
 * The rpc client's gRPC protocol, {@code grpc}: a node speaks it when its metadata says {@code protocol=grpc} (or
 * {@code server=grpc}, as Go Micro's gRPC nodes), at its address; or when it has a {@code grpc-address}, at that one
 * (a {@code micro.server.grpc.mucp=true} node, called over gRPC when {@code micro.client.protocol=grpc}).
 *
 * <pre>{@code
 * micro.client.protocol=grpc          # nodes that speak mucp and gRPC are called over gRPC
 * micro.client.billing.protocol=mucp  # but billing's over mucp
 * }</pre>
 */
public final class GrpcProtocolProvider implements ProtocolProvider {

    @Override
    public String name() {
        return "grpc";
    }

    @Override
    public String address(Node node) {
        String own = node.metadata().get("protocol");
        if ("grpc".equals(own) || (own == null && "grpc".equals(node.metadata().get("server")))) {
            return node.address();
        }
        return node.metadata().get("grpc-address");
    }

    @Override
    public Transport create(MicroConfig config) {
        return new OnFirstCall(); // grpc-java is loaded by the first call to a gRPC node, not by every start
    }
}
