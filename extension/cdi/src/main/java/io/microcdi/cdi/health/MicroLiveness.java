package io.microcdi.cdi.health;

import io.microcdi.cdi.MicroLifecycle;
import io.microcdi.server.Server;
import io.microcdi.server.rpc.RpcServer;
import io.microcdi.server.rpc.ServerStats;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Liveness {@code microcdi}: up unless the process stopped serving while it still runs (its server stopped, or a start
 * failed and was undone), with the server's {@code Debug.Stats} figures as data. A registry or broker outage does not
 * make it down: that takes the node out of rotation ({@link MicroReadiness}), it is no reason to restart it.
 *
 * <pre>{@code
 * GET /q/health/live
 * {"name":"microcdi","status":"UP","data":{"state":"STARTED","uptime":"PT1H2M","requests":183402,"errors":12,
 *  "memory":48211968,"threads":41}}
 * }</pre>
 *
 * <p>Added by {@code MicroExtension} only when the MicroProfile Health API is on the class path.
 */
@Liveness
public class MicroLiveness implements HealthCheck {

    private final Instance<MicroLifecycle> lifecycle;

    @Inject
    public MicroLiveness(Instance<MicroLifecycle> lifecycle) {
        this.lifecycle = lifecycle;
    }

    @Override
    public HealthCheckResponse call() {
        if (lifecycle.isUnsatisfied()) {
            return new HealthCheckResponse(MicroReadiness.NAME, HealthCheckResponse.Status.UP,
                    Optional.of(Map.of("state", "no MicroLifecycle bean")));
        }
        MicroLifecycle l = lifecycle.get();
        MicroLifecycle.State state = l.state();
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("state", state.name());
        Server server = l.server();
        if (server instanceof RpcServer rpc && state != MicroLifecycle.State.STOPPED) {
            ServerStats s = rpc.stats();
            data.put("uptime", s.uptime().toString());
            data.put("requests", s.requests());
            data.put("errors", s.errors());
            data.put("memory", s.memory());
            data.put("threads", s.threads());
        }
        return new HealthCheckResponse(MicroReadiness.NAME, state == MicroLifecycle.State.STOPPED
                ? HealthCheckResponse.Status.DOWN : HealthCheckResponse.Status.UP, Optional.of(data));
    }
}
