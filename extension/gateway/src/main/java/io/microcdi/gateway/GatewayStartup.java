package io.microcdi.gateway;

import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.Startup;

/**
 * Reads the gateway's configuration when the container starts, so that a bad {@code micro.gateway.*} value stops the
 * start naming its key instead of failing the first request.
 *
 * <pre>{@code
 * micro.gateway.handler=grpc   ->  start fails: micro.gateway.handler=grpc (expected: one of rpc, api)
 * }</pre>
 */
@Dependent
public class GatewayStartup {

    void check(@Observes Startup startup, Gateway gateway) {
        gateway.config(); // made, and so checked
    }
}
