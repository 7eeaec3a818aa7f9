package io.microcdi.wrappers;

import io.microcdi.errors.MicroException;
import io.microcdi.metadata.Metadata;
import io.microcdi.wrappers.app.Callers;
import io.microcdi.wrappers.app.Greeter;
import io.microcdi.wrappers.app.OrderAudit;
import io.microcdi.wrappers.app.Shop;
import io.microcdi.wrappers.app.Words;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** {@link LoggingInterceptor} around served calls, client calls and subscribers, over HTTP on loopback. */
class LoggingCdiTest {

    private static final String MS = " \\d+\\.\\d ms";

    private final WeldBoot weld = new WeldBoot();
    private final LogLines log = LogLines.open();

    @AfterEach
    void close() {
        log.close();
        weld.close();
    }

    @Test
    void aServedCallIsOneLineNamingServiceEndpointCallerAndOutcome() {
        weld.start(Map.of(), Greeter.class, Callers.class, LoggingInterceptor.class);
        var greeter = weld.bean(Callers.class).greeter();

        WeldBoot.handling("frontend", Metadata.empty(), () -> greeter.hello(new Words("ann")));
        assertThatThrownBy(() -> WeldBoot.handling("frontend", Metadata.empty(), () -> greeter.reject(new Words("way"))))
                .isInstanceOf(MicroException.class);
        assertThatThrownBy(() -> greeter.crash(new Words("now"))).isInstanceOf(MicroException.class);

        assertThat(log.containing("Greeter.Hello")).singleElement().asString()
                .matches("INFO greeter Greeter\\.Hello from frontend \\(127\\.0\\.0\\.1:\\d+\\) ok" + MS);
        assertThat(log.containing("Greeter.Reject")).singleElement().asString()
                .matches("WARNING greeter Greeter\\.Reject from frontend \\(127\\.0\\.0\\.1:\\d+\\) failed 403 "
                        + "Forbidden: no way" + MS);
        assertThat(log.containing("Greeter.Crash")).singleElement().asString()
                .matches("WARNING greeter Greeter\\.Crash from 127\\.0\\.0\\.1:\\d+ failed 500 Internal Server Error: "
                        + "IllegalStateException: boom now" + MS);
    }

    @Test
    void anAsyncHandlerIsLoggedWhenItsStageCompletes() throws Exception {
        weld.start(Map.of(), Greeter.class, Callers.class, LoggingInterceptor.class);

        Words reply = weld.bean(Callers.class).greeter().laterAsync(new Words("bob")).toCompletableFuture().get();

        assertThat(reply.text()).isEqualTo("later bob");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(log.containing("Greeter.Later"))
                .singleElement().asString().matches("INFO greeter Greeter\\.Later from 127\\.0\\.0\\.1:\\d+ ok" + MS));
    }

    @Test
    void aBindingOnAClientInterfaceLogsItsCalls() throws Exception {
        weld.start(Map.of(), Greeter.class, Callers.class, LoggingInterceptor.class);
        var greeter = weld.bean(Callers.class).loggedGreeter();

        greeter.hello(new Words("cy"));
        assertThatThrownBy(() -> greeter.reject(new Words("no"))).isInstanceOf(MicroException.class);
        greeter.laterAsync(new Words("di")).toCompletableFuture().get();

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(log.containing("call "))
                .hasSize(3)
                .anySatisfy(l -> assertThat(l).matches("INFO call LoggedGreeterApi\\.hello ok" + MS))
                .anySatisfy(l -> assertThat(l).matches("WARNING call LoggedGreeterApi\\.reject failed 403 Forbidden: "
                        + "no no" + MS))
                .anySatisfy(l -> assertThat(l).matches("INFO call LoggedGreeterApi\\.laterAsync ok" + MS)));
    }

    @Test
    void aSubscriberLogsEachMessage() {
        weld.start(Map.of("micro.broker.retries", "0"), OrderAudit.class, Shop.class, LoggingInterceptor.class);
        var orders = weld.bean(Shop.class).orders();

        orders.publish(new Words("fine"));
        assertThatThrownBy(() -> orders.publish(new Words("bad"))).isInstanceOf(MicroException.class);

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(log.containing("message orders"))
                .hasSize(2)
                .anySatisfy(l -> assertThat(l).matches("INFO message orders -> OrderAudit\\.onOrder.* ok" + MS))
                .anySatisfy(l -> assertThat(l).matches("WARNING message orders -> OrderAudit\\.onOrder.* failed 500 "
                        + "Internal Server Error: IllegalArgumentException: bad order" + MS)));
    }

    @Test
    void aBeanMethodCalledOutsideAnyCallIsNotLogged() {
        weld.start(Map.of("micro.server.enabled", "false"), Greeter.class, LoggingInterceptor.class);

        assertThat(weld.bean(Greeter.class).hello(new Words("local")).text()).isEqualTo("hello local");

        assertThat(log.lines()).isEmpty();
    }
}
