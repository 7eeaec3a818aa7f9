package io.microcdi.client.rpc;

import io.microcdi.client.Client;
import io.microcdi.client.ClientProvider;
import io.microcdi.client.RetryPolicy;
import io.microcdi.codec.Codecs;
import io.microcdi.config.MicroConfig;
import io.microcdi.selector.Selector;
import io.microcdi.transport.Transport;

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

    @Override
    public Client create(MicroConfig config, Selector selector, Transport transport, Codecs codecs) {
        return create(config, selector, transport, codecs, RetryPolicy.defaults());
    }

    @Override
    public Client create(MicroConfig config, Selector selector, Transport transport, Codecs codecs,
                         RetryPolicy retryPolicy) {
        RpcClientConfig cfg = RpcClientConfig.from(config);
        if (codecs.get(cfg.contentType()) == null) {
            throw MicroConfig.invalid(RpcClientConfig.CONTENT_TYPE, cfg.contentType(),
                    "one of " + String.join(", ", codecs.contentTypes()));
        }
        // every micro.client.<service>.* key set now, not at the first call to that service
        ServiceKeys.check(config, cfg, codecs, List.of());
        return new RpcClient(cfg, config, selector, transport, retryPolicy, codecs);
    }
}
