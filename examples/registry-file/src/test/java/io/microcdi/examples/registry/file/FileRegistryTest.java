package io.microcdi.examples.registry.file;

import io.microcdi.config.ConfigException;
import io.microcdi.config.MicroConfig;
import io.microcdi.registry.Registry;
import io.microcdi.testing.registry.RegistryContract;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The {@code file} registry passes {@link RegistryContract}: every instance of a test shares one directory. */
class FileRegistryTest extends RegistryContract {

    @TempDir
    Path directory;

    @Override
    protected Registry newRegistry() {
        return new FileRegistryProvider().create(MicroConfig.of(Map.of(
                FileRegistryConfig.DIRECTORY, directory.toString(),
                FileRegistryConfig.POLL_INTERVAL, "50ms")));
    }

    /** Polled every 50 ms, a removal shows well within a second. */
    @Override
    protected Duration removalTimeout() {
        return Duration.ofSeconds(1);
    }

    @Test
    void aBadKeyFailsNamingIt() throws Exception {
        Path notADirectory = Files.writeString(directory.resolve("plain-file"), "x");

        assertThatThrownBy(() -> FileRegistryConfig.from(MicroConfig.of(Map.of(
                FileRegistryConfig.DIRECTORY, notADirectory.resolve("sub").toString()))))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("micro.registry.file.directory=" + notADirectory.resolve("sub"));
        assertThatThrownBy(() -> FileRegistryConfig.from(MicroConfig.of(Map.of(
                FileRegistryConfig.POLL_INTERVAL, "often"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("micro.registry.file.poll-interval=often");
        assertThat(FileRegistryConfig.from(MicroConfig.of(Map.of(
                FileRegistryConfig.DIRECTORY, directory.toString()))))
                .isEqualTo(new FileRegistryConfig(directory.toAbsolutePath(), Duration.ofSeconds(1)));
    }
}
