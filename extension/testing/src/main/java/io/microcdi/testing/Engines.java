package io.microcdi.testing;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The engines tests start as real processes (etcd, nats-server): where to find one, and what a test does when it is
 * missing. A plain {@code mvn verify} skips such a test (aborted, with the reason); where engines are required, as
 * under {@code scripts/test}, it fails instead, so that a machine without the engine cannot pass silently.
 *
 * <pre>{@code
 * Engines.assumeInstalled("nats-server", "nats-server");      // skipped, or failed when engines are required
 * Path program = Engines.find("nats-server").orElseThrow();   // PATH first, then /usr/local/sbin, /usr/sbin, /sbin
 * }</pre>
 *
 * <p>Engines are required when the system property {@value #REQUIRED_PROPERTY} or the environment variable
 * {@value #REQUIRED_ENV} is {@code "true"} (case ignored): surefire hands the property to the forked test JVMs, and
 * the variable reaches JVMs the tests start themselves.
 */
public final class Engines {

    /**
     * The system property that, when {@code "true"}, makes {@link #assumeInstalled(String, String)} fail instead of
     * abort when the engine is missing ({@code scripts/test} sets it).
     *
     * <pre>{@code
     * mvn verify -Dmicrocdi.engines.required=true
     * }</pre>
     */
    public static final String REQUIRED_PROPERTY = "microcdi.engines.required";

    /**
     * The environment variable that, when {@code "true"}, has the effect of {@link #REQUIRED_PROPERTY}.
     *
     * <pre>{@code
     * MICROCDI_ENGINES_REQUIRED=true mvn verify
     * }</pre>
     */
    public static final String REQUIRED_ENV = "MICROCDI_ENGINES_REQUIRED";

    /**
     * Where Debian and others install daemons, looked at after {@code PATH}: a non-root user's {@code PATH} often lacks
     * them, and Debian's {@code nats-server} package puts its program in {@code /usr/sbin}.
     *
     * <pre>{@code
     * Engines.SYSTEM_DIRECTORIES   // [/usr/local/sbin, /usr/sbin, /sbin]
     * }</pre>
     */
    public static final List<Path> SYSTEM_DIRECTORIES = List.of(Path.of("/usr/local/sbin"), Path.of("/usr/sbin"),
            Path.of("/sbin"));

    private Engines() {
    }

    /**
     * Whether engines are required: {@value #REQUIRED_PROPERTY} or {@value #REQUIRED_ENV} is {@code "true"}.
     *
     * <pre>{@code
     * if (!Engines.required()) { ... }   // a plain mvn run: a missing engine skips the test
     * }</pre>
     */
    public static boolean required() {
        return isTrue(System.getProperty(REQUIRED_PROPERTY)) || isTrue(System.getenv(REQUIRED_ENV));
    }

    /**
     * {@code program} as an executable file: the first one on {@code PATH}, else the first one in
     * {@link #SYSTEM_DIRECTORIES}, else nothing.
     *
     * <pre>{@code
     * Optional<Path> nats = Engines.find("nats-server");   // /usr/sbin/nats-server on Debian
     * }</pre>
     */
    public static Optional<Path> find(String program) {
        Objects.requireNonNull(program, "program");
        return ExternalProcess.onPath(program).or(() -> SYSTEM_DIRECTORIES.stream()
                .map(dir -> dir.resolve(program))
                .filter(Files::isExecutable)
                .findFirst());
    }

    /**
     * Returns when {@code program} is installed ({@link #find(String)}); otherwise fails the calling test when engines
     * are {@linkplain #required() required}, and aborts it (skipped, with the reason) when they are not. The message
     * names the Debian package that {@code scripts/test} installs.
     *
     * <pre>{@code
     * Engines.assumeInstalled("etcd", "etcd-server");
     * }</pre>
     *
     * @throws org.opentest4j.TestAbortedException  when it is missing and engines are not required
     * @throws org.opentest4j.AssertionFailedError when it is missing and engines are required
     */
    public static void assumeInstalled(String program, String debianPackage) {
        Objects.requireNonNull(debianPackage, "debianPackage");
        assumeInstalled(program, debianPackage, find(program).isPresent(), required());
    }

    /**
     * The decision of {@link #assumeInstalled(String, String)} on facts found elsewhere: for an engine that is not a
     * program on {@code PATH} (a forked JVM from Maven artifacts), and for tests of a harness's skip-or-fail logic.
     *
     * <pre>{@code
     * Engines.assumeInstalled("kafka", "(Maven artifacts)", kafkaJarResolved, Engines.required());
     * }</pre>
     *
     * @throws org.opentest4j.TestAbortedException  when {@code installed} is false and {@code required} is false
     * @throws org.opentest4j.AssertionFailedError when {@code installed} is false and {@code required} is true
     */
    public static void assumeInstalled(String program, String debianPackage, boolean installed, boolean required) {
        Objects.requireNonNull(program, "program");
        Objects.requireNonNull(debianPackage, "debianPackage");
        if (installed) {
            return;
        }
        String reason = notInstalled(program, debianPackage);
        if (required) {
            Assertions.fail(reason + "; engines are required here (" + REQUIRED_PROPERTY + "=true or "
                    + REQUIRED_ENV + "=true)");
        }
        Assumptions.abort(reason);
    }

    /**
     * Why a test cannot run: {@code "etcd not installed: scripts/test installs Debian's etcd-server (apt-get install
     * etcd-server)"}.
     *
     * <pre>{@code
     * throw new IllegalStateException(Engines.notInstalled("nats-server", "nats-server"));
     * }</pre>
     */
    public static String notInstalled(String program, String debianPackage) {
        return program + " not installed: scripts/test installs Debian's " + debianPackage + " (apt-get install "
                + debianPackage + ")";
    }

    private static boolean isTrue(String value) {
        return value != null && "true".equalsIgnoreCase(value.trim());
    }
}
