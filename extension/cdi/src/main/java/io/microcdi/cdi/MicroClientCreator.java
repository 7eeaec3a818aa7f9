package io.microcdi.cdi;

import io.microcdi.client.Client;
import io.microcdi.codec.Codec;
import io.microcdi.codec.Codecs;
import io.microcdi.config.MicroConfig;
import io.microcdi.internal.client.ClientProxies;
import io.microcdi.client.rpc.RpcClientConfig;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.build.compatible.spi.Parameters;
import jakarta.enterprise.inject.build.compatible.spi.SyntheticBeanCreator;

/**
 * Creates the bean behind {@code @Inject @MicroClient("greeter") GreeterApi}: a typed proxy over the {@link Client}
 * bean, encoding with the codec of {@code micro.client.content-type}.
 *
 * <pre>{@code
 * // registered by MicroExtension; users only inject
 * }</pre>
 *
 * <p>All lookups go through {@link Instance} in this one place, so moving to CDI 5's synthetic injections is local.
 */
public final class MicroClientCreator implements SyntheticBeanCreator<Object> {

    static final String INTERFACE = "interface";
    static final String SERVICE = "service";

    @Override
    public Object create(Instance<Object> lookup, Parameters params) {
        Class<?> type = params.get(INTERFACE, Class.class);
        String service = params.get(SERVICE, String.class);
        Client client = lookup.select(Client.class).get();
        Codecs codecs = lookup.select(Codecs.class).get();
        MicroConfig config = lookup.select(MicroConfig.class).get();
        String contentType = config.get("micro.client.content-type", RpcClientConfig.DEFAULT_CONTENT_TYPE);
        Codec codec = codecs.get(contentType);
        if (codec == null) {
            throw MicroConfig.invalid("micro.client.content-type", contentType,
                    "one of " + String.join(", ", codecs.contentTypes()));
        }
        return ClientProxies.create(type, service, client, codec);
    }
}
