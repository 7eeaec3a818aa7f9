package io.microcdi.tool;

import io.microcdi.tool.LoadEndToEndTest.Run;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The tool's answers that need no framework: usage errors and help. */
class LoadTest {

    @Test
    void aBadCommandLineExits2WithTheMessageAndTheUsageOnStderr() {
        Run r = LoadEndToEndTest.load("--service", "s", "--endpoint", "S.E", "--duration", "10");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).startsWith("load: --duration: 10 (expected: a duration such as 500ms, 10s, 2m or 1h)\n")
                .contains("usage: load --service NAME --endpoint Handler.Method [options]")
                .contains("  --warmup D ");
    }

    @Test
    void aMissingOptionExits2() {
        Run r = LoadEndToEndTest.load("--endpoint", "S.E");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).startsWith("load: --service: missing (expected: --service NAME)");
    }

    @Test
    void helpGoesToStdoutAndExits0() {
        Run r = LoadEndToEndTest.load("--help");

        assertThat(r.exit()).isZero();
        assertThat(r.out()).startsWith("usage: load ").contains("calls=N failures=N rps=N p50_ms=N.NNN p99_ms=N.NNN");
        assertThat(r.err()).isEmpty();
    }
}
