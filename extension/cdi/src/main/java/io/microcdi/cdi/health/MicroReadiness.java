package io.microcdi.cdi.health;

import io.microcdi.broker.Broker;
import io.microcdi.cdi.MicroLifecycle;
import io.microcdi.server.Server;
import io.microcdi.server.ServiceDefinition;
import io.microcdi.server.rpc.RpcServer;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Readiness {@code microcdi}: up once the start completed (the server listens, its services are registered, the
 * subscribers subscribed, every {@code AfterStart} observer done), while the last heartbeat re-registered every
 * service and while the broker is {@linkplain Broker#connected() connected}; down while starting, once stopping, when
 * the registry refused the last heartbeat, and while the broker's connection is lost.
 *
 * <pre>{@code
 * GET /q/health/ready   (Quarkus; /health/ready on Liberty)
 * {"name":"microcdi","status":"UP","data":{"state":"STARTED","address":"10.0.0.7:41234","services":"greeter",
 *  "registered":true,"broker":"nats","connected":true,"subscriptions":2}}
 * }</pre>
 *
 * <p>Added by {@code MicroExtension} only when the MicroProfile Health API is on the class path.
 */
@Readiness
public class MicroReadiness implements HealthCheck {

    /** The name of both checks. */
    public static final String NAME = "microcdi";

    private final Instance<MicroLifecycle> lifecycle;

    @Inject
    public MicroReadiness(Instance<MicroLifecycle> lifecycle) {
        this.lifecycle = lifecycle;
    }

    @Override
    public HealthCheckResponse call() {
        if (lifecycle.isUnsatisfied()) {
            return new HealthCheckResponse(NAME, HealthCheckResponse.Status.DOWN,
                    Optional.of(Map.of("state", "no MicroLifecycle bean")));
        }
        MicroLifecycle l = lifecycle.get();
        MicroLifecycle.State state = l.state();
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("state", state.name());
        boolean up = state == MicroLifecycle.State.STARTED;
        Server server = l.server();
        if (server != null && up) {
            data.put("address", server.address());
            data.put("services", String.join(",", server.services().stream().map(ServiceDefinition::name).toList()));
            if (server instanceof RpcServer rpc) {
                Optional<String> failure = rpc.registrationFailure();
                data.put("registered", failure.isEmpty());
                failure.ifPresent(f -> data.put("registration", f));
                up = failure.isEmpty();
            }
        }
        Broker broker = l.broker();
        if (broker != null) {
            boolean connected = broker.connected();
            data.put("broker", broker.name());
            data.put("connected", connected);
            data.put("subscriptions", (long) l.subscriptions().size());
            up &= connected;
        }
        return new HealthCheckResponse(NAME, up ? HealthCheckResponse.Status.UP : HealthCheckResponse.Status.DOWN,
                Optional.of(data));
    }
}
