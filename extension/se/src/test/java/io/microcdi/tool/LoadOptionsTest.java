package io.microcdi.tool;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The load tool's command line: every option, its defaults, and the message of each mistake. */
class LoadOptionsTest {

    private static LoadOptions parse(String... args) {
        return LoadOptions.parse(args);
    }

    private static String error(String... args) {
        try {
            LoadOptions.parse(args);
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
        throw new AssertionError("accepted: " + String.join(" ", args));
    }

    @Test
    void theDocumentedCommandLine() {
        LoadOptions o = parse("--service", "greeter", "--endpoint", "Greeter.Hello", "--body", "{\"name\":\"John\"}",
                "--concurrency", "32", "--duration", "10s");

        assertThat(o.service()).isEqualTo("greeter");
        assertThat(o.endpoint()).isEqualTo("Greeter.Hello");
        assertThat(new String(o.body(), StandardCharsets.UTF_8)).isEqualTo("{\"name\":\"John\"}");
        assertThat(o.concurrency()).isEqualTo(32);
        assertThat(o.duration()).isEqualTo(Duration.ofSeconds(10));
        assertThat(o.help()).isFalse();
    }

    @Test
    void defaults() {
        LoadOptions o = parse("--service", "s", "--endpoint", "S.E");

        assertThat(new String(o.body(), StandardCharsets.UTF_8)).isEqualTo("{}");
        assertThat(o.contentType()).isEqualTo("application/json");
        assertThat(o.concurrency()).isEqualTo(1);
        assertThat(o.duration()).isEqualTo(Duration.ofSeconds(10));
        assertThat(o.calls()).isZero();
        assertThat(o.timeout()).isNull();
        assertThat(o.warmup()).isZero();
        assertThat(o.quiet()).isFalse();
    }

    @Test
    void everyOptionInBothForms() {
        LoadOptions o = parse("--service=s", "--endpoint", "S.E", "--content-type=application/grpc+json",
                "--concurrency=4", "--duration", "2m", "--calls", "1000", "--timeout=500ms", "--warmup", "1s",
                "--quiet", "--body=a=b");

        assertThat(o.service()).isEqualTo("s");
        assertThat(o.contentType()).isEqualTo("application/grpc+json");
        assertThat(o.concurrency()).isEqualTo(4);
        assertThat(o.duration()).isEqualTo(Duration.ofMinutes(2));
        assertThat(o.calls()).isEqualTo(1000);
        assertThat(o.timeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(o.warmup()).isEqualTo(Duration.ofSeconds(1));
        assertThat(o.quiet()).isTrue();
        assertThat(new String(o.body(), StandardCharsets.UTF_8)).isEqualTo("a=b");
    }

    @Test
    void bodyFromAFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("body.json");
        Files.writeString(file, "{\"name\":\"Jane\"}");

        LoadOptions o = parse("--service", "s", "--endpoint", "S.E", "--body-file", file.toString());

        assertThat(new String(o.body(), StandardCharsets.UTF_8)).isEqualTo("{\"name\":\"Jane\"}");
        assertThat(error("--service", "s", "--endpoint", "S.E", "--body-file", dir.resolve("none").toString()))
                .startsWith("--body-file: cannot read ");
        assertThat(error("--service", "s", "--endpoint", "S.E", "--body", "{}", "--body-file", file.toString()))
                .isEqualTo("--body-file: given with --body (expected: one of them)");
    }

    @Test
    void helpStopsTheParsing() {
        assertThat(parse("--help").help()).isTrue();
        assertThat(parse("--help", "--concurrency", "nope").help()).isTrue();
        assertThatThrownBy(() -> parse("--concurrency", "nope", "--help"))
                .hasMessageStartingWith("--concurrency: nope");
    }

    @ParameterizedTest
    @CsvSource({
            "500ms, PT0.5S",
            "10s, PT10S",
            "2m, PT2M",
            "1h, PT1H",
            "24h, PT24H",
            "1ms, PT0.001S",
            "86400000ms, PT24H"})
    void durations(String text, Duration expected) {
        assertThat(LoadOptions.duration("--duration", text, false)).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"10", "soon", "1.5s", "-1s", "10 s", "10S", "s", "", "PT10S", "1d", "9999999999h"})
    void malformedDurations(String text) {
        assertThat(error("--service", "s", "--endpoint", "S.E", "--duration", text))
                .isEqualTo("--duration: " + text + " (expected: a duration such as 500ms, 10s, 2m or 1h)");
    }

    @Test
    void durationBounds() {
        assertThat(error("--service", "s", "--endpoint", "S.E", "--duration", "25h"))
                .isEqualTo("--duration: 25h (expected: more than 0s and at most 24h)");
        assertThat(error("--service", "s", "--endpoint", "S.E", "--duration", "0s"))
                .isEqualTo("--duration: 0s (expected: more than 0s and at most 24h)");
        assertThat(error("--service", "s", "--endpoint", "S.E", "--duration", "0"))
                .startsWith("--duration: 0 (expected: a duration");
        assertThat(error("--service", "s", "--endpoint", "S.E", "--timeout", "0ms"))
                .isEqualTo("--timeout: 0ms (expected: more than 0s and at most 24h)");
        assertThat(parse("--service", "s", "--endpoint", "S.E", "--warmup", "0").warmup()).isZero();
        assertThat(parse("--service", "s", "--endpoint", "S.E", "--warmup", "0s").warmup()).isZero();
        assertThat(error("--service", "s", "--endpoint", "S.E", "--warmup", "1441m"))
                .isEqualTo("--warmup: 1441m (expected: from 0s to 24h)");
    }

    @Test
    void numbers() {
        assertThat(error("--service", "s", "--endpoint", "S.E", "--concurrency", "0"))
                .isEqualTo("--concurrency: 0 (expected: an integer from 1 to 4096)");
        assertThat(error("--service", "s", "--endpoint", "S.E", "--concurrency", "4097"))
                .isEqualTo("--concurrency: 4097 (expected: an integer from 1 to 4096)");
        assertThat(error("--service", "s", "--endpoint", "S.E", "--concurrency", "many"))
                .isEqualTo("--concurrency: many (expected: an integer from 1 to 4096)");
        assertThat(error("--service", "s", "--endpoint", "S.E", "--calls", "-5"))
                .isEqualTo("--calls: -5 (expected: an integer above 0)");
        assertThat(parse("--service", "s", "--endpoint", "S.E", "--concurrency", "4096").concurrency())
                .isEqualTo(4096);
    }

    @Test
    void missingAndUnknown() {
        assertThat(error("--endpoint", "S.E")).isEqualTo("--service: missing (expected: --service NAME)");
        assertThat(error("--service", "s")).isEqualTo("--endpoint: missing (expected: --endpoint Handler.Method)");
        assertThat(error("--service", "s", "--endpoint"))
                .isEqualTo("--endpoint: missing value (expected: --endpoint Handler.Method)");
        assertThat(error("--service", "--endpoint", "S.E"))
                .isEqualTo("--service: missing value (expected: --service NAME)");
        assertThat(error("--service", " ", "--endpoint", "S.E"))
                .isEqualTo("--service: empty (expected: --service NAME)");
        assertThat(error("--service", "s", "--endpoint", "S.E", "--rate", "5"))
                .isEqualTo("--rate: unknown option (expected: one of those below)");
        assertThat(error("--service", "s", "--endpoint", "S.E", "greeter"))
                .isEqualTo("greeter: unexpected argument (expected: options only, such as --service NAME)");
    }

    @Test
    void formatsDurationsTheWayItReadsThem() {
        assertThat(LoadOptions.format(Duration.ofMillis(500))).isEqualTo("500ms");
        assertThat(LoadOptions.format(Duration.ofSeconds(10))).isEqualTo("10s");
        assertThat(LoadOptions.format(Duration.ofSeconds(90))).isEqualTo("90s");
        assertThat(LoadOptions.format(Duration.ofMinutes(2))).isEqualTo("2m");
        assertThat(LoadOptions.format(Duration.ofHours(24))).isEqualTo("24h");
        assertThat(LoadOptions.format(Duration.ZERO)).isEqualTo("0s");
    }
}
