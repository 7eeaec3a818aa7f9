package io.microcdi.transport;

import io.microcdi.config.MicroConfig;

/**
 * Makes a {@link Transport}; the one whose {@link #name()} equals {@code micro.transport} is used.
 *
 * <pre>{@code
 * public String name() { return "http"; }
 * public Transport create(MicroConfig config) { return new HttpTransport(HttpTransportConfig.from(config)); }
 * }</pre>
 */
public interface TransportProvider {

    /** The plugin name, lower case. */
    String name();

    /** A new transport configured from {@code micro.transport.*}. */
    Transport create(MicroConfig config);
}
