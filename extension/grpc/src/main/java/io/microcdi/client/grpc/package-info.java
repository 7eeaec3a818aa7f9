/**
 * The rpc client's gRPC protocol: calls to nodes that speak gRPC (MicroCDI's {@code micro.server=grpc}, Go Micro's
 * gRPC server, any gRPC server registered with {@code protocol=grpc}) travel over gRPC.
 *
 * <p>Nothing in this package accepts or returns {@code null} unless its Javadoc says so.
 */
package io.microcdi.client.grpc;
