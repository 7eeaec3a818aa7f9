package io.microcdi.gateway;

import java.util.Objects;

/**
 * Where a request goes: a service and one of its endpoints.
 *
 * <pre>{@code
 * new Route("greeter", "Greeter.Hello")   // POST /greeter/hello
 * }</pre>
 *
 * @param service  the service name, namespace included
 * @param endpoint {@code Handler.Method}
 */
public record Route(String service, String endpoint) {

    public Route {
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(endpoint, "endpoint");
    }
}
