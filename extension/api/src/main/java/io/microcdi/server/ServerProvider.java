package io.microcdi.server;

import io.microcdi.codec.Codecs;
import io.microcdi.config.MicroConfig;
import io.microcdi.registry.Registry;
import io.microcdi.transport.Transport;

/**
 * Makes a {@link Server}; the one whose {@link #name()} equals {@code micro.server} is used.
 *
 * <pre>{@code
 * public String name() { return "rpc"; }
 * }</pre>
 */
public interface ServerProvider {

    /** The plugin name, lower case. */
    String name();

    /** A new server that listens through {@code transport} and registers in {@code registry}. */
    Server create(MicroConfig config, Registry registry, Transport transport, Codecs codecs);
}
