package io.microcdi.gateway;

import jakarta.ws.rs.core.Response;
import java.util.List;

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

    /** {@code r} with the CORS headers {@code origin} is allowed. */
    Response decorate(Response r, String origin) {
        if (!allows(origin)) {
            return r;
        }
        return Response.fromResponse(r).header("Access-Control-Allow-Origin", any ? "*" : origin)
                .header("Vary", "Origin").build();
    }

    /** The answer to a preflight ({@code OPTIONS} with {@code Origin} and {@code Access-Control-Request-Method}). */
    Response preflight(String origin, String method) {
        Response.ResponseBuilder b = Response.noContent().header("Allow", METHODS);
        if (allows(origin) && method != null) {
            b.header("Access-Control-Allow-Origin", any ? "*" : origin).header("Vary", "Origin")
                    .header("Access-Control-Allow-Methods", METHODS)
                    .header("Access-Control-Allow-Headers", headers)
                    .header("Access-Control-Max-Age", maxAge);
        }
        return b.build();
    }
}
