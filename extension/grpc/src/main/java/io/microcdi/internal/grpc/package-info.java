/**
 * What MicroCDI's gRPC server and client share: the error mapping, the message forms and the synthesized
 * descriptors. Internal: may change at any time.
 *
 * <p>Nothing in this package accepts or returns {@code null} unless its Javadoc says so.
 */
package io.microcdi.internal.grpc;
