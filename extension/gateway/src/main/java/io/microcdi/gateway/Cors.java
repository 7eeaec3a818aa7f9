package io.microcdi.gateway;

import java.util.List;
import java.util.Map;

/**
 * Cross-origin calls from browsers, as {@code micro.gateway.cors.*} allows them: the allowed origins get
 * {@code Access-Control-Allow-Origin} on answers and preflights; any other origin gets no CORS header, so its browser
 * keeps the answer from the page.
 *
 * <pre>{@code
 * micro.gateway.cors.allowed-origins=https://app.example.com    # or * for any origin
 * }</pre>
 */
final class Cors {

    private static final String METHODS = "GET, POST, PUT, PATCH, DELETE, OPTIONS";

    private final List<String> origins;
    private final boolean any;
    private final String headers;
    private final String maxAge;

    Cors(GatewayConfig config) {
        this.origins = config.corsOrigins();
        this.any = origins.contains("*");
        this.headers = config.corsHeaders();
        this.maxAge = Long.toString(config.corsMaxAge().toSeconds());
    }

    /** Whether a page of {@code origin} may read the gateway's answers. */
    boolean allows(String origin) {
        return origin != null && (any || origins.contains(origin));
    }

    /** The CORS headers an answer to {@code origin} carries: none for an origin not allowed. */
    Map<String, String> headers(String origin) {
        return allows(origin) ? Map.of("Access-Control-Allow-Origin", any ? "*" : origin, "Vary", "Origin") : Map.of();
    }

    /** The answer to a preflight ({@code OPTIONS} with {@code Origin} and {@code Access-Control-Request-Method}). */
    Reply preflight(String origin, String method) {
        Map<String, String> h = allows(origin) && method != null
                ? Map.of("Allow", METHODS, "Access-Control-Allow-Origin", any ? "*" : origin, "Vary", "Origin",
                        "Access-Control-Allow-Methods", METHODS, "Access-Control-Allow-Headers", headers,
                        "Access-Control-Max-Age", maxAge)
                : Map.of("Allow", METHODS);
        return new Reply(204, "", h, new byte[0]);
    }
}
