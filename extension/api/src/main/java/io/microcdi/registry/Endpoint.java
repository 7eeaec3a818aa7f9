package io.microcdi.registry;

import java.util.Map;
import java.util.Objects;

/**
 * An endpoint a service advertises, with the shape of its request and response.
 *
 * <pre>{@code
 * new Endpoint("Greeter.Hello", new Value("HelloRequest", "HelloRequest", List.of(new Value("name", "string", List.of()))), rsp, Map.of());
 * }</pre>
 *
 * @param name     {@code Handler.Method}
 * @param request  the request's shape, or {@code null} when the endpoint takes none
 * @param response the response's shape, or {@code null} when it returns none
 * @param metadata endpoint metadata, for example {@code stream=false}
 */
public record Endpoint(String name, Value request, Value response, Map<String, String> metadata) {

    public Endpoint {
        Objects.requireNonNull(name, "name");
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }
}
