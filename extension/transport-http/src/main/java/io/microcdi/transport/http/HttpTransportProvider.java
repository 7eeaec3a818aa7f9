package io.microcdi.transport.http;

import io.microcdi.config.MicroConfig;
import io.microcdi.transport.Transport;
import io.microcdi.transport.TransportProvider;

/**
 * Provides the default {@code http} transport ({@code micro.transport=http}).
 *
 * <pre>{@code
 * Transport t = new HttpTransportProvider().create(config);
 * }</pre>
 */
public final class HttpTransportProvider implements TransportProvider {

    @Override
    public String name() {
        return HttpTransport.NAME;
    }

    @Override
    public Transport create(MicroConfig config) {
        return new HttpTransport(HttpTransportConfig.from(config));
    }
}
