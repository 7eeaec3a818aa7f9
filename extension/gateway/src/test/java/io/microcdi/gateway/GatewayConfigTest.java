package io.microcdi.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.microcdi.config.ConfigException;
import io.microcdi.config.MicroConfig;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code micro.gateway.*}: defaults, the route table, and bad values failing with their key. */
class GatewayConfigTest {

    @Test
    void defaults() {
        GatewayConfig c = GatewayConfig.defaults();
        assertThat(c.handler()).isEqualTo("rpc");
        assertThat(c.namespace()).isEmpty();
        assertThat(c.resolve()).isTrue();
        assertThat(c.maxBodySize()).isEqualTo(1 << 20);
        assertThat(c.maxTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(c.rateLimit()).isZero();
        assertThat(c.maxConcurrent()).isZero();
        assertThat(c.corsOrigins()).isEmpty();
        assertThat(c.auth()).isFalse();
        assertThat(c.dashboard()).isTrue();
    }

    @Test
    void routesComeBeforeTheResolverAndNoneLeavesOnlyThem() {
        MicroConfig mc = MicroConfig.of(Map.of(RouteTable.ROUTES, "/hi=greeter:Greeter.Hello, /a//b/=x.y:Z.W",
                GatewayConfig.RESOLVER, "none"));
        GatewayConfig c = GatewayConfig.fromConfig(mc);
        assertThat(c.routes().find("/hi")).contains(new Route("greeter", "Greeter.Hello"));
        assertThat(c.routes().find("/a/b")).contains(new Route("x.y", "Z.W"));
        Gateway g = new Gateway(c, null, null);
        assertThat(g.route("/hi/")).contains(new Route("greeter", "Greeter.Hello"));
        assertThat(g.route("/greeter/hello")).isEmpty();
        Gateway resolving = new Gateway(GatewayConfig.fromConfig(MicroConfig.of(Map.of(RouteTable.ROUTES,
                "/greeter/hello=other:Other.Hi"))), null, null);
        assertThat(resolving.route("/greeter/hello")).contains(new Route("other", "Other.Hi"));
        assertThat(resolving.route("/greeter/bye")).contains(new Route("greeter", "Greeter.Bye"));
    }

    @Test
    void badValuesNameTheirKey() {
        assertThatThrownBy(() -> GatewayConfig.fromConfig(MicroConfig.of(Map.of(GatewayConfig.HANDLER, "grpc"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("micro.gateway.handler=grpc");
        assertThatThrownBy(() -> GatewayConfig.fromConfig(MicroConfig.of(Map.of(RouteTable.ROUTES, "/hi=greeter"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("micro.gateway.routes=/hi=greeter")
                .hasMessageContaining("/path=service:Handler.Method");
        assertThatThrownBy(() -> GatewayConfig.fromConfig(MicroConfig.of(Map.of(RouteTable.ROUTES,
                "hi=greeter:Greeter.Hello")))).hasMessageContaining("micro.gateway.routes");
        assertThatThrownBy(() -> GatewayConfig.fromConfig(MicroConfig.of(Map.of(GatewayConfig.RESOLVER, "none"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("micro.gateway.resolver=none");
        assertThatThrownBy(() -> GatewayConfig.fromConfig(MicroConfig.of(Map.of(GatewayConfig.RATE_LIMIT, "-1"))))
                .hasMessageContaining("micro.gateway.rate-limit");
        assertThatThrownBy(() -> GatewayConfig.fromConfig(MicroConfig.of(Map.of(GatewayConfig.MAX_TIMEOUT, "soon"))))
                .hasMessageContaining("micro.gateway.max-timeout");
    }

    @Test
    void theGuardNeedsTokens() {
        GatewayConfig c = GatewayConfig.fromConfig(MicroConfig.of(Map.of(GatewayConfig.AUTH, "true")));
        assertThatThrownBy(() -> new Gateway(c, null, null)).hasMessageContaining("micro.auth.tokens");
    }
}
