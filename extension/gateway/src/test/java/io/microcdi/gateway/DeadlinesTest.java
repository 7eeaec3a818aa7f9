package io.microcdi.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.microcdi.errors.MicroException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class DeadlinesTest {

    private static final Duration FIVE = Duration.ofSeconds(5);
    private static final Duration MAX = Duration.ofSeconds(60);

    @Test
    void goMicrosNanosecondsOrADuration() {
        assertThat(Deadlines.of("2000000000", FIVE, MAX)).isEqualTo(Duration.ofSeconds(2));
        assertThat(Deadlines.of("250ms", FIVE, MAX)).isEqualTo(Duration.ofMillis(250));
        assertThat(Deadlines.of(" 3s ", FIVE, MAX)).isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void noHeaderIsTheClientsTimeoutAndNoneExceedsTheMaximum() {
        assertThat(Deadlines.of(null, FIVE, MAX)).isEqualTo(FIVE);
        assertThat(Deadlines.of("", FIVE, MAX)).isEqualTo(FIVE);
        assertThat(Deadlines.of("1h", FIVE, MAX)).isEqualTo(MAX);
        assertThat(Deadlines.of(null, Duration.ofMinutes(5), MAX)).isEqualTo(MAX);
    }

    @Test
    void anythingElseIsTheCallersMistake() {
        for (String bad : new String[] {"0", "soon", "-5", "99999999999999999999999"}) {
            assertThatThrownBy(() -> Deadlines.of(bad, FIVE, MAX)).isInstanceOfSatisfying(MicroException.class,
                    e -> {
                        assertThat(e.code()).isEqualTo(400);
                        assertThat(e.id()).isEqualTo("go.micro.api");
                        assertThat(e.detail()).startsWith("Timeout: " + bad);
                    });
        }
    }
}
