package io.microcdi.gateway;

import io.microcdi.config.MicroConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The gateway's settings, read once from {@code micro.gateway.*}; a bad value fails at start naming its key.
 *
 * <pre>{@code
 * GatewayConfig c = GatewayConfig.fromConfig(MicroConfig.of(Map.of("micro.gateway.namespace", "go.micro.api")));
 * }</pre>
 *
 * @param handler        how a request becomes a call: {@code rpc} (the body is the request) or {@code api} (the whole
 *                       HTTP request as Go Micro's {@code api.Request})
 * @param namespace      prefixed to resolved service names ({@code ""}: none)
 * @param resolve        whether paths the route table lacks are resolved by Go Micro's rules
 * @param routes         explicit routes, checked first
 * @param maxBodySize    the largest request body taken, in bytes (413 beyond)
 * @param maxTimeout     the longest deadline a caller may ask for with {@code Timeout}
 * @param rateLimit      calls per second the gateway lets through (0: no limit; 429 beyond)
 * @param rateBurst      calls that may come at once before the rate applies
 * @param maxConcurrent  calls in progress at once (0: no limit; 429 beyond)
 * @param corsOrigins    origins a browser may call from ({@code *}: any; empty: no CORS headers)
 * @param corsHeaders    request headers a cross-origin call may send
 * @param corsMaxAge     how long a browser may keep a preflight's answer
 * @param auth           whether calls (and the dashboard's data) need a bearer token of {@code micro.auth.tokens}
 * @param dashboard      whether the dashboard and its data are served under {@code /_micro}
 */
public record GatewayConfig(String handler, String namespace, boolean resolve, RouteTable routes, long maxBodySize,
                            Duration maxTimeout, int rateLimit, int rateBurst, int maxConcurrent,
                            List<String> corsOrigins, String corsHeaders, Duration corsMaxAge, boolean auth,
                            boolean dashboard) {

    public static final String HANDLER = "micro.gateway.handler";
    public static final String NAMESPACE = "micro.gateway.namespace";
    public static final String RESOLVER = "micro.gateway.resolver";
    public static final String MAX_BODY_SIZE = "micro.gateway.max-body-size";
    public static final String MAX_TIMEOUT = "micro.gateway.max-timeout";
    public static final String RATE_LIMIT = "micro.gateway.rate-limit";
    public static final String RATE_BURST = "micro.gateway.rate-burst";
    public static final String MAX_CONCURRENT = "micro.gateway.max-concurrent";
    public static final String CORS_ORIGINS = "micro.gateway.cors.allowed-origins";
    public static final String CORS_HEADERS = "micro.gateway.cors.allowed-headers";
    public static final String CORS_MAX_AGE = "micro.gateway.cors.max-age";
    public static final String AUTH = "micro.gateway.auth";
    public static final String DASHBOARD = "micro.gateway.dashboard";

    /** 1 MiB. */
    public static final long DEFAULT_MAX_BODY_SIZE = 1 << 20;
    public static final Duration DEFAULT_MAX_TIMEOUT = Duration.ofSeconds(60);
    public static final String DEFAULT_CORS_HEADERS = "Content-Type, Authorization, Timeout";
    public static final Duration DEFAULT_CORS_MAX_AGE = Duration.ofMinutes(10);

    public GatewayConfig {
        Objects.requireNonNull(handler, "handler");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(routes, "routes");
        Objects.requireNonNull(maxTimeout, "maxTimeout");
        Objects.requireNonNull(corsHeaders, "corsHeaders");
        Objects.requireNonNull(corsMaxAge, "corsMaxAge");
        corsOrigins = List.copyOf(corsOrigins);
    }

    /** Every setting at its default: the {@code rpc} handler, no namespace, no limit but the body size. */
    public static GatewayConfig defaults() {
        return fromConfig(MicroConfig.of(java.util.Map.of()));
    }

    /**
     * The settings of {@code micro.gateway.*}.
     *
     * @throws io.microcdi.config.ConfigException naming the key, its value and what is allowed
     */
    public static GatewayConfig fromConfig(MicroConfig c) {
        String handler = c.oneOf(HANDLER, "rpc", List.of("rpc", "api"));
        boolean resolve = c.oneOf(RESOLVER, "micro", List.of("micro", "none")).equals("micro");
        RouteTable routes = RouteTable.fromConfig(c);
        if (!resolve && routes.routes().isEmpty()) {
            throw MicroConfig.invalid(RESOLVER, "none", "micro, or none with routes in " + RouteTable.ROUTES);
        }
        int rate = c.integer(RATE_LIMIT, 0, 0, 10_000_000);
        int burst = c.integer(RATE_BURST, Math.max(rate, 1), 1, 10_000_000);
        List<String> origins = new ArrayList<>();
        for (String o : c.get(CORS_ORIGINS, "").split(",")) {
            if (!o.isBlank()) {
                origins.add(o.trim());
            }
        }
        return new GatewayConfig(handler, c.get(NAMESPACE, ""), resolve, routes,
                c.size(MAX_BODY_SIZE, DEFAULT_MAX_BODY_SIZE), c.duration(MAX_TIMEOUT, DEFAULT_MAX_TIMEOUT), rate,
                burst, c.integer(MAX_CONCURRENT, 0, 0, 1_000_000), origins,
                c.get(CORS_HEADERS, DEFAULT_CORS_HEADERS), c.duration(CORS_MAX_AGE, DEFAULT_CORS_MAX_AGE),
                c.bool(AUTH, false), c.bool(DASHBOARD, true));
    }
}
