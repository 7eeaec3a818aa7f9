package io.microcdi.client.rpc;

import io.microcdi.client.Client;
import io.microcdi.client.ClientProvider;
import io.microcdi.codec.Codecs;
import io.microcdi.config.MicroConfig;

import java.util.List;

/**
 * Provides {@link RpcClient} under the name {@code rpc} (the default {@code micro.client}), from {@link RpcClientConfig}
 * and every {@code micro.client.<service>.*} key the configuration holds ({@link ServiceKeys#check}).
 *
 * <pre>{@code
 * micro.client=rpc
 * }</pre>
 */
public final class RpcClientProvider implements ClientProvider {

    @Override
    public String name() {
        return "rpc";
    }

    /** An {@link RpcClient}: a {@link io.microcdi.client.StreamingClient}, whose streams need a streaming transport. */
    @Override
    public Client create(Parts parts) {
        MicroConfig config = parts.config();
        Codecs codecs = parts.codecs();
        RpcClientConfig cfg = RpcClientConfig.from(config);
        if (codecs.get(cfg.contentType()) == null) {
            throw MicroConfig.invalid(RpcClientConfig.CONTENT_TYPE, cfg.contentType(),
                    "one of " + String.join(", ", codecs.contentTypes()));
        }
        // every micro.client.<service>.* key set now, not at the first call to that service
        ServiceKeys.check(config, cfg, codecs, List.of());
        ClientProtocols protocols = ClientProtocols.load(config, loader());
        return new RpcClient(cfg, config, parts.selector(), parts.transport(), parts.retryPolicy(), codecs, protocols);
    }

    /** Where protocol plugins are looked for: the application's class loader, else this module's. */
    private static ClassLoader loader() {
        ClassLoader tccl = Thread.currentThread().getContextClassLoader();
        return tccl != null ? tccl : RpcClientProvider.class.getClassLoader();
    }
}
