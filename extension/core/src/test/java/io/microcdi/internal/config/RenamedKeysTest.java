package io.microcdi.internal.config;

import io.microcdi.config.MicroConfig;
import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A key that moved to a plugin's namespace fails the start when set under its old name, naming the new one. */
class RenamedKeysTest {

    @Test
    void nothingOldSetIsNoProblem() {
        assertThat(RenamedKeys.problems(MicroConfig.of(Map.of("micro.transport.http.pool-size", "10",
                "micro.client.retries", "2")))).isEmpty();
    }

    @Test
    void anOldKeyNamesItsNewOneAndHidesItsValue() {
        assertThat(RenamedKeys.problems(MicroConfig.of(Map.of(
                "micro.client.pool-size", "10",
                "micro.transport.tls.keystore-password", "secret"))))
                .containsExactly(
                        "micro.client.pool-size is no longer read (expected: micro.transport.http.pool-size, "
                                + "its new name)",
                        "micro.transport.tls.keystore-password is no longer read (expected: "
                                + "micro.transport.http.tls.keystore-password, its new name)");
    }

    @Test
    void everyOldKeyIsCaughtAndEveryNewOneLivesUnderAPluginName() {
        assertThat(RenamedKeys.RENAMED).hasSize(16);
        RenamedKeys.RENAMED.forEach((old, now) -> {
            assertThat(RenamedKeys.problems(MicroConfig.of(Map.of(old, "1")))).hasSize(1);
            assertThat(now).matches("micro\\.(transport\\.http|broker\\.http|registry\\.mdns)\\..+");
        });
    }

    @Test
    void anOldKeyFromTheEnvironmentIsCaught() {
        MicroConfig c = DefaultMicroConfig.of(new SmallRyeConfigBuilder()
                .withSources(new EnvConfigSource(Map.of("MICRO_SERVER_MAX_BODY_SIZE", "8m"), 300)).build());

        assertThat(RenamedKeys.problems(c)).singleElement().asString()
                .startsWith("micro.server.max-body-size is no longer read (expected: "
                        + "micro.transport.http.max-body-size");
    }
}
