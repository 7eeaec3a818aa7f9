package io.microcdi.cdi;

import io.microcdi.cdi.app.Echo;
import io.microcdi.cdi.app.EchoCaller;
import io.microcdi.cdi.app.Msg;
import io.microcdi.cdi.stream.Ticker;
import io.microcdi.cdi.stream.TickerApi;
import io.microcdi.cdi.stream.TickerCaller;
import io.microcdi.unary.UnaryClientProvider;
import io.microcdi.unary.UnaryTransportProvider;
import jakarta.enterprise.inject.se.SeContainer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * On Weld SE, a process whose streaming endpoints or streaming client methods the configured plugins cannot carry
 * does not start, naming what to change; a transport or client without streams still serves and calls unary
 * endpoints. The plugins are real ones that carry unary calls only ({@code micro.transport=unary},
 * {@code micro.client=unary}), picked by name as any plugin.
 */
class StreamingCapabilityCdiTest {

    private static final String NO_STREAMING_TRANSPORT = "but the unary transport cannot stream (expected: "
            + "micro.transport naming a transport that streams, such as http or memory)";

    private SeContainer container;

    @AfterEach
    void close() {
        if (container != null && container.isRunning()) {
            container.close();
        }
        for (String key : List.of("micro.registry", "micro.transport", "micro.client", "micro.server.enabled")) {
            System.clearProperty(key);
        }
    }

    @Test
    void aStreamingServiceOnATransportThatCannotStreamFailsTheStart() {
        assertThatThrownBy(() -> container = MicroCdiTest.boot(Map.of("micro.registry", "memory",
                "micro.transport", "unary"), UnaryTransportProvider.class, Ticker.class))
                .hasStackTraceContaining("MICRO-0107: service ticker serves streaming endpoints [Ticker.Echo, "
                        + "Ticker.Ticks, Ticker.Total], " + NO_STREAMING_TRANSPORT);
    }

    @Test
    void aStreamingClientOnATransportThatCannotStreamFailsTheStartOfAClientOnlyProcess() {
        assertThatThrownBy(() -> container = MicroCdiTest.boot(Map.of("micro.registry", "memory",
                "micro.transport", "unary", "micro.server.enabled", "false"), UnaryTransportProvider.class,
                TickerCaller.class))
                .hasStackTraceContaining("MICRO-0208: @MicroClient " + TickerApi.class.getName()
                        + " streams (#echo, #ticks, #total), " + NO_STREAMING_TRANSPORT);
    }

    @Test
    void aStreamingClientWithAClientThatCannotStreamFailsTheStart() {
        assertThatThrownBy(() -> container = MicroCdiTest.boot(Map.of("micro.registry", "memory",
                "micro.client", "unary"), UnaryClientProvider.class, TickerCaller.class))
                .hasStackTraceContaining("MICRO-0207: @MicroClient " + TickerApi.class.getName()
                        + " streams (#echo, #ticks, #total), but the unary client cannot stream");
    }

    @Test
    void serverAndClientProblemsAreReportedTogether() {
        assertThatThrownBy(() -> container = MicroCdiTest.boot(Map.of("micro.registry", "memory",
                "micro.transport", "unary"), UnaryTransportProvider.class, Ticker.class, TickerCaller.class))
                .hasStackTraceContaining("MICRO-0107: service ticker")
                .hasStackTraceContaining("MICRO-0208: @MicroClient " + TickerApi.class.getName());
    }

    @Test
    void unaryServicesAndClientsRunOnPluginsWithoutStreams() {
        container = MicroCdiTest.boot(Map.of("micro.registry", "memory", "micro.transport", "unary",
                "micro.client", "unary"), UnaryTransportProvider.class, UnaryClientProvider.class, Echo.class,
                EchoCaller.class);

        assertThat(container.select(EchoCaller.class).get().echo().say(new Msg("hi")).text()).isEqualTo("echo: hi");
    }
}
