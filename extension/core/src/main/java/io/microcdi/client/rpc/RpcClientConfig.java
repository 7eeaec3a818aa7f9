package io.microcdi.client.rpc;

import io.microcdi.client.CallOptions;
import io.microcdi.config.MicroConfig;
import io.microcdi.selector.SelectOptions;

import java.time.Duration;
import java.util.Map;

/**
 * The settings of {@link RpcClient}, read once from {@code micro.client.*}; the settings of one service's calls, read
 * once per service from {@code micro.client.<service>.*} on top of them (every such key in the configuration is
 * checked when the client is made: {@link ServiceKeys#check}).
 *
 * <pre>{@code
 * RpcClientConfig.from(MicroConfig.of(Map.of("micro.client.request-timeout", "500ms")))
 * }</pre>
 *
 * @param requestTimeout the default budget of a call, retries included
 * @param retries        the default number of extra attempts after a retryable failure
 * @param attemptTimeout the default limit of one attempt ({@link Duration#ZERO}: none)
 * @param backoffBase    the back-off before the first retry is drawn from [0, base]; it doubles per retry
 * @param backoffMax     the cap of the back-off range
 * @param contentType    the content type typed clients encode with
 */
public record RpcClientConfig(Duration requestTimeout, int retries, Duration attemptTimeout, Duration backoffBase,
                              Duration backoffMax, String contentType) {

    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(5);
    public static final int DEFAULT_RETRIES = 1;
    public static final Duration DEFAULT_BACKOFF_BASE = Duration.ofMillis(10);
    public static final Duration DEFAULT_BACKOFF_MAX = Duration.ofSeconds(1);
    public static final String DEFAULT_CONTENT_TYPE = "application/json";

    public static final String REQUEST_TIMEOUT = "micro.client.request-timeout";
    public static final String RETRIES = "micro.client.retries";
    public static final String ATTEMPT_TIMEOUT = "micro.client.attempt-timeout";
    public static final String BACKOFF_BASE = "micro.client.backoff.base";
    public static final String BACKOFF_MAX = "micro.client.backoff.max";
    public static final String CONTENT_TYPE = "micro.client.content-type";

    /** Reads {@code micro.client.request-timeout}, {@code .retries}, {@code .attempt-timeout}, {@code .backoff.*}, {@code .content-type}. */
    public static RpcClientConfig from(MicroConfig c) {
        Duration base = c.duration(BACKOFF_BASE, DEFAULT_BACKOFF_BASE);
        Duration max = c.duration(BACKOFF_MAX, DEFAULT_BACKOFF_MAX);
        if (max.compareTo(base) < 0) {
            // blame the key that was set
            throw c.get(BACKOFF_MAX).isPresent()
                    ? MicroConfig.invalid(BACKOFF_MAX, c.get(BACKOFF_MAX, ""),
                            "a duration >= " + BACKOFF_BASE + " (" + c.get(BACKOFF_BASE,
                                    DEFAULT_BACKOFF_BASE.toMillis() + "ms") + ")")
                    : MicroConfig.invalid(BACKOFF_BASE, c.get(BACKOFF_BASE, ""),
                            "a duration <= " + BACKOFF_MAX + " (" + DEFAULT_BACKOFF_MAX.toMillis() + "ms)");
        }
        return new RpcClientConfig(
                positive(c, REQUEST_TIMEOUT, DEFAULT_REQUEST_TIMEOUT),
                c.integer(RETRIES, DEFAULT_RETRIES, 0, 100),
                optional(c, ATTEMPT_TIMEOUT, Duration.ZERO),
                base,
                max,
                c.get(CONTENT_TYPE, DEFAULT_CONTENT_TYPE));
    }

    /** The call options these settings give. */
    public CallOptions callOptions() {
        return new CallOptions(requestTimeout, retries, attemptTimeout, SelectOptions.none());
    }

    /**
     * The settings of calls to {@code service}: {@code micro.client.<service>.request-timeout}, {@code .retries},
     * {@code .attempt-timeout}, {@code .version}, {@code .labels} ({@code k=v,k2=v2}) and {@code .endpoint-filter}
     * ({@code true}: only nodes advertising the endpoint called) override the client's.
     */
    public ServiceSettings forService(MicroConfig c, String service) {
        if (c == null) {
            return new ServiceSettings(callOptions(), false);
        }
        SelectOptions select = SelectOptions.none();
        String version = c.get(ServiceKeys.key(ServiceKeys.VERSION, service), "");
        if (!version.isBlank()) {
            select = select.withVersion(version.trim());
        }
        for (Map.Entry<String, String> label : c.pairs(ServiceKeys.key(ServiceKeys.LABELS, service)).entrySet()) {
            select = select.withLabel(label.getKey(), label.getValue());
        }
        CallOptions o = new CallOptions(
                positive(c, ServiceKeys.key(ServiceKeys.REQUEST_TIMEOUT, service), requestTimeout),
                c.integer(ServiceKeys.key(ServiceKeys.RETRIES, service), retries, 0, 100),
                optional(c, ServiceKeys.key(ServiceKeys.ATTEMPT_TIMEOUT, service), attemptTimeout),
                select);
        return new ServiceSettings(o, c.bool(ServiceKeys.key(ServiceKeys.ENDPOINT_FILTER, service), false));
    }

    /**
     * The key that sets the content type of typed calls to {@code service} when their interface and method do not
     * ({@code @ContentType}): {@code micro.client.<service>.content-type}; unset, {@code micro.client.content-type}.
     */
    public static String contentTypeKey(MicroConfig c, String service) {
        String own = ServiceKeys.key(ServiceKeys.CONTENT_TYPE, service);
        return c.get(own, "").isBlank() ? CONTENT_TYPE : own;
    }

    /**
     * What {@code micro.client.<service>.*} says.
     *
     * @param options        the default options of calls to the service
     * @param endpointFilter whether calls go only to nodes that advertise the endpoint called
     */
    public record ServiceSettings(CallOptions options, boolean endpointFilter) {
    }

    private static Duration positive(MicroConfig c, String key, Duration fallback) {
        Duration d = c.duration(key, fallback);
        if (d.isZero() || d.isNegative()) {
            throw MicroConfig.invalid(key, c.get(key, ""), "a duration > 0, for example 5s");
        }
        return d;
    }

    /** A duration where {@code 0} means "none", whatever the fallback. */
    private static Duration optional(MicroConfig c, String key, Duration fallback) {
        return c.get(key).isPresent() ? c.duration(key, Duration.ZERO) : fallback;
    }
}
