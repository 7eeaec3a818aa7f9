package io.microcdi.config;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MicroConfigTest {

    private static final String KEY = "micro.test.key";
    private static final Duration FALLBACK = Duration.ofSeconds(7);

    private static MicroConfig config(String value) {
        return MicroConfig.of(Map.of(KEY, value));
    }

    private static Duration duration(String value) {
        return config(value).duration(KEY, FALLBACK);
    }

    private static long size(String value) {
        return config(value).size(KEY, 99);
    }

    @Test
    void getTrimsValues() {
        assertThat(config("  memory \t").get(KEY)).contains("memory");
    }

    @Test
    void getOfUnsetKeyIsEmpty() {
        MicroConfig config = MicroConfig.of(Map.of());

        assertThat(config.get(KEY)).isEmpty();
        assertThat(config.get(KEY, "fallback")).isEqualTo("fallback");
    }

    @Test
    void blankValuesAreUnset() {
        MicroConfig config = config("   ");

        assertThat(config.get(KEY)).isEmpty();
        assertThat(config.get(KEY, "fallback")).isEqualTo("fallback");
        assertThat(config.duration(KEY, FALLBACK)).isEqualTo(FALLBACK);
        assertThat(config.integer(KEY, 3, 0, 10)).isEqualTo(3);
        assertThat(config.size(KEY, 1024)).isEqualTo(1024);
        assertThat(config.bool(KEY, true)).isTrue();
        assertThat(config.oneOf(KEY, "a", List.of("a", "b"))).isEqualTo("a");
    }

    @Test
    void emptyValueIsUnset() {
        assertThat(config("").get(KEY)).isEmpty();
        assertThat(config("").duration(KEY, FALLBACK)).isEqualTo(FALLBACK);
    }

    @Test
    void namesAreTheMapKeys() {
        MicroConfig config = MicroConfig.of(Map.of(KEY, "a", "micro.client.greeter.retries", "2"));

        assertThat(config.names()).containsExactlyInAnyOrder(KEY, "micro.client.greeter.retries");
        assertThat(MicroConfig.of(Map.of()).names()).isEmpty();
    }

    @Test
    void toStringHidesValues() {
        assertThat(MicroConfig.of(Map.of("micro.transport.http.tls.keystore-password", "secret")).toString())
                .doesNotContain("secret");
    }

    @Test
    void mapIsCopied() {
        java.util.HashMap<String, String> values = new java.util.HashMap<>(Map.of(KEY, "a"));
        MicroConfig config = MicroConfig.of(values);

        values.put(KEY, "b");

        assertThat(config.get(KEY)).contains("a");
    }

    @Test
    void durationUnits() {
        assertThat(duration("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(duration("5s")).isEqualTo(Duration.ofSeconds(5));
        assertThat(duration("1m")).isEqualTo(Duration.ofMinutes(1));
        assertThat(duration("2h")).isEqualTo(Duration.ofHours(2));
        assertThat(duration("1d")).isEqualTo(Duration.ofDays(1));
        assertThat(duration("250us")).isEqualTo(Duration.ofNanos(250_000));
        assertThat(duration("100ns")).isEqualTo(Duration.ofNanos(100));
    }

    @Test
    void durationBareNumberIsSeconds() {
        assertThat(duration("30")).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void durationFractionsAndCaseAndSpaces() {
        assertThat(duration("1.5s")).isEqualTo(Duration.ofMillis(1500));
        assertThat(duration("5S")).isEqualTo(Duration.ofSeconds(5));
        assertThat(duration("10 ms")).isEqualTo(Duration.ofMillis(10));
        assertThat(duration(" 2h ")).isEqualTo(Duration.ofHours(2));
    }

    @Test
    void durationIso8601() {
        assertThat(duration("PT5S")).isEqualTo(Duration.ofSeconds(5));
        assertThat(duration("pt1m30s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(duration("P1D")).isEqualTo(Duration.ofDays(1));
    }

    @Test
    void durationUnsetIsFallback() {
        assertThat(MicroConfig.of(Map.of()).duration(KEY, FALLBACK)).isSameAs(FALLBACK);
    }

    @Test
    void badDurationsNameTheKeyAndValue() {
        for (String bad : new String[] {"abc", "5x", "s", "ms5", "-5s", "1.2.3s", ".", "PTxS", "5 sec"}) {
            assertThatThrownBy(() -> duration(bad))
                    .as(bad)
                    .isInstanceOf(ConfigException.class)
                    .hasMessageStartingWith(KEY + "=")
                    .hasMessageContaining("expected: a duration such as 500ms, 5s, 1m, 2h or PT5S");
        }
    }

    @Test
    void zeroDurationRejectedUnlessFallbackIsZero() {
        assertThatThrownBy(() -> duration("0"))
                .isInstanceOf(ConfigException.class)
                .hasMessage(KEY + "=0 (expected: a duration > 0)");
        assertThatThrownBy(() -> duration("PT0S")).hasMessageContaining(KEY);
        assertThat(config("0s").duration(KEY, Duration.ZERO)).isZero();
    }

    @Test
    void negativeIsoDurationRejected() {
        assertThatThrownBy(() -> duration("PT-5S"))
                .isInstanceOf(ConfigException.class)
                .hasMessage(KEY + "=PT-5S (expected: a duration > 0)");
        assertThatThrownBy(() -> config("PT-5S").duration(KEY, Duration.ZERO))
                .isInstanceOf(ConfigException.class);
    }

    @Test
    void integerWithinBoundsInclusive() {
        assertThat(config("1").integer(KEY, 5, 1, 10)).isEqualTo(1);
        assertThat(config("10").integer(KEY, 5, 1, 10)).isEqualTo(10);
        assertThat(config("-3").integer(KEY, 5, -5, 10)).isEqualTo(-3);
        assertThat(MicroConfig.of(Map.of()).integer(KEY, 5, 1, 10)).isEqualTo(5);
    }

    @Test
    void integerOutOfBoundsNamesRange() {
        assertThatThrownBy(() -> config("0").integer(KEY, 5, 1, 10))
                .isInstanceOf(ConfigException.class)
                .hasMessage(KEY + "=0 (expected: an integer in [1, 10])");
        assertThatThrownBy(() -> config("11").integer(KEY, 5, 1, 10))
                .hasMessage(KEY + "=11 (expected: an integer in [1, 10])");
    }

    @Test
    void integerNotANumber() {
        for (String bad : new String[] {"ten", "1.5", "0x10", "99999999999"}) {
            assertThatThrownBy(() -> config(bad).integer(KEY, 5, Integer.MIN_VALUE, Integer.MAX_VALUE))
                    .as(bad)
                    .isInstanceOf(ConfigException.class)
                    .hasMessageStartingWith(KEY + "=" + bad + " (expected: an integer in [");
        }
    }

    @Test
    void sizeUnitsArePowersOf1024() {
        assertThat(size("512")).isEqualTo(512);
        assertThat(size("64k")).isEqualTo(64L * 1024);
        assertThat(size("4m")).isEqualTo(4L * 1024 * 1024);
        assertThat(size("4mb")).isEqualTo(4L * 1024 * 1024);
        assertThat(size("1g")).isEqualTo(1024L * 1024 * 1024);
        assertThat(size("8gb")).isEqualTo(8L * 1024 * 1024 * 1024);
    }

    @Test
    void sizeIgnoresCaseAndInnerSpace() {
        assertThat(size("64K")).isEqualTo(64L * 1024);
        assertThat(size("4MB")).isEqualTo(4L * 1024 * 1024);
        assertThat(size("2 kb")).isEqualTo(2048);
        assertThat(size("1")).isEqualTo(1);
    }

    @Test
    void sizeUnsetIsFallback() {
        assertThat(MicroConfig.of(Map.of()).size(KEY, 4096)).isEqualTo(4096);
    }

    @Test
    void badSizesNameTheKey() {
        for (String bad : new String[] {"0", "-1", "k", "mb", "b", "4t", "4.5m", "lots", "99999999999g"}) {
            assertThatThrownBy(() -> size(bad))
                    .as(bad)
                    .isInstanceOf(ConfigException.class)
                    .hasMessage(KEY + "=" + bad + " (expected: a size >= 1 such as 512, 64k, 4m or 1g)");
        }
    }

    @Test
    void boolAcceptsTrueAndFalseInAnyCase() {
        assertThat(config("true").bool(KEY, false)).isTrue();
        assertThat(config("TRUE").bool(KEY, false)).isTrue();
        assertThat(config("False").bool(KEY, true)).isFalse();
        assertThat(MicroConfig.of(Map.of()).bool(KEY, true)).isTrue();
    }

    @Test
    void boolRejectsOtherWords() {
        for (String bad : new String[] {"yes", "1", "on", "tru"}) {
            assertThatThrownBy(() -> config(bad).bool(KEY, false))
                    .as(bad)
                    .isInstanceOf(ConfigException.class)
                    .hasMessage(KEY + "=" + bad + " (expected: true or false)");
        }
    }

    @Test
    void oneOfReturnsLowerCase() {
        assertThat(config("MEMORY").oneOf(KEY, "mdns", List.of("mdns", "memory"))).isEqualTo("memory");
        assertThat(MicroConfig.of(Map.of()).oneOf(KEY, "MDNS", List.of("mdns", "memory")))
                .isEqualTo("mdns");
    }

    @Test
    void oneOfListsAllowedValues() {
        assertThatThrownBy(() -> config("etcd").oneOf(KEY, "mdns", List.of("mdns", "memory")))
                .isInstanceOf(ConfigException.class)
                .hasMessage(KEY + "=etcd (expected: one of mdns, memory)");
    }

    @Test
    void oneOfChecksTheFallbackToo() {
        assertThatThrownBy(() -> MicroConfig.of(Map.of()).oneOf(KEY, "nope", List.of("a")))
                .isInstanceOf(ConfigException.class)
                .hasMessage(KEY + "=nope (expected: one of a)");
    }

    @Test
    void configExceptionIsAnIllegalArgumentException() {
        assertThatThrownBy(() -> config("x").bool(KEY, false)).isInstanceOf(IllegalArgumentException.class);
    }
}
