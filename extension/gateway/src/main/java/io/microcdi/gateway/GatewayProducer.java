package io.microcdi.gateway;

import io.microcdi.client.Client;
import io.microcdi.config.MicroConfig;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * Makes the {@link Gateway} from {@code micro.gateway.*} and the framework's client: a bad value, or
 * {@code micro.gateway.auth=true} without {@code micro.auth.tokens}, fails where it is first injected (at start, since
 * {@link GatewayStartup} asks for it).
 *
 * <pre>{@code
 * @Inject Gateway gateway;   // what GatewayResource answers with
 * }</pre>
 */
@Dependent
public class GatewayProducer {

    @Produces
    @Singleton
    Gateway gateway(MicroConfig config, Client client) {
        return Gateway.fromConfig(config, client);
    }
}
