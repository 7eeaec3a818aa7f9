package io.microcdi.wrappers;

import io.microcdi.metadata.Metadata;
import io.microcdi.wrappers.app.Callers;
import io.microcdi.wrappers.app.Downstream;
import io.microcdi.wrappers.app.FailFirstAttempt;
import io.microcdi.wrappers.app.Tracer;
import io.microcdi.wrappers.app.TracerApi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link TraceContextInterceptor} and {@link TraceContextWrapper} over HTTP on loopback. */
class TraceContextCdiTest {

    private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String INBOUND = "00-" + TRACE + "-00f067aa0ba902b7-00";

    private final WeldBoot weld = new WeldBoot();
    private TracerApi tracer;

    @BeforeEach
    void start() {
        weld.start(Map.of(), Tracer.class, Downstream.class, Callers.class, FailFirstAttempt.class,
                TraceContextInterceptor.class);
        tracer = weld.bean(Callers.class).tracer();
    }

    @AfterEach
    void close() {
        weld.close();
    }

    /** What the handler saw: traceparent, tracestate, TraceParent.current(). */
    private String[] look(Metadata inbound) {
        return WeldBoot.handling("frontend", inbound, () -> tracer.look()).text().split("\\|", -1);
    }

    @Test
    void aValidTraceparentIsContinuedAsANewSpan() {
        String[] seen = look(Metadata.of("traceparent", INBOUND, "tracestate", "vendor=1"));

        TraceParent span = TraceParent.parse(seen[0]).orElseThrow();
        assertThat(span.traceId()).isEqualTo(TRACE);
        assertThat(span.spanId()).isNotEqualTo("00f067aa0ba902b7");
        assertThat(span.flags()).isEqualTo("00");
        assertThat(seen[1]).isEqualTo("vendor=1");
        assertThat(seen[2]).isEqualTo(seen[0]); // TraceParent.current()
    }

    @Test
    void anInvalidTraceparentStartsANewTraceWithoutItsState() {
        String invalid = "00-" + TRACE.toUpperCase(java.util.Locale.ROOT) + "-00f067aa0ba902b7-01";

        String[] seen = look(Metadata.of("traceparent", invalid, "tracestate", "vendor=1"));

        TraceParent span = TraceParent.parse(seen[0]).orElseThrow();
        assertThat(span.traceId()).isNotEqualToIgnoringCase(TRACE);
        assertThat(span.flags()).isEqualTo("01");
        assertThat(seen[1]).isEmpty();
    }

    @Test
    void withoutTraceparentANewTraceStarts() {
        String[] seen = look(Metadata.empty());

        assertThat(TraceParent.parse(seen[0])).get().extracting(TraceParent::flags).isEqualTo("01");
    }

    @Test
    void callsMadeWhileHandlingCarryTheHandlersSpanAsParent() {
        String[] relayed = WeldBoot.handling("frontend", Metadata.of("traceparent", INBOUND),
                () -> tracer.relay()).text().split("#");

        TraceParent handler = TraceParent.parse(relayed[0]).orElseThrow();
        assertThat(handler.traceId()).isEqualTo(TRACE);
        assertThat(relayed[1]).isEqualTo(handler + "|");
    }

    @Test
    void theClientWrapperSendsANewSpanPerAttempt() {
        String[] relayed = WeldBoot.handling("frontend", Metadata.of("traceparent", INBOUND, "tracestate", "v=2"),
                () -> tracer.relayTraced()).text().split("#");

        TraceParent handler = TraceParent.parse(relayed[0]).orElseThrow();
        List<TraceParent> attempts = weld.bean(FailFirstAttempt.class).attempts().stream()
                .map(a -> TraceParent.parse(a).orElseThrow()).toList();
        assertThat(attempts).hasSize(2).allSatisfy(a -> {
            assertThat(a.traceId()).isEqualTo(TRACE);
            assertThat(a.flags()).isEqualTo("00");
            assertThat(a.spanId()).isNotEqualTo(handler.spanId());
        });
        assertThat(attempts.get(0).spanId()).isNotEqualTo(attempts.get(1).spanId());
        // the downstream handler got the second attempt, its tracestate carried on
        assertThat(relayed[1]).isEqualTo(attempts.get(1) + "|v=2");
    }
}
