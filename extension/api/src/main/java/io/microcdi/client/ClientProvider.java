package io.microcdi.client;

import io.microcdi.codec.Codecs;
import io.microcdi.config.MicroConfig;
import io.microcdi.selector.Selector;
import io.microcdi.transport.Transport;

import java.util.Objects;

/**
 * Makes a {@link Client}; the one whose {@link #name()} equals {@code micro.client} is used.
 *
 * <pre>{@code
 * public String name() { return "rpc"; }
 * public Client create(ClientProvider.Parts parts) {
 *     return new MyClient(MyClientConfig.from(parts.config()), parts.selector(), parts.transport(), parts.retryPolicy());
 * }
 * }</pre>
 */
public interface ClientProvider {

    /** The plugin name, lower case. */
    String name();

    /**
     * A new client calling through {@code parts.selector()} and {@code parts.transport()}, asking
     * {@code parts.retryPolicy()} whether a failed attempt is tried again. Return a {@link StreamingClient} when the
     * client can open streams over {@code parts.transport()}.
     */
    Client create(Parts parts);

    /**
     * What a client is made of: its configuration and the plugins it calls through, chosen and built by the
     * framework.
     *
     * <pre>{@code
     * provider.create(new ClientProvider.Parts(config, selector, transport, codecs, RetryPolicy.defaults()))
     * }</pre>
     *
     * @param config      the whole configuration ({@code micro.client.*}, {@code micro.client.<service>.*})
     * @param selector    picks the node of each attempt
     * @param transport   carries the attempts
     * @param codecs      the codecs by content type
     * @param retryPolicy decides whether a failed attempt is tried again (an application's bean, or
     *                    {@link RetryPolicy#defaults()})
     */
    record Parts(MicroConfig config, Selector selector, Transport transport, Codecs codecs,
                 RetryPolicy retryPolicy) {

        public Parts {
            Objects.requireNonNull(config, "config");
            Objects.requireNonNull(selector, "selector");
            Objects.requireNonNull(transport, "transport");
            Objects.requireNonNull(codecs, "codecs");
            Objects.requireNonNull(retryPolicy, "retryPolicy");
        }
    }
}
