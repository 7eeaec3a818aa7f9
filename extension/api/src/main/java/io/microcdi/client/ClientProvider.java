package io.microcdi.client;

import io.microcdi.codec.Codecs;
import io.microcdi.config.MicroConfig;
import io.microcdi.selector.Selector;
import io.microcdi.transport.Transport;

/**
 * Makes a {@link Client}; the one whose {@link #name()} equals {@code micro.client} is used.
 *
 * <pre>{@code
 * public String name() { return "rpc"; }
 * }</pre>
 */
public interface ClientProvider {

    /** The plugin name, lower case. */
    String name();

    /** A new client calling through {@code selector} and {@code transport}. */
    Client create(MicroConfig config, Selector selector, Transport transport, Codecs codecs);

    /**
     * A new client that asks {@code retryPolicy} whether a failed attempt is tried again; clients without retries
     * keep the default, which ignores it.
     */
    default Client create(MicroConfig config, Selector selector, Transport transport, Codecs codecs,
                          RetryPolicy retryPolicy) {
        return create(config, selector, transport, codecs);
    }
}
