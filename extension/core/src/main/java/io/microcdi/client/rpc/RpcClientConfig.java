package io.microcdi.client.rpc;

import io.microcdi.client.CallOptions;
import io.microcdi.config.MicroConfig;

import java.time.Duration;

/**
 * The settings of {@link RpcClient}, read once from {@code micro.client.*}.
 *
 * <pre>{@code
 * RpcClientConfig.from(DefaultMicroConfig.of(Map.of("micro.client.request-timeout", "500ms")))
 * }</pre>
 *
 * @param requestTimeout the default budget of a call, retries included
 * @param retries        the default number of extra attempts after a connection failure
 * @param contentType    the content type typed clients encode with
 */
public record RpcClientConfig(Duration requestTimeout, int retries, String contentType) {

    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(5);
    public static final int DEFAULT_RETRIES = 1;
    public static final String DEFAULT_CONTENT_TYPE = "application/json";

    /** Reads {@code micro.client.request-timeout}, {@code micro.client.retries}, {@code micro.client.content-type}. */
    public static RpcClientConfig from(MicroConfig c) {
        return new RpcClientConfig(
                c.duration("micro.client.request-timeout", DEFAULT_REQUEST_TIMEOUT),
                c.integer("micro.client.retries", DEFAULT_RETRIES, 0, 100),
                c.get("micro.client.content-type", DEFAULT_CONTENT_TYPE));
    }

    /** The call options these settings give. */
    public CallOptions callOptions() {
        return new CallOptions(requestTimeout, retries);
    }
}
