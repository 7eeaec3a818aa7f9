package io.microcdi.wrappers;

import io.microcdi.metadata.Metadata;
import io.microcdi.wrappers.app.AuditShop;
import io.microcdi.wrappers.app.Callers;
import io.microcdi.wrappers.app.Plain;
import io.microcdi.wrappers.app.PlainAudit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code micro.server.wrappers} and {@code micro.client.wrappers}: the built-ins without annotations. */
class ConfiguredWrappersCdiTest {

    private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String INBOUND = "00-" + TRACE + "-00f067aa0ba902b7-01";

    private final WeldBoot weld = new WeldBoot();
    private final LogLines log = LogLines.open();

    @AfterEach
    void close() {
        log.close();
        weld.close();
    }

    @Test
    void serverWrappersApplyToEveryServiceAndSubscriber() {
        weld.start(Map.of("micro.server.wrappers", "logging, TRACE"), Plain.class, Callers.class, PlainAudit.class,
                AuditShop.class, LoggingInterceptor.class, TraceContextInterceptor.class);

        String[] seen = WeldBoot.handling("frontend", Metadata.of("traceparent", INBOUND),
                () -> weld.bean(Callers.class).plain().look()).text().split("\\|", -1);
        weld.bean(AuditShop.class).audits().publish(new io.microcdi.wrappers.app.Words("x"));

        TraceParent span = TraceParent.parse(seen[0]).orElseThrow();
        assertThat(span.traceId()).isEqualTo(TRACE);
        assertThat(span.spanId()).isNotEqualTo("00f067aa0ba902b7");
        assertThat(log.containing("plain Plain.Look from frontend (127.0.0.1:")).singleElement().asString()
                .startsWith("INFO").contains(" ok ");
        assertThat(log.containing("message audits -> PlainAudit.onAudit")).singleElement().asString()
                .startsWith("INFO");
    }

    @Test
    void anUnknownServerWrapperStopsTheStartNamingKeyAndChoices() {
        assertThatThrownBy(() -> weld.start(Map.of("micro.server.wrappers", "logging,bogus"), Plain.class))
                .hasStackTraceContaining("micro.server.wrappers=logging,bogus (expected: a comma-separated list of "
                        + "logging, metrics, trace, auth)");
    }

    @Test
    void clientWrappersApplyToEveryClient() {
        weld.start(Map.of("micro.client.wrappers", "trace,logging"), Plain.class, Callers.class,
                LoggingInterceptor.class);
        var plain = weld.bean(Callers.class).plain();

        String[] fresh = plain.look().text().split("\\|", -1);
        String[] continued = WeldBoot.handling("frontend", Metadata.of("traceparent", INBOUND),
                plain::look).text().split("\\|", -1);

        assertThat(TraceParent.parse(fresh[0])).isPresent();
        TraceParent child = TraceParent.parse(continued[0]).orElseThrow();
        assertThat(child.traceId()).isEqualTo(TRACE);
        assertThat(child.spanId()).isNotEqualTo("00f067aa0ba902b7");
        assertThat(log.containing("call PlainApi.look")).hasSize(2).allMatch(l -> l.startsWith("INFO"));
        assertThat(log.containing("Plain.Look")).isEmpty(); // the server has no wrappers
    }

    @Test
    void anUnknownClientWrapperFailsTheStartNamingTheKey() {
        assertThatThrownBy(() -> weld.start(Map.of("micro.client.wrappers", "tracing"), Plain.class, Callers.class))
                .hasStackTraceContaining("micro.client.wrappers=tracing (expected: a comma-separated list of ");
    }
}
