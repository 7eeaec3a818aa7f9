package io.microcdi.tool;

import org.junit.jupiter.api.Test;

import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The lines a run ends with: the summary that scripts parse must keep its exact form. */
class LoadReportTest {

    private static final Pattern SUMMARY = Pattern.compile(
            "calls=\\d+ failures=\\d+ rps=\\d+ p50_ms=\\d+\\.\\d{3} p99_ms=\\d+\\.\\d{3}");

    private static LatencyHistogram histogram(long... nanos) {
        LatencyHistogram h = new LatencyHistogram();
        for (long n : nanos) {
            h.record(n);
        }
        return h;
    }

    @Test
    void summaryLine() {
        LoadReport r = new LoadReport(3, 1, 2_000_000_000L, histogram(412_000, 412_000, 5_000_000), Map.of(), 0);

        assertThat(r.summaryLine()).matches(SUMMARY)
                .startsWith("calls=3 failures=1 rps=2 p50_ms=0.41")
                .containsPattern(" p99_ms=(4\\.9\\d\\d|5\\.000)$");
    }

    @Test
    void rpsIsCallsPerMeasuredSecondRounded() {
        assertThat(new LoadReport(10, 0, 4_000_000_000L, histogram(), Map.of(), 0).rps()).isEqualTo(3); // 2.5 -> 3
        assertThat(new LoadReport(7, 0, 3_000_000_000L, histogram(), Map.of(), 0).rps()).isEqualTo(2);  // 2.33
        assertThat(new LoadReport(1_234_567, 0, 10_000_000_000L, histogram(), Map.of(), 0).rps())
                .isEqualTo(123_457);
        assertThat(new LoadReport(0, 0, 0, histogram(), Map.of(), 0).rps()).isZero();
    }

    @Test
    void nothingMeasuredStillPrintsTheLine() {
        assertThat(new LoadReport(0, 0, 0, histogram(), Map.of(), 4).summaryLine())
                .isEqualTo("calls=0 failures=0 rps=0 p50_ms=0.000 p99_ms=0.000");
    }

    @Test
    void decimalsUseADotWhateverTheLocale() {
        Locale before = Locale.getDefault();
        Locale.setDefault(Locale.GERMANY);
        try {
            LoadReport r = new LoadReport(1, 0, 1_000_000_000L, histogram(1_500_000), Map.of(), 0);
            assertThat(r.summaryLine()).isEqualTo("calls=1 failures=0 rps=1 p50_ms=1.500 p99_ms=1.500");
            assertThat(r.latencyLine()).isEqualTo(
                    "latency_ms min=1.500 p50=1.500 p90=1.500 p99=1.500 p99.9=1.500 max=1.500 mean=1.500");
        } finally {
            Locale.setDefault(before);
        }
    }

    @Test
    void millisecondsHaveThreeDecimals() {
        assertThat(LoadReport.millis(0)).isEqualTo("0.000");
        assertThat(LoadReport.millis(412_345)).isEqualTo("0.412");
        assertThat(LoadReport.millis(999_999)).isEqualTo("1.000");
        assertThat(LoadReport.millis(61_000_000_000L)).isEqualTo("61000.000");
    }

    @Test
    void failuresByCodeInOrder() {
        LoadReport r = new LoadReport(10, 6, 1, histogram(), Map.of("503", 4L, "408", 1L, "IOException", 1L), 0);
        assertThat(r.failureLine()).isEqualTo("failures by code: 408=1 503=4 IOException=1");
        assertThat(new LoadReport(1, 0, 1, histogram(), Map.of(), 0).failureLine()).isNull();
    }
}
