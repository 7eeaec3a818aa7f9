package io.microcdi.testing.kafka;

import io.microcdi.testing.EngineProcess;
import io.microcdi.testing.Engines;
import io.microcdi.testing.ExternalProcess;
import io.microcdi.testing.FreePorts;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * A real Kafka broker on the loopback interface for tests: Kafka 4.3.1 in KRaft mode, one node that is broker and
 * controller, run in a JVM of its own from the Maven artifacts of {@code org.apache.kafka:kafka_2.13} (no Docker, no
 * download at test time), on free loopback ports, its log directory in a temporary directory that {@link #close()}
 * deletes.
 *
 * <pre>{@code
 * KafkaServer.assumeAvailable();                 // skips without the jars, or fails where engines are required
 * try (KafkaServer kafka = KafkaServer.start()) {   // returns once an admin client sees the cluster (about 10 s)
 *     broker = newBroker(kafka.bootstrapServers());  // "127.0.0.1:PORT"
 *     kafka.kill();                                  // SIGKILL, as a crash would
 *     kafka.restart();                               // same ports, same data
 * }   // stopped, the directory deleted
 * KafkaServer shared = KafkaServer.shared();     // one per test JVM, stopped when it ends: start it once per module
 * }</pre>
 *
 * <p><b>Where the jars come from.</b> This module depends on {@code kafka_2.13} in {@code provided} scope (so a user of
 * it does not get the broker on the test class path), and its build writes the broker's jars, Maven coordinates and
 * local paths, into the resource {@code kafka-server.classpath} ({@code maven-dependency-plugin:list}). Building this
 * module ({@code ./mvnw install}) therefore puts them in the local repository. At test time each jar is taken from
 * the path recorded, or from the local repository ({@code maven.repo.local}, else {@code ~/.m2/repository}); the
 * system property {@value #CLASSPATH_PROPERTY} (a class path) overrides both.
 *
 * <p><b>Never left running.</b> The broker is an {@link ExternalProcess} (stopped by {@link #close()}, or by a shutdown
 * hook), and its main class, {@link KafkaServerMain}, halts it and deletes its directory when the test JVM is gone,
 * even one killed with SIGKILL.
 *
 * <p>Broker settings for tests: one partition of {@code __consumer_offsets}, replication factor 1 everywhere,
 * {@code group.initial.rebalance.delay.ms=0} (a new group forms at once), sessions down to 500 ms allowed, and
 * {@code auto.create.topics.enable=false} (whoever needs a topic makes it).
 *
 * <p><b>A secured listener.</b> {@link #start(Security, Map)} serves clients on a listener secured with SASL/PLAIN,
 * TLS or both ({@link Security}); the broker itself then talks to itself on a plaintext listener of its own, on
 * another loopback port that {@link #bootstrapServers()} never names.
 *
 * <pre>{@code
 * try (KafkaServer kafka = KafkaServer.start(Security.saslPlain(Map.of("alice", "alice-secret")), Map.of())) {
 *     // clients: security.protocol=SASL_PLAINTEXT, sasl.mechanism=PLAIN, alice / alice-secret
 * }
 * }</pre>
 */
public final class KafkaServer extends EngineProcess implements AutoCloseable {

    /** The Kafka version the broker runs. */
    public static final String VERSION = "4.3.1";

    /** A class path that replaces the recorded jars. */
    public static final String CLASSPATH_PROPERTY = "microcdi.kafka.classpath";

    /** How long {@link #start()} and {@link #restart()} wait for the broker to serve clients. */
    public static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    /**
     * The broker JVM's options unless told: a small heap, and the C1 compiler only (it starts in a few seconds less on
     * two cores; a test's few thousand messages do not need C2).
     */
    public static final List<String> DEFAULT_JVM_OPTIONS = List.of("-Xms256m", "-Xmx768m", "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1");

    private static final String RESOURCE = "kafka-server.classpath";
    private static final Pattern READY = Pattern.compile(Pattern.quote(KafkaServerMain.READY));
    private static KafkaServer shared;

    private final Path directory;
    private final int port;
    private final int controllerPort;
    /** The plaintext listener the broker uses itself when clients get a secured one; {@code 0} when not. */
    private final int internalPort;
    private final Security security;
    private final String clusterId;
    private final Path properties;
    private final String classpath;
    private final List<String> jvmOptions;
    private boolean closed;

    private KafkaServer(Path directory, int port, int controllerPort, int internalPort, Security security,
                        String classpath, List<String> jvmOptions) {
        super("kafka-" + port, directory.resolve("kafka.log"));
        this.directory = directory;
        this.internalPort = internalPort;
        this.security = security;
        this.jvmOptions = jvmOptions;
        this.port = port;
        this.controllerPort = controllerPort;
        this.classpath = classpath;
        byte[] id = new byte[16];
        UUID u = UUID.randomUUID();
        for (int i = 0; i < 8; i++) {
            id[i] = (byte) (u.getMostSignificantBits() >>> (8 * i));
            id[8 + i] = (byte) (u.getLeastSignificantBits() >>> (8 * i));
        }
        this.clusterId = Base64.getUrlEncoder().withoutPadding().encodeToString(id); // 22 characters
        this.properties = directory.resolve("server.properties");
    }

    /**
     * Starts a broker with the test settings on free loopback ports, and returns once it serves clients. When a port
     * was taken meanwhile by another process, it is started once more on new ports.
     *
     * @throws IllegalStateException when the jars are missing ({@link #available()}), or the broker ends or does not
     *                               serve within {@link #START_TIMEOUT}; the message holds its log's tail
     */
    public static KafkaServer start() {
        return start(Map.of());
    }

    /**
     * {@link #start()} with more broker properties ({@code server.properties} lines), which win over the test
     * settings.
     *
     * <pre>{@code
     * KafkaServer.start(Map.of("num.partitions", "3"));
     * }</pre>
     */
    public static KafkaServer start(Map<String, String> brokerProperties) {
        return start(brokerProperties, DEFAULT_JVM_OPTIONS);
    }

    /**
     * {@link #start(Map)} with the broker JVM's options instead of {@link #DEFAULT_JVM_OPTIONS} (a benchmark wants
     * the full JIT, which tests trade for a faster start).
     *
     * <pre>{@code
     * KafkaServer.start(Map.of(), List.of("-Xms1g", "-Xmx1g"));
     * }</pre>
     */
    public static KafkaServer start(Map<String, String> brokerProperties, List<String> jvmOptions) {
        return start(null, brokerProperties, jvmOptions);
    }

    /**
     * {@link #start(Map)} with the clients' listener secured as {@code security} says; {@link #bootstrapServers()}
     * names that listener.
     *
     * <pre>{@code
     * KafkaServer.start(Security.tls(keystore, "secret").withSaslPlain(Map.of("alice", "pw")), Map.of());
     * }</pre>
     */
    public static KafkaServer start(Security security, Map<String, String> brokerProperties) {
        return start(Objects.requireNonNull(security, "security"), brokerProperties, DEFAULT_JVM_OPTIONS);
    }

    private static KafkaServer start(Security security, Map<String, String> brokerProperties,
                                     List<String> jvmOptions) {
        Objects.requireNonNull(brokerProperties, "brokerProperties");
        List<String> options = List.copyOf(jvmOptions);
        String cp = classpath().orElseThrow(() -> new IllegalStateException(missingReason()));
        return EngineProcess.retryIfPortTaken("kafka", () -> startOnce(cp, security, brokerProperties, options));
    }

    private static KafkaServer startOnce(String cp, Security security, Map<String, String> brokerProperties,
                                         List<String> options) {
        Path dir = EngineProcess.newDirectory("microcdi-kafka-");
        int[] ports = FreePorts.distinct(security == null ? 2 : 3);
        KafkaServer k = new KafkaServer(dir, ports[0], ports[1], security == null ? 0 : ports[2], security, cp,
                options);
        EngineProcess.startOrDestroy(List.of(k), () -> {
            k.writeProperties(brokerProperties);
            k.launchBroker();
        }, k::close);
        return k;
    }

    /**
     * The broker of this test JVM, started on first use and stopped (its directory deleted) when the JVM ends: the
     * test classes of a module share it, each using topics and groups of its own.
     *
     * <pre>{@code
     * @BeforeAll static void kafka() { KafkaServer.assumeAvailable(); bootstrap = KafkaServer.shared().bootstrapServers(); }
     * }</pre>
     */
    public static synchronized KafkaServer shared() {
        if (shared == null || shared.isClosed() || !shared.isAlive()) {
            KafkaServer k = start();
            Runtime.getRuntime().addShutdownHook(new Thread(k::close, "stop-shared-kafka"));
            shared = k;
        }
        return shared;
    }

    /**
     * Whether the broker's jars are at hand: {@value #CLASSPATH_PROPERTY} is set, or every jar recorded at build time
     * is where it was or in the local repository.
     */
    public static boolean available() {
        return classpath().isPresent();
    }

    /**
     * Returns when the jars are at hand; otherwise fails the calling test when engines are
     * {@linkplain Engines#required() required} (as under {@code scripts/test}), and aborts it (skipped, with the
     * reason) when they are not.
     *
     * <pre>{@code
     * KafkaServer.assumeAvailable();   // first line of a test that starts a KafkaServer
     * }</pre>
     */
    public static void assumeAvailable() {
        if (available()) {
            return;
        }
        if (Engines.required()) {
            Assertions.fail(missingReason() + "; engines are required here (" + Engines.REQUIRED_PROPERTY
                    + "=true or " + Engines.REQUIRED_ENV + "=true)");
        }
        Assumptions.abort(missingReason());
    }

    private static String missingReason() {
        return "Kafka " + VERSION + " not available: the jars of org.apache.kafka:kafka_2.13:" + VERSION
                + " are not in the local Maven repository (" + localRepository() + "); building microcdi-testing "
                + "(./mvnw install) resolves them" + missingJars().map(m -> "; missing " + m).orElse("");
    }

    // ---- the class path ----

    /** The broker's class path, with this module's classes (for {@link KafkaServerMain}); nothing if a jar is missing. */
    static Optional<String> classpath() {
        String own = ownLocation();
        String given = System.getProperty(CLASSPATH_PROPERTY);
        if (given != null && !given.isBlank()) {
            return Optional.of(given + File.pathSeparator + own);
        }
        List<Path> jars = recordedJars();
        if (jars == null || jars.stream().anyMatch(p -> !Files.isRegularFile(p))) {
            return Optional.empty();
        }
        List<String> parts = new ArrayList<>();
        jars.forEach(p -> parts.add(p.toString()));
        parts.add(own);
        return Optional.of(String.join(File.pathSeparator, parts));
    }

    private static Optional<String> missingJars() {
        List<Path> jars = recordedJars();
        if (jars == null) {
            return Optional.of("the resource " + RESOURCE + " (this module was built without it)");
        }
        List<String> missing = jars.stream().filter(p -> !Files.isRegularFile(p)).map(Path::toString).toList();
        return missing.isEmpty() ? Optional.empty() : Optional.of(missing.size() + " jars, e.g. " + missing.get(0));
    }

    /**
     * The jars recorded at build time: lines {@code group:artifact:type[:classifier]:version:/path/to.jar [-- module
     * x]}; a recorded path that is gone is looked up in the local repository. {@code null} without the resource.
     */
    private static List<Path> recordedJars() {
        String text;
        try (InputStream in = KafkaServer.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                return null;
            }
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return null;
        }
        List<Path> jars = new ArrayList<>();
        for (String raw : text.split("\n")) {
            String line = raw.strip();
            int module = line.indexOf(" -- ");
            if (module >= 0) {
                line = line.substring(0, module).strip();
            }
            String[] f = line.split(":");
            if (f.length < 5 || line.startsWith("The following") || line.isEmpty()) {
                continue;
            }
            int pathAt = line.indexOf(":" + File.separator);
            String recorded = pathAt < 0 ? null : line.substring(pathAt + 1);
            String[] coords = (pathAt < 0 ? line : line.substring(0, pathAt)).split(":");
            if (recorded != null && Files.isRegularFile(Path.of(recorded))) {
                jars.add(Path.of(recorded));
                continue;
            }
            // group:artifact:type:version or group:artifact:type:classifier:version
            String group = coords[0];
            String artifact = coords[1];
            String version = coords[coords.length - 1];
            String classifier = coords.length == 5 ? "-" + coords[3] : "";
            jars.add(localRepository().resolve(group.replace('.', File.separatorChar)).resolve(artifact)
                    .resolve(version).resolve(artifact + "-" + version + classifier + ".jar"));
        }
        return jars;
    }

    private static Path localRepository() {
        String repo = System.getProperty("maven.repo.local");
        return repo != null && !repo.isBlank() ? Path.of(repo)
                : Path.of(System.getProperty("user.home"), ".m2", "repository");
    }

    private static String ownLocation() {
        try {
            return Path.of(KafkaServerMain.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                    .toString();
        } catch (java.net.URISyntaxException | RuntimeException e) {
            throw new IllegalStateException("cannot tell where " + KafkaServerMain.class.getName() + " was loaded from",
                    e);
        }
    }

    // ---- the broker ----

    /**
     * Where clients reach it: {@code 127.0.0.1:PORT}.
     *
     * <pre>{@code
     * Map.of("bootstrap.servers", kafka.bootstrapServers())
     * }</pre>
     */
    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /** Its client port on {@code 127.0.0.1}. */
    public int port() {
        return port;
    }

    /**
     * The security protocol of the clients' listener: {@code PLAINTEXT}, or what its {@link Security} makes it
     * ({@code SASL_PLAINTEXT}, {@code SSL}, {@code SASL_SSL}).
     */
    public String securityProtocol() {
        return security == null ? "PLAINTEXT" : security.protocol();
    }

    /** The temporary directory holding {@code server.properties}, the log directory {@code data/} and the log. */
    public Path directory() {
        return directory;
    }

    /**
     * Starts it again on the same ports with the same data, stopping it first if it runs, and returns once it serves
     * clients.
     *
     * @throws IllegalStateException when it was closed, or it does not serve within {@link #START_TIMEOUT}
     */
    public void restart() {
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("Kafka closed: " + this);
            }
        }
        stop();
        launchBroker();
    }

    /** Stops it and deletes its directory; a second call does nothing. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        stop();
        try {
            EngineProcess.deleteRecursively(directory);
        } catch (UncheckedIOException e) {
            // a file the broker was still writing: the next walk of the temp directory finds it
        }
    }

    private synchronized boolean isClosed() {
        return closed;
    }

    private void writeProperties(Map<String, String> extra) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.bootstrap.servers", "127.0.0.1:" + controllerPort);
        if (security == null) {
            p.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
            p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
            p.put("inter.broker.listener.name", "PLAINTEXT");
            p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        } else {
            p.putAll(security.listenerProperties(port, internalPort, controllerPort));
        }
        p.put("controller.listener.names", "CONTROLLER");
        p.put("log.dirs", directory.resolve("data").toString());
        p.put("num.partitions", "1");
        p.put("auto.create.topics.enable", "false");
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("group.min.session.timeout.ms", "500");
        p.put("group.consumer.min.session.timeout.ms", "500");
        p.put("group.consumer.min.heartbeat.interval.ms", "100");
        p.put("log.flush.interval.messages", String.valueOf(Long.MAX_VALUE));
        p.putAll(extra);
        StringBuilder text = new StringBuilder("# written by io.microcdi.testing.kafka.KafkaServer\n");
        p.forEach((k, v) -> text.append(k).append('=').append(v.replace("\\", "\\\\")).append('\n'));
        try {
            Files.writeString(properties, text.toString(), StandardCharsets.UTF_8);
            Files.writeString(directory.resolve("logging.properties"), String.join("\n",
                    "handlers=java.util.logging.ConsoleHandler",
                    "java.util.logging.ConsoleHandler.level=ALL",
                    "java.util.logging.SimpleFormatter.format=%1$tT.%1$tL %4$s %3$s: %5$s%6$s%n",
                    ".level=WARNING",
                    "kafka.server.KafkaRaftServer.level=INFO",
                    "kafka.server.BrokerServer.level=INFO",
                    "kafka.server.ControllerServer.level=INFO", ""), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + properties, e);
        }
    }

    private void launchBroker() {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ExternalProcess.Builder b = ExternalProcess.builder(java)
                .args(jvmOptions.toArray(String[]::new))
                .args("-Djava.awt.headless=true",
                        "-Djava.util.logging.config.file=" + directory.resolve("logging.properties"),
                        "-cp", classpath, KafkaServerMain.class.getName(),
                        Long.toString(ProcessHandle.current().pid()), clusterId, properties.toString(),
                        readinessServers(), directory.toString())
                .name(name())
                .directory(directory)
                .log(log())
                .readyWhenLogMatches(READY.pattern())
                .startTimeout(START_TIMEOUT)
                .stopTimeout(Duration.ofSeconds(30));
        launch(b);
    }

    /** Where the forked JVM's own admin client checks that the broker serves: a plaintext listener. */
    private String readinessServers() {
        return internalPort == 0 ? bootstrapServers() : "127.0.0.1:" + internalPort;
    }

    @Override
    public String toString() {
        return "KafkaServer(" + bootstrapServers() + state() + ") in " + directory;
    }

    /**
     * How the clients' listener is secured: SASL/PLAIN with the given users, TLS with the given keystore, or both; and
     * whether a client must show a certificate signed by a given CA.
     *
     * <pre>{@code
     * Security.saslPlain(Map.of("alice", "alice-secret"))                     // SASL_PLAINTEXT
     * Security.tls(Path.of("server.p12"), "secret")                           // SSL
     * Security.tls(keystore, "secret").withSaslPlain(Map.of("alice", "pw"))   // SASL_SSL
     * Security.tls(keystore, "secret").withClientCertificates(Path.of("ca.pem"))
     * }</pre>
     *
     * @param users            SASL/PLAIN user names to passwords; empty for no SASL
     * @param keystore         the broker's PKCS12 keystore (its key and certificate chain), or {@code null} for no TLS
     * @param keystorePassword the keystore's password, and its key's, or {@code null} with no keystore
     * @param clientCa         PEM certificates of the CAs a client certificate must chain to, or {@code null} when
     *                         clients show none
     */
    public record Security(Map<String, String> users, Path keystore, String keystorePassword, Path clientCa) {

        public Security {
            users = Map.copyOf(users);
            if (users.isEmpty() && keystore == null) {
                throw new IllegalArgumentException("security: SASL users or a keystore (expected: at least one)");
            }
            if ((keystore == null) != (keystorePassword == null)) {
                throw new IllegalArgumentException("keystorePassword: " + (keystorePassword == null ? "null" : "set")
                        + " (expected: set exactly when a keystore is)");
            }
            if (clientCa != null && keystore == null) {
                throw new IllegalArgumentException("clientCa: " + clientCa + " (expected: with a keystore)");
            }
        }

        /** SASL/PLAIN over plaintext, with these users and passwords. */
        public static Security saslPlain(Map<String, String> users) {
            return new Security(users, null, null, null);
        }

        /** TLS with the broker's key and certificate chain in a PKCS12 {@code keystore}. */
        public static Security tls(Path keystore, String password) {
            return new Security(Map.of(), Objects.requireNonNull(keystore, "keystore"),
                    Objects.requireNonNull(password, "password"), null);
        }

        /** This, with SASL/PLAIN too (over TLS when this has a keystore). */
        public Security withSaslPlain(Map<String, String> saslUsers) {
            return new Security(saslUsers, keystore, keystorePassword, clientCa);
        }

        /** This, with clients required to show a certificate signed by a CA of {@code caPem}. */
        public Security withClientCertificates(Path caPem) {
            return new Security(users, keystore, keystorePassword, Objects.requireNonNull(caPem, "caPem"));
        }

        /** {@code SASL_PLAINTEXT}, {@code SSL} or {@code SASL_SSL}. */
        public String protocol() {
            return users.isEmpty() ? "SSL" : keystore == null ? "SASL_PLAINTEXT" : "SASL_SSL";
        }

        /** The listener lines: the clients' listener secured, the broker's own and the controller's plaintext. */
        Map<String, String> listenerProperties(int port, int internalPort, int controllerPort) {
            Map<String, String> p = new LinkedHashMap<>();
            p.put("listeners", "CLIENT://127.0.0.1:" + port + ",INTERNAL://127.0.0.1:" + internalPort
                    + ",CONTROLLER://127.0.0.1:" + controllerPort);
            p.put("advertised.listeners", "CLIENT://127.0.0.1:" + port + ",INTERNAL://127.0.0.1:" + internalPort);
            p.put("inter.broker.listener.name", "INTERNAL");
            p.put("listener.security.protocol.map", "CLIENT:" + protocol()
                    + ",INTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT");
            if (!users.isEmpty()) {
                StringBuilder jaas = new StringBuilder("org.apache.kafka.common.security.plain.PlainLoginModule "
                        + "required");
                users.forEach((user, password) -> jaas.append(" user_").append(user).append("=\"")
                        .append(password.replace("\\", "\\\\").replace("\"", "\\\"")).append('"'));
                p.put("listener.name.client.sasl.enabled.mechanisms", "PLAIN");
                p.put("listener.name.client.plain.sasl.jaas.config", jaas.append(';').toString());
            }
            if (keystore != null) {
                p.put("listener.name.client.ssl.keystore.type", "PKCS12");
                p.put("listener.name.client.ssl.keystore.location", keystore.toAbsolutePath().toString());
                p.put("listener.name.client.ssl.keystore.password", keystorePassword);
                p.put("listener.name.client.ssl.key.password", keystorePassword);
            }
            if (clientCa != null) {
                p.put("listener.name.client.ssl.client.auth", "required");
                p.put("listener.name.client.ssl.truststore.type", "PEM");
                p.put("listener.name.client.ssl.truststore.location", clientCa.toAbsolutePath().toString());
            }
            return p;
        }

        @Override
        public String toString() {
            // never a password
            return "Security[" + protocol() + ", users=" + users.keySet() + ", keystore=" + keystore
                    + ", clientCa=" + clientCa + "]";
        }
    }
}
