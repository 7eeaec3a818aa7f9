package io.microcdi.it.liberty;

import io.microcdi.testing.ExternalProcess;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Open Liberty server that the liberty-maven-plugin installed into {@code target/liberty/wlp} (server {@code it},
 * with {@code examples/liberty-greeter}'s server.xml), run in the foreground by {@code bin/server run} as a process
 * this test owns: its HTTP port on 127.0.0.1 in {@code bootstrap.properties}, MicroCDI's settings in its environment,
 * the WAR in {@code apps/}.
 *
 * <pre>{@code
 * try (LibertyServer liberty = LibertyServer.start(Map.of("MICRO_SERVER_ADDRESS", "127.0.0.1:" + port))) {
 *     liberty.httpPort();          // /api/hello/{name}
 *     liberty.override("micro.client.greeter.labels", "runtime=liberty");   // a server.xml variable, for...
 *     liberty.redeploy();          // a new copy of the WAR: Liberty stops the application and starts it again
 * }                                // SIGTERM: Liberty stops the application and the server
 * }</pre>
 */
final class LibertyServer implements AutoCloseable {

    /** {@code CWWKF0011I: The it server is ready to run a smarter planet. The it server started in 7.123 seconds.} */
    private static final Pattern SERVER_READY = Pattern.compile("CWWKF0011I:.* started in ([0-9.,]+) seconds");
    /** {@code CWWKZ0001I: Application liberty-greeter started in 2.345 seconds.} */
    private static final Pattern APP_STARTED = Pattern.compile("CWWKZ0001I: Application liberty-greeter started in "
            + "([0-9.,]+) seconds");
    /** {@code CWWKG0017I: The server configuration was successfully updated in 0.024 seconds.} */
    private static final Pattern CONFIG_UPDATED = Pattern.compile("CWWKG0017I:");
    /** Where {@link #override} writes: a server.xml part Liberty reads above server.xml itself. */
    private static final String OVERRIDES = "configDropins/overrides/microcdi-it.xml";
    /** {@code CWWKZ0003I: The application liberty-greeter updated in 1.234 seconds.} */
    private static final Pattern APP_UPDATED = Pattern.compile("CWWKZ0003I: .*liberty-greeter updated in "
            + "([0-9.,]+) seconds");

    private final Path serverDir;
    private final Path war;
    private final int httpPort;
    private final ExternalProcess process;
    private final double serverStartSeconds;
    private final double appStartSeconds;

    private LibertyServer(Path serverDir, Path war, int httpPort, ExternalProcess process, double serverStartSeconds,
                          double appStartSeconds) {
        this.serverDir = serverDir;
        this.war = war;
        this.httpPort = httpPort;
        this.process = process;
        this.serverStartSeconds = serverStartSeconds;
        this.appStartSeconds = appStartSeconds;
    }

    /** Starts the server with the WAR deployed and {@code env} in its environment; returns once the app started. */
    static LibertyServer start(int httpPort, Map<String, String> env) {
        Path wlp = Path.of(System.getProperty("liberty.wlp", "target/liberty/wlp"));
        String name = System.getProperty("liberty.server", "it");
        Path serverDir = wlp.resolve("usr/servers").resolve(name);
        Path war = Path.of(System.getProperty("liberty.war",
                "../../examples/liberty-greeter/target/liberty-greeter.war"));
        if (!Files.isDirectory(serverDir) || !Files.isRegularFile(war)) {
            throw new IllegalStateException("no server at " + serverDir + " or no WAR at " + war
                    + ": run through Maven (mvn verify -pl it/liberty -am), whose pre-integration-test phase installs "
                    + "Open Liberty, after examples/liberty-greeter is packaged");
        }
        try {
            Files.writeString(serverDir.resolve("bootstrap.properties"), "http.port=" + httpPort + "\n");
            // a small server that starts fast on two busy cores; loopback multicast as the tests' other JVMs
            // SoftRefLRUPolicyMSPerMB=0: a full GC clears soft references (Jackson's buffer recyclers on Liberty's
            // threads are held so), so what a class histogram counts after one is only what nothing can collect
            Files.writeString(serverDir.resolve("jvm.options"), String.join("\n",
                    "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Djava.net.preferIPv4Stack=true",
                    "-XX:SoftRefLRUPolicyMSPerMB=0", ""));
            Files.deleteIfExists(serverDir.resolve(OVERRIDES));
            deleteTree(serverDir.resolve("logs"));
            deleteTree(serverDir.resolve("workarea"));
            Files.createDirectories(serverDir.resolve("apps"));
            Files.copy(war, serverDir.resolve("apps/liberty-greeter.war"), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Path console = Path.of("target", "it-logs", "liberty-console.log");
        try {
            Files.createDirectories(console.getParent());
            Files.deleteIfExists(console);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ExternalProcess.Builder builder = ExternalProcess.builder(wlp.resolve("bin/server").toString(), "run", name)
                .name("liberty")
                .log(console)
                .env("JAVA_HOME", System.getProperty("java.home"))
                // after the applications it starts with: Liberty waits for them before it says it is ready
                .readyWhenLogMatches(SERVER_READY.pattern())
                .startTimeout(Duration.ofSeconds(120))
                .stopTimeout(Duration.ofSeconds(30));
        env.forEach(builder::env);
        ExternalProcess process = builder.start();
        try {
            String log = Files.readString(process.log());
            return new LibertyServer(serverDir, war, httpPort, process, seconds(SERVER_READY, log),
                    seconds(APP_STARTED, log));
        } catch (IOException | RuntimeException e) {
            process.close();
            throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
        }
    }

    /** Liberty's own HTTP port on 127.0.0.1. */
    int httpPort() {
        return httpPort;
    }

    /** The server JVM's process id: {@code bin/server run} execs Java. */
    long pid() {
        return process.pid();
    }

    /** What Liberty said it took to start the server (CWWKF0011I), in seconds. */
    double serverStartSeconds() {
        return serverStartSeconds;
    }

    /** What Liberty said it took to start the application the first time (CWWKZ0001I), in seconds. */
    double appStartSeconds() {
        return appStartSeconds;
    }

    /**
     * Replaces the deployed WAR with a new copy of it: Liberty's application monitor sees the change and restarts
     * the application (a new class loader, a new CDI container). Returns the seconds Liberty reports (CWWKZ0003I).
     */
    double redeploy() {
        Path deployed = serverDir.resolve("apps/liberty-greeter.war");
        try {
            Path fresh = serverDir.resolve("liberty-greeter.war.new");
            Files.copy(war, fresh, StandardCopyOption.REPLACE_EXISTING);
            Files.setLastModifiedTime(fresh, FileTime.from(Instant.now()));
            Files.move(fresh, deployed, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String line = process.awaitLogLine(APP_UPDATED, Duration.ofSeconds(60));
        Matcher m = APP_UPDATED.matcher(line);
        return m.find() ? Double.parseDouble(m.group(1).replace(',', '.')) : Double.NaN;
    }

    /**
     * Sets a server.xml variable's value (in {@code configDropins/overrides}), which MicroProfile Config ranks above
     * the environment and every source but the application's {@code <appProperties>}; returns once Liberty applied the
     * change (CWWKG0017I). MicroCDI reads it when the application next starts ({@link #redeploy}).
     */
    void override(String variable, String value) {
        Path file = serverDir.resolve(OVERRIDES);
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, String.format("<server>%n  <variable name=\"%s\" value=\"%s\"/>%n</server>%n",
                    variable, value));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        process.awaitLogLine(CONFIG_UPDATED, Duration.ofSeconds(30));
    }

    /** {@code jcmd <pid> <command...>}'s output. */
    String jcmd(String... command) {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        List<String> args = new ArrayList<>(List.of(jcmd.toString(), Long.toString(pid())));
        args.addAll(List.of(command));
        try {
            Process p = new ProcessBuilder(args).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", args) + " failed:\n" + new String(out));
            }
            return new String(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The tail of the server's console, for assertion messages. */
    String diagnostics() {
        return "--- " + process.log() + " (tail) ---\n" + process.logTail(60);
    }

    /** The whole console output so far. */
    String console() {
        try {
            return Files.readString(process.log());
        } catch (IOException e) {
            return "<" + e + ">";
        }
    }

    /** SIGTERM: Liberty stops the application (MicroCDI deregisters) and the server; SIGKILL after 30 s. */
    @Override
    public void close() {
        process.close();
    }

    private static double seconds(Pattern pattern, String log) {
        Matcher m = pattern.matcher(log);
        return m.find() ? Double.parseDouble(m.group(1).replace(',', '.')) : Double.NaN;
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
