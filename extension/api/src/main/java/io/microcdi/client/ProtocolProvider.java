package io.microcdi.client;

import io.microcdi.config.MicroConfig;
import io.microcdi.registry.Node;
import io.microcdi.transport.Transport;

/**
 * Lets the rpc client call nodes that speak another wire protocol than mucp, gRPC say: found by
 * {@link java.util.ServiceLoader}, used for the nodes whose registry metadata says they speak it, and for nodes that
 * speak both when {@code micro.client.protocol} (or {@code micro.client.<service>.protocol}) names it.
 *
 * <pre>{@code
 * public String name() { return "grpc"; }
 * public String address(Node node) { return node.metadata().get("grpc-address"); }
 * public Transport create(MicroConfig config) { return new GrpcClientTransport(); }
 * }</pre>
 *
 * <p>The transport it makes carries the client's attempts as the mucp transport does ({@link Transport#send}: the
 * same message headers in, the same answer or failure out), so the selector, retries, deadlines and call wrappers
 * apply unchanged; it never listens. When it is a {@link io.microcdi.transport.StreamingTransport} too, streams to
 * the nodes that speak the protocol go over it ({@code stream(address, open, timeout)}, the address being
 * {@link #address(Node)}'s); otherwise a stream to such a node fails with a 501.
 */
public interface ProtocolProvider {

    /** The protocol's name as nodes advertise it in their {@code protocol} metadata, lower case. */
    String name();

    /** Where {@code node} answers this protocol, or {@code null} when it does not speak it. */
    String address(Node node);

    /** The client side of the protocol, made once per client and closed with it. */
    Transport create(MicroConfig config);
}
