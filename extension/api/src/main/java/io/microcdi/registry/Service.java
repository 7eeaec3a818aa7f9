package io.microcdi.registry;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A service as the registry records it; the JSON form uses Go Micro's field names.
 *
 * <pre>{@code
 * new Service("greeter", "1.0.0", Map.of(), List.of(new Endpoint("Greeter.Hello", req, rsp, Map.of())), List.of(node));
 * }</pre>
 *
 * @param name      the service name, for example {@code greeter}
 * @param version   the version these nodes run
 * @param metadata  service-level metadata
 * @param endpoints the endpoints the nodes serve
 * @param nodes     the nodes (instances) of this version
 */
public record Service(String name, String version, Map<String, String> metadata, List<Endpoint> endpoints,
                      List<Node> nodes) {

    public Service {
        Objects.requireNonNull(name, "name");
        version = version == null ? "" : version;
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
        endpoints = endpoints == null ? List.of() : List.copyOf(endpoints);
        nodes = nodes == null ? List.of() : List.copyOf(nodes);
    }

    /** The same service with other nodes. */
    public Service withNodes(List<Node> newNodes) {
        return new Service(name, version, metadata, endpoints, newNodes);
    }
}
