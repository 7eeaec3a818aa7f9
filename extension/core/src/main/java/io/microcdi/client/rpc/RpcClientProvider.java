package io.microcdi.client.rpc;

import io.microcdi.client.Client;
import io.microcdi.client.ClientProvider;
import io.microcdi.client.RetryPolicy;
import io.microcdi.codec.Codecs;
import io.microcdi.config.MicroConfig;
import io.microcdi.selector.Selector;
import io.microcdi.transport.Transport;

/**
 * Provides {@link RpcClient} under the name {@code rpc} (the default {@code micro.client}).
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
            throw MicroConfig.invalid("micro.client.content-type", cfg.contentType(),
                    "one of " + String.join(", ", codecs.contentTypes()));
        }
        return new RpcClient(cfg, config, selector, transport, retryPolicy, codecs);
    }
}
