package io.microcdi.server.grpc;

import io.microcdi.config.MicroConfig;
import io.microcdi.internal.config.Addresses;
import io.microcdi.server.rpc.RpcServerConfig;

/**
 * The settings of {@link GrpcServer}: those of every server ({@code micro.server.*}, {@code micro.register.*}) and
 * its own, {@code micro.server.grpc.*}.
 *
 * <pre>{@code
 * GrpcServerConfig cfg = GrpcServerConfig.from(MicroConfig.of(Map.of("micro.server.grpc.mucp", "true")));
 * }</pre>
 *
 * @param server         the common settings; {@code server.address()} is where gRPC listens, unless mucp is served
 *                       too
 * @param mucp           also serve mucp ({@code micro.server.grpc.mucp}): on {@code server.address()} through the
 *                       configured transport, gRPC then listening on {@code grpcAddress}
 * @param grpcAddress    where gRPC listens when mucp is served too ({@code micro.server.grpc.address})
 * @param maxMessageSize the largest message received, in bytes ({@code micro.server.grpc.max-message-size})
 * @param health         serve {@code grpc.health.v1.Health} ({@code micro.server.grpc.health})
 * @param reflection     serve server reflection, v1 and v1alpha ({@code micro.server.grpc.reflection})
 */
public record GrpcServerConfig(RpcServerConfig server, boolean mucp, String grpcAddress, int maxMessageSize,
                               boolean health, boolean reflection) {

    public static final String MUCP = "micro.server.grpc.mucp";
    public static final String ADDRESS = "micro.server.grpc.address";
    public static final String MAX_MESSAGE_SIZE = "micro.server.grpc.max-message-size";
    public static final String HEALTH = "micro.server.grpc.health";
    public static final String REFLECTION = "micro.server.grpc.reflection";
    /** Go Micro's gRPC server default: 4 MiB. */
    public static final int DEFAULT_MAX_MESSAGE_SIZE = 4 * 1024 * 1024;
    public static final String DEFAULT_ADDRESS = "127.0.0.1:0";

    /** Reads {@code micro.server.*}, {@code micro.register.*} and {@code micro.server.grpc.*}. */
    public static GrpcServerConfig from(MicroConfig c) {
        return new GrpcServerConfig(
                RpcServerConfig.from(c),
                c.bool(MUCP, false),
                Addresses.hostPort(c, ADDRESS, DEFAULT_ADDRESS),
                (int) Math.min(Integer.MAX_VALUE, c.size(MAX_MESSAGE_SIZE, DEFAULT_MAX_MESSAGE_SIZE)),
                c.bool(HEALTH, true),
                c.bool(REFLECTION, true));
    }

    /** Where gRPC listens. */
    public String listenAddress() {
        return mucp ? grpcAddress : server.address();
    }
}
