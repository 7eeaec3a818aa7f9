package io.microcdi.wrappers;

import io.microcdi.metadata.Metadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link TraceParent} parsing and making, as W3C Trace Context level 1 has them. */
class TraceParentTest {

    private static final String VALID = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    @Test
    void parsesAndPrintsAValidHeader() {
        TraceParent t = TraceParent.parse(VALID).orElseThrow();

        assertThat(t).isEqualTo(new TraceParent("00", "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7", "01"));
        assertThat(t.toString()).isEqualTo(VALID);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0",                // short
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-",              // 00 has nothing more
            "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",               // upper case
            "00-00000000000000000000000000000000-00f067aa0ba902b7-01",               // trace id all zero
            "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",               // parent id all zero
            "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",               // version ff
            "0g-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",               // not hex
            "00_4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",               // separator
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0x",               // flags
            "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01x",              // higher version, no dash
    })
    void rejectsMalformedHeaders(String header) {
        assertThat(TraceParent.parse(header)).isEmpty();
    }

    @Test
    void readsAHigherVersionByItsFirstFields() {
        TraceParent t = TraceParent.parse("cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-what-the-future")
                .orElseThrow();

        assertThat(t.version()).isEqualTo("cc");
        assertThat(t.child().version()).isEqualTo("00");
    }

    @Test
    void aChildKeepsTraceAndFlagsWithANewSpan() {
        TraceParent parent = TraceParent.parse(VALID.replace("-01", "-00")).orElseThrow();

        TraceParent child = parent.child();

        assertThat(child.traceId()).isEqualTo(parent.traceId());
        assertThat(child.flags()).isEqualTo("00");
        assertThat(child.spanId()).hasSize(16).isNotEqualTo(parent.spanId());
        assertThat(TraceParent.parse(child.toString())).contains(child);
    }

    @Test
    void aRootIsSampledWithRandomIds() {
        TraceParent a = TraceParent.newRoot();
        TraceParent b = TraceParent.newRoot();

        assertThat(a.flags()).isEqualTo("01");
        assertThat(a.traceId()).hasSize(32).isNotEqualTo(b.traceId());
        assertThat(TraceParent.parse(a.toString())).contains(a);
    }

    @Test
    void theConstructorChecksItsFields() {
        assertThatThrownBy(() -> new TraceParent("00", "abc", "00f067aa0ba902b7", "01"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("traceparent 00-abc-");
    }

    @Test
    void theWrapperMakesAChildOrARoot() {
        Metadata child = TraceContextWrapper.traced(Metadata.of("traceparent", VALID, "tracestate", "a=1"));
        Metadata root = TraceContextWrapper.traced(Metadata.of("traceparent", "junk", "tracestate", "a=1"));

        assertThat(TraceParent.parse(child.get("traceparent")).orElseThrow().traceId())
                .isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(child.get("tracestate")).isEqualTo("a=1");
        assertThat(TraceParent.parse(root.get("traceparent"))).isPresent();
        assertThat(root.contains("tracestate")).isFalse();
    }
}
