package io.microcdi.gateway;

import io.microcdi.config.MicroConfig;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Explicit routes, checked before the {@link Resolver}: a path (exact, once cleaned) to a service and endpoint.
 *
 * <pre>{@code
 * micro.gateway.routes=/hi=greeter:Greeter.Hello,/chat=greeter:Greeter.Chat
 * }</pre>
 */
public final class RouteTable {

    /** The routes, {@code path=service:Endpoint} pairs separated by commas. */
    public static final String ROUTES = "micro.gateway.routes";

    private static final RouteTable EMPTY = new RouteTable(Map.of());

    private final Map<String, Route> routes;

    private RouteTable(Map<String, Route> routes) {
        this.routes = routes;
    }

    /** No route. */
    public static RouteTable empty() {
        return EMPTY;
    }

    /**
     * The routes of {@code micro.gateway.routes}.
     *
     * @throws io.microcdi.config.ConfigException naming the key when a route is not {@code /path=service:Endpoint}
     */
    public static RouteTable fromConfig(MicroConfig config) {
        Map<String, Route> routes = new LinkedHashMap<>();
        String raw = config.get(ROUTES, "");
        for (Map.Entry<String, String> e : config.pairs(ROUTES).entrySet()) {
            String target = e.getValue();
            int colon = target.indexOf(':');
            if (!e.getKey().startsWith("/") || colon <= 0 || colon == target.length() - 1
                    || target.indexOf('.', colon) < 0) {
                throw MicroConfig.invalid(ROUTES, raw, "/path=service:Handler.Method pairs separated by commas, such "
                        + "as /hi=greeter:Greeter.Hello");
            }
            routes.put(clean(e.getKey()), new Route(target.substring(0, colon), target.substring(colon + 1)));
        }
        return routes.isEmpty() ? EMPTY : new RouteTable(Map.copyOf(routes));
    }

    /** The route of {@code path}, if the table has one. */
    public Optional<Route> find(String path) {
        return routes.isEmpty() ? Optional.empty() : Optional.ofNullable(routes.get(clean(path)));
    }

    /** The routes, by cleaned path. */
    public Map<String, Route> routes() {
        return routes;
    }

    private static String clean(String path) {
        return "/" + String.join("/", Resolver.segments(path));
    }
}
