/**
 * The gRPC server ({@code micro.server=grpc}): the same services as the rpc server, over gRPC, with the standard
 * health service and server reflection.
 *
 * <p>Nothing in this package accepts or returns {@code null} unless its Javadoc says so.
 */
package io.microcdi.server.grpc;
