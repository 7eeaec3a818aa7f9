package io.microcdi.server;

import java.lang.reflect.Type;
import java.util.Map;
import java.util.Objects;

/**
 * One endpoint: its name, its request and response types and the code that answers it.
 *
 * <pre>{@code
 * new EndpointDefinition("Greeter.Hello", HelloRequest.class, HelloReply.class,
 *         req -> greeter.hello((HelloRequest) req), Map.of())
 * }</pre>
 *
 * @param name         {@code Handler.Method}
 * @param requestType  the decoded request type, or {@code null} when the endpoint takes no request
 * @param responseType the response type ({@code void.class} for none); for an async endpoint, the completed value's
 * @param invoker      answers a decoded request
 * @param metadata     endpoint metadata advertised in the registry
 */
public record EndpointDefinition(String name, Type requestType, Type responseType, EndpointInvoker invoker,
                                 Map<String, String> metadata) {

    public EndpointDefinition {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(responseType, "responseType");
        Objects.requireNonNull(invoker, "invoker");
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }
}
