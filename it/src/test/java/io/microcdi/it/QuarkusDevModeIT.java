package io.microcdi.it;

import io.microcdi.registry.Node;
import io.microcdi.registry.Registry;
import io.microcdi.registry.Service;
import io.microcdi.registry.mdns.MdnsRegistry;
import io.microcdi.registry.mdns.MdnsRegistryConfig;
import io.microcdi.testing.Engines;
import io.microcdi.testing.ExternalProcess;
import io.microcdi.testing.FreePorts;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Quarkus' dev mode, as a user runs it: {@code ./mvnw quarkus:dev} (the repository's wrapper, Maven 3.9) on a copy of
 * {@code examples/quarkus-greeter}, then a change to {@code Greeter.java} while it runs. The greeter registers over
 * mDNS on loopback and answers; after the change, the next request restarts the application, the old server leaves
 * the registry and the new one registers on a new port, and the changed answer comes back through the REST endpoint's
 * {@code @MicroClient} and on Go Micro's wire. The Dev UI answers. Stopping Maven (SIGTERM) stops the application,
 * which deregisters.
 *
 * <p>The copy takes MicroCDI and the example's parent poms from the local Maven repository, as a user's project
 * does: {@code scripts/test} ({@code ./mvnw install}) puts them there before this module runs. Prints
 * {@code [QuarkusDevModeIT] ...} lines with the times.
 */
class QuarkusDevModeIT {

    private static final Pattern SERVING = Pattern.compile("serving \\[greeter\\] on (\\S+)");
    private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    /** Maven's start, the compile and the first boot; resolving dev mode's own artifacts on a first run. */
    private static final Duration START = Duration.ofMinutes(4);
    private static final Duration RELOAD = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void changedServiceIsReloadedAndRegisteredAgain() throws Exception {
        Path repository = Path.of(System.getProperty("it.maven.repo.local",
                Path.of(System.getProperty("user.home"), ".m2", "repository").toString()));
        assumeSnapshotInstalled(repository);
        Path project = copyExample(dir.resolve("quarkus-greeter"));
        int httpPort = FreePorts.one();
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        URI hello = URI.create("http://127.0.0.1:" + httpPort + "/hello/John");

        try (Registry registry = new MdnsRegistry(MdnsRegistryConfig.defaults());
             ExternalProcess dev = ExternalProcess.builder(mvnw().toString(), "-B", "-ntp", "quarkus:dev",
                             "-Dmaven.repo.local=" + repository,
                             "-Ddebug=false",                                  // no debugger port (5005)
                             "-Dquarkus.console.enabled=false",                // no key bindings: stdin is /dev/null
                             "-Dquarkus.test.continuous-testing=disabled",
                             "-Dquarkus.analytics.disabled=true",
                             "-Dquarkus.http.host=127.0.0.1",
                             "-Dquarkus.http.port=" + httpPort,
                             "-Dmicro.server.metadata=it.run=" + RUN,
                             "-Dmicro.client.greeter.labels=it.run=" + RUN,    // /hello calls this greeter only
                             "-Dorders.topic=orders-" + RUN)
                     .directory(project).name("quarkus-dev").log(log()).stopTimeout(Duration.ofSeconds(20))
                     .start()) {
            long t0 = System.nanoTime();
            String first = address(dev.awaitLogLine(SERVING, START));
            await("the greeter at " + first + " listed").atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(20))
                    .until(() -> ours(registry).contains(first));
            long listed = millisSince(t0);
            assertThat(get(http, hello)).as(dev.logTail(40)).isEqualTo("Hello John");
            // the Dev UI is served too (on Quarkus 3.33.2 its artifacts resolve from Maven Central)
            assertThat(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/q/dev-ui/"))
                    .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.discarding())
                    .statusCode()).as("GET /q/dev-ui/").isEqualTo(200);
            report("./mvnw quarkus:dev to the greeter listed in this JVM's registry: %d ms (Maven, compile, boot)",
                    listed);

            Path source = project.resolve("src/main/java/io/microcdi/examples/quarkus/greeter/Greeter.java");
            String code = Files.readString(source);
            assertThat(code).contains("\"Hello \" + req.name()");
            Files.writeString(source, code.replace("\"Hello \" + req.name()", "\"Howdy \" + req.name()"));
            long t1 = System.nanoTime();

            // dev mode looks for changes when a request comes in: this one waits for the restart and gets the new code
            await("the changed answer").atMost(RELOAD).pollInterval(Duration.ofMillis(200))
                    .ignoreExceptionsInstanceOf(UncheckedIOException.class)
                    .until(() -> get(http, hello), "Howdy John"::equals);
            long answered = millisSince(t1);
            String second = address(dev.awaitLogLine(SERVING, RELOAD));
            assertThat(second).as("the restarted server's address").isNotEqualTo(first);
            await("the old node gone, the new one listed").atMost(Duration.ofSeconds(10))
                    .pollInterval(Duration.ofMillis(20))
                    .until(() -> ours(registry).equals(Set.of(second)));
            long reRegistered = millisSince(t1);
            assertThat(wire(http, second)).isEqualTo("{\"greeting\":\"Howdy John\"}");
            report("Greeter.java changed: the answer changed after %d ms, the new node (%s, was %s) alone in the "
                    + "registry after %d ms", answered, second, first, reRegistered);

            List<ProcessHandle> tree = ProcessHandle.of(dev.pid()).map(p -> p.descendants().toList())
                    .orElse(List.of());
            dev.stop();
            await("every process of the dev mode run gone").atMost(Duration.ofSeconds(20))
                    .until(() -> tree.stream().noneMatch(ProcessHandle::isAlive));
            // the application stopped, not killed: it deregistered on its way out
            await("the node gone after the stop").atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20))
                    .until(() -> ours(registry).isEmpty());
        }
    }

    /** {@code target/it-logs/quarkus-dev-<run>.log}: Maven's output and the application's. */
    private static Path log() throws IOException {
        Path logs = Files.createDirectories(Path.of(System.getProperty("basedir", "."), "target", "it-logs"));
        return logs.resolve("quarkus-dev-" + RUN + ".log");
    }

    /** The repository's Maven wrapper. */
    private static Path mvnw() {
        Path mvnw = Path.of(System.getProperty("mvnw", "../mvnw")).toAbsolutePath().normalize();
        assertThat(mvnw).as("the Maven wrapper").isExecutable();
        return mvnw;
    }

    /** The example's pom and main sources (no tests: dev mode would compile them too) into {@code to}. */
    private static Path copyExample(Path to) throws IOException {
        Path from = Path.of(System.getProperty("quarkus-greeter.dir", "../examples/quarkus-greeter"));
        Files.createDirectories(to);
        Files.copy(from.resolve("pom.xml"), to.resolve("pom.xml"));
        Path main = from.resolve("src/main");
        try (Stream<Path> files = Files.walk(main)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Path target = to.resolve("src/main").resolve(main.relativize(f).toString());
                Files.createDirectories(target.getParent());
                Files.copy(f, target, StandardCopyOption.REPLACE_EXISTING);
            }
        }
        return to;
    }

    private static void assumeSnapshotInstalled(Path repository) {
        Path microcdi = repository.resolve("io/microcdi");
        boolean installed = Files.isDirectory(microcdi.resolve("microcdi-quarkus-deployment/0.1.0-SNAPSHOT"))
                && Files.isDirectory(microcdi.resolve("examples/microcdi-examples/0.1.0-SNAPSHOT"));
        String why = "MicroCDI 0.1.0-SNAPSHOT (the Quarkus extension, the examples' parent) is not in " + repository
                + ": scripts/test installs it (./mvnw install) before this test runs";
        if (!installed && Engines.required()) {
            fail(why);
        }
        Assumptions.assumeTrue(installed, why);
    }

    /** This run's greeter nodes, by address. */
    private static Set<String> ours(Registry registry) {
        Set<String> addresses = new TreeSet<>();
        for (Service s : registry.getService("greeter")) {
            for (Node n : s.nodes()) {
                if (RUN.equals(n.metadata().get("it.run"))) {
                    addresses.add(n.address());
                }
            }
        }
        return addresses;
    }

    private static String address(String servingLine) {
        Matcher m = SERVING.matcher(servingLine);
        assertThat(m.find()).as(servingLine).isTrue();
        return m.group(1);
    }

    private static String get(HttpClient http, URI uri) {
        return send(http, HttpRequest.newBuilder(uri).timeout(RELOAD).GET().build());
    }

    private static String wire(HttpClient http, String address) {
        return send(http, HttpRequest.newBuilder(URI.create("http://" + address + "/")).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json").header("Micro-Service", "greeter")
                .header("Micro-Endpoint", "Greeter.Hello")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"John\"}")).build());
    }

    private static String send(HttpClient http, HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }

    private static void report(String format, Object... args) {
        System.out.println("[QuarkusDevModeIT] " + String.format(format, args));
    }
}
