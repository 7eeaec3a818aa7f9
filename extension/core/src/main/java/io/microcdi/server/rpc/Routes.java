package io.microcdi.server.rpc;

import io.microcdi.codec.Codec;
import io.microcdi.codec.Codecs;
import io.microcdi.server.EndpointDefinition;
import io.microcdi.server.ServiceDefinition;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The routing table, built once at start: endpoints by name; when two services share an endpoint name,
 * {@code Micro-Service} decides. The server's own {@link Debug} endpoints are found under any service name, unless a
 * service serves one of their names itself; they are left out of {@link #names()}, as they are out of the registry.
 *
 * <pre>{@code
 * Routes routes = Routes.build(services, codecs, new Debug(server::stats));   // null: no Debug endpoints
 * Route hello = routes.find("greeter", "Greeter.Hello");   // null: unknown, answered 404
 * }</pre>
 */
final class Routes {
    private final Map<String, Route> byEndpoint;
    private final Map<String, Map<String, Route>> byServiceAndEndpoint;
    private final String names;

    private Routes(Map<String, Route> byEndpoint, Map<String, Map<String, Route>> byServiceAndEndpoint,
                   String names) {
        this.byEndpoint = byEndpoint;
        this.byServiceAndEndpoint = byServiceAndEndpoint;
        this.names = names;
    }

    static Routes build(List<ServiceDefinition> services, Codecs codecs, Debug debug) {
        Map<String, Route> byEndpoint = new HashMap<>();
        Map<String, Map<String, Route>> both = new HashMap<>();
        List<String> names = new ArrayList<>();
        List<Codec> all = codecs.contentTypes().stream().map(codecs::get).toList();
        for (ServiceDefinition s : services) {
            for (EndpointDefinition e : s.endpoints()) {
                Route r = new Route(s.name(), e, all);
                both.computeIfAbsent(s.name(), k -> new HashMap<>()).put(e.name(), r);
                Route clash = byEndpoint.putIfAbsent(e.name(), r);
                if (clash != null) {
                    byEndpoint.put(e.name(), null);
                }
                names.add(e.name());
            }
        }
        byEndpoint.values().removeIf(Objects::isNull);
        if (debug != null) {
            for (Route r : debug.routes(all)) {
                if (!names.contains(r.endpoint)) {
                    byEndpoint.put(r.endpoint, r);
                }
            }
        }
        Map<String, Map<String, Route>> frozen = new HashMap<>();
        both.forEach((service, routes) -> frozen.put(service, Map.copyOf(routes)));
        return new Routes(Map.copyOf(byEndpoint), Map.copyOf(frozen), String.join(", ", names));
    }

    Route find(String service, String endpoint) {
        if (service != null) {
            Map<String, Route> ofService = byServiceAndEndpoint.get(service);
            Route r = ofService == null ? null : ofService.get(endpoint);
            if (r != null) {
                return r;
            }
        }
        // Go Micro ignores Micro-Service when routing; so do we when the endpoint name is unambiguous.
        return byEndpoint.get(endpoint);
    }

    String names() {
        return names;
    }
}
