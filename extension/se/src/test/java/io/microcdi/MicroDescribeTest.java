package io.microcdi;

import io.microcdi.config.MicroConfig;
import org.junit.jupiter.api.Test;

import java.io.UncheckedIOException;

import static org.assertj.core.api.Assertions.assertThat;

/** What a person reads of a failed start: one line, the configuration error when there is one. */
class MicroDescribeTest {

    @Test
    void aConfigurationErrorDeepInTheContainersExceptionsIsTheWholeMessage() {
        RuntimeException weld = new IllegalStateException("WELD-000049: Unable to invoke producer",
                new RuntimeException("wrapped", MicroConfig.invalid("micro.registry", "consul", "one of mdns, memory")));

        assertThat(Micro.describe(weld)).isEqualTo("micro.registry=consul (expected: one of mdns, memory)");
    }

    @Test
    void anyOtherFailureIsItsInnermostCauseOnOneLineWithTheWayToTheStack() {
        RuntimeException e = new IllegalStateException("outer", new UncheckedIOException("bind failed\nmore detail",
                new java.io.IOException("Address already in use")));

        assertThat(Micro.describe(e)).isEqualTo("Address already in use (-Dmicro.debug=true shows the stack trace)");
    }

    @Test
    void withMicroDebugTheWholeStackTrace() {
        System.setProperty("micro.debug", "true");
        try {
            assertThat(Micro.describe(new IllegalStateException("boom"))).contains("IllegalStateException: boom")
                    .contains("\tat ");
        } finally {
            System.clearProperty("micro.debug");
        }
    }
}
