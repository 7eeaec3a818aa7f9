package io.microcdi.cdi;

import io.microcdi.cdi.app.Echo;
import io.microcdi.cdi.app.EchoCaller;
import io.microcdi.cdi.app.Msg;
import io.microcdi.client.Client;
import jakarta.enterprise.inject.se.SeContainer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The configuration is checked when the container starts, not at the first call that reads it: per-service client
 * keys of typed clients and of services named only in the configuration, content types, and keys that were renamed.
 * {@link EchoCaller} is {@code @ApplicationScoped}, so its client is made only at its first use: without the check at
 * start a bad per-service value would surface there.
 */
class ConfigCdiTest {

    private final Set<String> keys = new HashSet<>();
    private SeContainer container;

    @AfterEach
    void close() {
        if (container != null && container.isRunning()) {
            container.close();
        }
        keys.forEach(System::clearProperty);
    }

    private SeContainer boot(Map<String, String> config, Class<?>... beans) {
        Map<String, String> all = new HashMap<>(config);
        all.putIfAbsent("micro.registry", "memory");
        keys.addAll(all.keySet());
        return MicroCdiTest.boot(all, beans);
    }

    @Test
    void aBadKeyOfATypedClientsServiceFailsTheStart() {
        assertThatThrownBy(() -> container = boot(Map.of("micro.client.echo.retries", "lots"),
                Echo.class, EchoCaller.class))
                .hasStackTraceContaining("micro.client.echo.retries=lots (expected: an integer in [0, 100])");
    }

    @Test
    void aBadKeyOfAServiceNamedOnlyInTheConfigurationFailsTheStart() {
        assertThatThrownBy(() -> container = boot(Map.of(
                "micro.client.go.micro.srv.billing.endpoint-filter", "yes",
                "micro.client.audit.request-timeout", "soon"), Echo.class))
                .hasStackTraceContaining("micro.client.go.micro.srv.billing.endpoint-filter=yes (expected: true or "
                        + "false)")
                .hasStackTraceContaining("micro.client.audit.request-timeout=soon (expected: a duration");
    }

    @Test
    void aServiceContentTypeNoCodecHasFailsTheStart() {
        assertThatThrownBy(() -> container = boot(Map.of("micro.client.echo.content-type", "application/xml"),
                Echo.class, EchoCaller.class))
                .hasStackTraceContaining("micro.client.echo.content-type=application/xml (expected: one of "
                        + "application/json");
    }

    @Test
    void aRenamedKeyFailsTheStartNamingItsNewName() {
        assertThatThrownBy(() -> container = boot(Map.of("micro.client.pool-size", "10"), Echo.class))
                .hasStackTraceContaining("micro.client.pool-size is no longer read (expected: "
                        + "micro.transport.http.pool-size, its new name)");
    }

    @Test
    void goodServiceKeysApplyToTheTypedClient() {
        container = boot(Map.of(
                "micro.client.echo.request-timeout", "3s",
                "micro.client.echo.retries", "0",
                "micro.client.echo.version", "1.2.3",
                "micro.transport.http.pool-size", "10"), Echo.class, EchoCaller.class);

        assertThat(container.select(EchoCaller.class).get().echo().say(new Msg("x")).text()).isEqualTo("echo: x");
        var options = container.select(Client.class).get().defaultOptions("echo");
        assertThat(options.requestTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(options.retries()).isZero();
        assertThat(options.select().version()).isEqualTo("1.2.3");
    }
}
