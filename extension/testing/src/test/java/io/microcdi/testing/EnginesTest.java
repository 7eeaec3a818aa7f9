package io.microcdi.testing;

import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EnginesTest {

    @Test
    void aMissingEngineAbortsTheTestUnlessEnginesAreRequiredThenItFails() {
        assertThatCode(() -> Engines.assumeInstalled("nats-server", "nats-server", true, true))
                .doesNotThrowAnyException();
        assertThatCode(() -> Engines.assumeInstalled("nats-server", "nats-server", true, false))
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> Engines.assumeInstalled("nats-server", "nats-server", false, false))
                .isInstanceOf(TestAbortedException.class)
                .hasMessage("nats-server not installed: scripts/test installs Debian's nats-server"
                        + " (apt-get install nats-server)");
        assertThatThrownBy(() -> Engines.assumeInstalled("etcd", "etcd-server", false, true))
                .isInstanceOf(AssertionFailedError.class)
                .hasMessageContaining("etcd not installed: scripts/test installs Debian's etcd-server")
                .hasMessageContaining("engines are required here (microcdi.engines.required=true or"
                        + " MICROCDI_ENGINES_REQUIRED=true)");
        assertThatThrownBy(() -> Engines.assumeInstalled("no-such-engine-" + System.nanoTime(), "nothing"))
                .isInstanceOfAny(TestAbortedException.class, AssertionFailedError.class)
                .hasMessageContaining("apt-get install nothing");
    }

    @Test
    void theSystemPropertyOrTheEnvironmentVariableRequiresEngines() {
        String before = System.getProperty(Engines.REQUIRED_PROPERTY);
        boolean byEnvironment = "true".equalsIgnoreCase(String.valueOf(System.getenv(Engines.REQUIRED_ENV)).trim());
        try {
            System.setProperty(Engines.REQUIRED_PROPERTY, " TRUE ");
            assertThat(Engines.required()).isTrue();
            System.setProperty(Engines.REQUIRED_PROPERTY, "false");
            assertThat(Engines.required()).isEqualTo(byEnvironment);
            System.clearProperty(Engines.REQUIRED_PROPERTY);
            assertThat(Engines.required()).isEqualTo(byEnvironment);
        } finally {
            if (before == null) {
                System.clearProperty(Engines.REQUIRED_PROPERTY);
            } else {
                System.setProperty(Engines.REQUIRED_PROPERTY, before);
            }
        }
    }

    @Test
    void findLooksOnThePathFirstThenInTheSystemDirectories() throws Exception {
        assertThat(Engines.find("sh")).get().satisfies(p -> assertThat(p).isExecutable());
        assertThat(Engines.find("no-such-program-" + System.nanoTime())).isEmpty();
        Path inSbin = Engines.SYSTEM_DIRECTORIES.stream().map(d -> d.resolve("nats-server"))
                .filter(Files::isExecutable).findFirst().orElse(null);
        if (inSbin == null) {
            return; // nothing installed in a system directory to find without PATH
        }
        // a JVM whose PATH lacks the system directories (a non-root user's, a non-login shell's) still finds it
        try (ExternalProcess child = ExternalProcess.java(FindOnShortPath.class, "nats-server")
                .env("PATH", "/usr/bin:/bin")
                .readyWhenLogMatches("^FOUND ")
                .startTimeout(Duration.ofSeconds(30))
                .start()) {
            assertThat(Files.readAllLines(child.log())).contains("PATH /usr/bin:/bin", "FOUND " + inSbin);
        }
    }

    /** Prints its {@code PATH} and where {@link Engines#find(String)} finds its argument. */
    static final class FindOnShortPath {

        public static void main(String[] args) throws Exception {
            System.out.println("PATH " + System.getenv("PATH"));
            System.out.println("FOUND " + Engines.find(args[0]).map(Path::toString).orElse("(nothing)"));
            System.out.flush();
            Thread.currentThread().join();
        }
    }
}
