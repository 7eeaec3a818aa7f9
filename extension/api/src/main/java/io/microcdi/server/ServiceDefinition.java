package io.microcdi.server;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a server serves under one service name: a version, metadata and endpoints.
 *
 * <pre>{@code
 * new ServiceDefinition("greeter", "1.0.0", Map.of(), List.of(helloEndpoint))
 * }</pre>
 *
 * @param name      the service name
 * @param version   its version
 * @param metadata  service metadata
 * @param endpoints its endpoints
 */
public record ServiceDefinition(String name, String version, Map<String, String> metadata,
                                List<EndpointDefinition> endpoints) {

    public ServiceDefinition {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(version, "version");
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
        endpoints = List.copyOf(endpoints);
    }
}
