package io.microcdi.testing.nats;

import io.microcdi.testing.EngineProcess;
import io.microcdi.testing.Engines;
import io.microcdi.testing.ExternalProcess;
import io.microcdi.testing.FreePorts;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A real NATS server with JetStream on the loopback interface: the installed {@code nats-server} started as one server
 * or as a cluster of nodes {@code n0, n1, ...}, each with its own client, route and monitoring port, its own
 * configuration file and its own JetStream store directory under one temporary directory, which {@link #close()}
 * deletes. Nodes can be killed, stopped and restarted to test fail-over.
 *
 * <pre>{@code
 * NatsServer.assumeInstalled();   // skips the test without nats-server, or fails it where engines are required
 * try (NatsServer nats = NatsServer.cluster(3)) {   // returns once every node is ready and a meta leader elected
 *     broker = newBroker(nats.urlList());           // "nats://127.0.0.1:C0,nats://127.0.0.1:C1,nats://127.0.0.1:C2"
 *     nats.metaLeader().kill();                     // SIGKILL, as a crash would
 *     nats.awaitReady(Duration.ofSeconds(20));      // the two others elect a new JetStream meta leader
 *     nats.node(0).restart();                       // same ports, same store: it rejoins
 *     nats.awaitReady(Duration.ofSeconds(20));
 * }   // every node stopped, the directory deleted
 * }</pre>
 *
 * <p>Only loopback addresses are used: each node listens for clients, routes and monitoring on {@code 127.0.0.1}.
 * Readiness is polled on the monitoring port, never waited for with a fixed sleep: a node is ready when
 * {@code GET /healthz} answers 200 (in nats-server 2.9 a clustered node answers 503 until it is in contact with a
 * JetStream meta leader), {@code GET /routez} shows a route to every other running node, and, in a cluster, its
 * {@code GET /jsz} names a running node as the meta leader. Every node is an {@link ExternalProcess}, so a JVM that
 * ends without {@link #close()} still stops them; only the directory is then left behind.
 */
public final class NatsServer implements AutoCloseable {

    /**
     * The program started, looked up by {@link Engines#find(String)}: on {@code PATH}, then in {@code /usr/sbin}
     * (where Debian's package installs it) and the other system directories.
     *
     * <pre>{@code
     * Path program = Engines.find(NatsServer.PROGRAM).orElseThrow();
     * }</pre>
     */
    public static final String PROGRAM = "nats-server";

    /**
     * The Debian package that installs {@link #PROGRAM}; {@code scripts/test} installs it.
     *
     * <pre>{@code
     * apt-get install nats-server   // puts /usr/sbin/nats-server
     * }</pre>
     */
    public static final String DEBIAN_PACKAGE = "nats-server";

    /**
     * How long {@link #start()} and {@link #cluster(int)} wait for every node to be ready (and a meta leader), and a
     * {@link Node#restart()} for its client port.
     *
     * <pre>{@code
     * nats.awaitReady(NatsServer.START_TIMEOUT);
     * }</pre>
     */
    public static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    static final String NOT_INSTALLED = Engines.notInstalled(PROGRAM, DEBIAN_PACKAGE);

    private static final Duration POLL = Duration.ofMillis(25);
    private static final Duration HTTP_TIMEOUT = Duration.ofSeconds(2);
    private static final Pattern NUM_ROUTES = Pattern.compile("\"num_routes\"\\s*:\\s*(\\d+)");
    /** The meta leader in {@code GET /jsz}: {@code "meta_cluster": {"name": ..., "leader": "n2", ...}}. */
    private static final Pattern META_LEADER =
            Pattern.compile("\"meta_cluster\"\\s*:\\s*\\{[^{}\\[\\]]*?\"leader\"\\s*:\\s*\"([^\"]*)\"");
    private static final Pattern JETSTREAM_DISABLED = Pattern.compile("\"disabled\"\\s*:\\s*true");

    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .proxy(HttpClient.Builder.NO_PROXY)
            .connectTimeout(HTTP_TIMEOUT)
            .build();

    private final Path program;
    private final Path directory;
    private final String clusterName;
    private final List<Node> nodes;
    private boolean closed;

    private NatsServer(Path program, Path directory, boolean cluster, int size, int[] ports) {
        this.program = program;
        this.directory = directory;
        this.clusterName = cluster ? "microcdi-" + UUID.randomUUID().toString().substring(0, 8) : null;
        int perNode = cluster ? 3 : 2;
        List<Node> list = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            list.add(new Node(i, ports[perNode * i], ports[perNode * i + 1], cluster ? ports[perNode * i + 2] : 0));
        }
        this.nodes = List.copyOf(list);
    }

    /**
     * Starts one server with JetStream (its store in a fresh temporary directory) on free loopback ports, and returns
     * once it answers {@code GET /healthz}. When a port was taken meanwhile by another process, it is started once
     * more on new ports.
     *
     * <pre>{@code
     * try (NatsServer nats = NatsServer.start()) {
     *     connect(nats.node(0).url());   // nats://127.0.0.1:PORT
     * }
     * }</pre>
     *
     * @throws IllegalStateException when nats-server is not installed, or it ends or is not ready within
     *                               {@link #START_TIMEOUT}; it is stopped, and the message holds the tail of its log
     */
    public static NatsServer start() {
        return start(false, 1, FreePorts::distinct);
    }

    /**
     * Starts a cluster of {@code nodes} nodes with JetStream on free loopback ports (a unique cluster name, each node
     * routing to all the others), and returns once every node is ready and they agree on a JetStream meta leader.
     * When a port was taken meanwhile by another process, the whole cluster is started once more on new ports.
     *
     * <pre>{@code
     * try (NatsServer nats = NatsServer.cluster(3)) {
     *     Node leader = nats.metaLeader();
     * }
     * }</pre>
     *
     * @throws IllegalArgumentException when {@code nodes < 1}
     * @throws IllegalStateException    when nats-server is not installed, or a node ends or the cluster is not ready
     *                                  within {@link #START_TIMEOUT}; every node started is stopped, and the message
     *                                  holds the tails of the nodes' logs
     */
    public static NatsServer cluster(int nodes) {
        if (nodes < 1) {
            throw new IllegalArgumentException("nodes: " + nodes + " (expected: >= 1)");
        }
        return start(true, nodes, FreePorts::distinct);
    }

    /** Starts on the ports {@code ports} returns for a count, asked again for the second attempt. */
    static NatsServer start(boolean cluster, int size, IntFunction<int[]> ports) {
        Path program = Engines.find(PROGRAM).orElseThrow(() -> new IllegalStateException(NOT_INSTALLED));
        int count = (cluster ? 3 : 2) * size;
        return EngineProcess.retryIfPortTaken("nats-server",
                () -> startOnce(program, cluster, size, ports.apply(count)));
    }

    private static NatsServer startOnce(Path program, boolean cluster, int size, int[] ports) {
        Path dir = EngineProcess.newDirectory("microcdi-nats-");
        NatsServer server;
        try {
            server = new NatsServer(program, dir, cluster, size, ports);
            for (Node n : server.nodes) {
                n.writeConfig();
            }
        } catch (RuntimeException e) {
            EngineProcess.deleteRecursively(dir);
            throw e;
        }
        EngineProcess.startOrDestroy(server.nodes, () -> {
            for (Node n : server.nodes) {
                n.launch(false);
            }
            server.awaitReady(START_TIMEOUT);
        }, server::destroy);
        return server;
    }

    /**
     * Whether {@code nats-server} is installed: on {@code PATH}, or in {@link Engines#SYSTEM_DIRECTORIES}
     * ({@code /usr/sbin/nats-server} on Debian).
     *
     * <pre>{@code
     * if (NatsServer.installed()) { ... }
     * }</pre>
     */
    public static boolean installed() {
        return Engines.find(PROGRAM).isPresent();
    }

    /**
     * Returns when nats-server is installed; otherwise fails the calling test when engines are
     * {@linkplain Engines#required() required} (as under {@code scripts/test}), and aborts it (skipped, with the
     * reason) when they are not: {@link Engines#assumeInstalled(String, String)}.
     *
     * <pre>{@code
     * NatsServer.assumeInstalled();   // first line of a test that starts a NatsServer
     * }</pre>
     */
    public static void assumeInstalled() {
        Engines.assumeInstalled(PROGRAM, DEBIAN_PACKAGE);
    }

    /**
     * The client URLs, {@code nats://127.0.0.1:PORT}, one per node in order, running or not.
     *
     * <pre>{@code
     * List<String> urls = nats.urls();   // [nats://127.0.0.1:C0, nats://127.0.0.1:C1, nats://127.0.0.1:C2]
     * }</pre>
     */
    public List<String> urls() {
        return nodes.stream().map(Node::url).toList();
    }

    /**
     * {@link #urls()} joined with commas, as NATS clients and {@code micro.broker.nats.servers} take them.
     *
     * <pre>{@code
     * String servers = nats.urlList();   // "nats://127.0.0.1:C0,nats://127.0.0.1:C1,nats://127.0.0.1:C2"
     * }</pre>
     */
    public String urlList() {
        return String.join(",", urls());
    }

    /**
     * The node {@code i} ({@code n<i>}), counted from 0; a single server is node 0.
     *
     * <pre>{@code
     * nats.node(2).kill();
     * }</pre>
     *
     * @throws IndexOutOfBoundsException when there is no such node
     */
    public Node node(int i) {
        return nodes.get(i);
    }

    /**
     * Every node, in order, running or not.
     *
     * <pre>{@code
     * nats.nodes().forEach(n -> System.out.println(n.name() + " " + n.url()));
     * }</pre>
     */
    public List<Node> nodes() {
        return nodes;
    }

    /**
     * The name of the cluster ({@code microcdi-} and 8 random hex digits), or nothing for a single server.
     *
     * <pre>{@code
     * nats.clusterName()   // Optional[microcdi-1f2e3d4c]
     * }</pre>
     */
    public Optional<String> clusterName() {
        return Optional.ofNullable(clusterName);
    }

    /**
     * The temporary directory that holds the nodes' configuration files, store directories and logs; deleted by
     * {@link #close()}.
     *
     * <pre>{@code
     * Path conf = nats.directory().resolve("n0.conf");
     * }</pre>
     */
    public Path directory() {
        return directory;
    }

    /**
     * The current JetStream meta leader: asks every running node for {@code GET /jsz} and returns the one that names
     * itself as the {@code meta_cluster} leader. A single server has no meta group and is its own leader.
     *
     * <pre>{@code
     * NatsServer.Node leader = nats.metaLeader();
     * leader.kill();
     * }</pre>
     *
     * @throws IllegalStateException when no running node is the meta leader now (an election is under way, or no
     *                               quorum runs); {@link #awaitReady(Duration)} waits for one
     */
    public Node metaLeader() {
        if (clusterName == null) {
            Node only = nodes.get(0);
            if (!only.isAlive()) {
                throw new IllegalStateException("nats-server: " + only + " is not running");
            }
            return only;
        }
        List<Node> running = nodes.stream().filter(Node::isAlive).toList();
        List<CompletableFuture<Optional<String>>> asked = running.stream().map(Node::metaLeaderAsync).toList();
        List<String> named = new ArrayList<>();
        for (int i = 0; i < running.size(); i++) {
            Optional<String> leader = asked.get(i).join();
            named.add(running.get(i).name() + " names " + leader.orElse("none"));
            if (leader.isPresent() && leader.get().equals(running.get(i).name())) {
                return running.get(i);
            }
        }
        throw new IllegalStateException("nats-server: no running node is the meta leader; " + named);
    }

    /**
     * Waits until every node that should run (all but those killed or stopped on purpose) is ready, and, in a
     * cluster, they all name the same running node as the JetStream meta leader: after a start, after the leader
     * was killed (the others elect another after their election timeout, a few seconds), after a restart.
     *
     * <pre>{@code
     * nats.metaLeader().kill();
     * nats.awaitReady(Duration.ofSeconds(20));
     * }</pre>
     *
     * @throws IllegalStateException when a node that should run ends first, or that does not happen within
     *                               {@code timeout}; the message holds what each node said last and the logs' tails
     */
    public void awaitReady(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        Prober prober = new Prober();
        poll("every node ready" + (clusterName == null ? "" : " with one meta leader"), timeout, () -> {
            List<Probe> probes = prober.answers(nodes.stream().filter(n -> !n.isDown()).toList());
            return probes != null && !probes.isEmpty() && probes.stream().allMatch(Probe::ready)
                    && probes.stream().map(Probe::leader).distinct().count() == 1;
        }, prober::describe);
    }

    /**
     * Stops every node (SIGTERM, all at once; SIGKILL to any that has not ended after the stop timeout) and deletes
     * the directory. Closing a closed server does nothing.
     *
     * <pre>{@code
     * nats.close();   // or try-with-resources
     * }</pre>
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        boolean interrupted = EngineProcess.stopAll(nodes);
        EngineProcess.deleteRecursively(directory);
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** After a failed start: kills every node at once and deletes the directory. */
    private void destroy() {
        synchronized (this) {
            closed = true;
        }
        boolean interrupted = EngineProcess.killAll(nodes);
        EngineProcess.deleteRecursively(directory);
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private synchronized boolean isClosed() {
        return closed;
    }

    @Override
    public String toString() {
        return "NatsServer" + (clusterName == null ? "" : "(" + clusterName + ")") + nodes + " in " + directory;
    }

    /**
     * Polls {@code condition} until it holds; fails at once when a node that should be running has ended (a port
     * taken, a bad option), and after {@code timeout} otherwise.
     */
    private void poll(String what, Duration timeout, BooleanSupplier condition, Supplier<String> detail) {
        EngineProcess.awaitOrFail("nats-server", what, timeout, POLL, nodes, condition, detail);
    }

    private static String describe(List<Probe> probes) {
        return probes.isEmpty() ? "(no node asked)"
                : probes.stream().map(Probe::toString).collect(Collectors.joining(", ", "[", "]"));
    }

    /** The status and body of the answer, or nothing when there is none within {@link #HTTP_TIMEOUT}; never fails. */
    private static CompletableFuture<Optional<HttpResponse<String>>> get(String url) {
        return HTTP.sendAsync(HttpRequest.newBuilder(URI.create(url)).timeout(HTTP_TIMEOUT).GET().build(),
                        HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8))
                .thenApply(Optional::of)
                .exceptionally(failure -> Optional.empty());
    }

    private static CompletableFuture<Probe> done(Probe p) {
        return CompletableFuture.completedFuture(p);
    }

    private static Optional<String> group(Pattern pattern, String text) {
        Matcher m = pattern.matcher(text);
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }

    /** A config file string: quoted, with {@code \} and {@code "} escaped. */
    private static String quoted(String s) {
        return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    /**
     * Asks nodes what they say, for polling: one question in flight per node, so that a node slow to answer (or a port
     * that accepts and never answers) does not hold the poll up, which goes on watching for a node that ends.
     */
    private static final class Prober {

        private final Map<Node, CompletableFuture<Probe>> asked = new HashMap<>();
        private volatile List<Probe> last = List.of();

        /**
         * The answers of {@code some} nodes, each asked again at once for the next call; {@code null} while one of
         * them has not answered yet.
         */
        List<Probe> answers(List<Node> some) {
            List<Probe> probes = new ArrayList<>(some.size());
            boolean all = true;
            for (Node n : some) {
                CompletableFuture<Probe> f = asked.get(n);
                if (f != null && f.isDone()) {
                    probes.add(f.join());
                } else {
                    all = false;
                }
                if (f == null || f.isDone()) {
                    asked.put(n, n.probeAsync());
                }
            }
            if (!probes.isEmpty()) {
                last = probes;
            }
            return all ? probes : null;
        }

        String describe() {
            return NatsServer.describe(last);
        }
    }

    /**
     * What a node said: whether it is ready, the meta leader it names ({@code ""} for a single server), and why not
     * when it is not.
     */
    private record Probe(Node node, boolean ready, String leader, String detail) {

        static Probe notReady(Node node, String detail) {
            return new Probe(node, false, "", detail);
        }

        @Override
        public String toString() {
            return node.name() + (ready ? "{ready" + (leader.isEmpty() ? "" : ", meta leader " + leader) + "}"
                    : "{" + detail + "}");
        }
    }

    /**
     * One node: its name ({@code n<i>}), its fixed client, route and monitoring ports, its configuration file, store
     * directory and log in the server's directory, and the process currently running it, if any. Killed, stopped
     * (SIGTERM: nats-server shuts JetStream down and ends at once, with exit code 1) and its log read as any
     * {@link EngineProcess}.
     *
     * <pre>{@code
     * NatsServer.Node n2 = nats.node(2);
     * n2.kill();
     * n2.restart();
     * n2.awaitReady(Duration.ofSeconds(20));
     * }</pre>
     */
    public final class Node extends EngineProcess {

        private final int clientPort;
        private final int monitorPort;
        /** 0 for a single server. */
        private final int routePort;
        private final Path config;
        private final Path storeDir;

        private Node(int index, int clientPort, int monitorPort, int routePort) {
            super("n" + index, directory.resolve("n" + index + ".log"));
            this.clientPort = clientPort;
            this.monitorPort = monitorPort;
            this.routePort = routePort;
            this.config = directory.resolve(name() + ".conf");
            this.storeDir = directory.resolve(name());
        }

        /**
         * Where clients reach it: {@code nats://127.0.0.1:PORT}.
         *
         * <pre>{@code
         * Connection c = Nats.connect(nats.node(0).url());
         * }</pre>
         */
        public String url() {
            return "nats://127.0.0.1:" + clientPort;
        }

        /**
         * Its client port on {@code 127.0.0.1}.
         *
         * <pre>{@code
         * new Socket("127.0.0.1", nats.node(0).port());   // speaks the NATS text protocol
         * }</pre>
         */
        public int port() {
            return clientPort;
        }

        /**
         * Where the other nodes reach it, {@code nats-route://127.0.0.1:PORT}; nothing for a single server.
         *
         * <pre>{@code
         * nats.node(1).routeUrl()   // Optional[nats-route://127.0.0.1:R1]
         * }</pre>
         */
        public Optional<String> routeUrl() {
            return routePort == 0 ? Optional.empty() : Optional.of("nats-route://127.0.0.1:" + routePort);
        }

        /**
         * Its HTTP monitoring endpoint, {@code http://127.0.0.1:PORT}: {@code /healthz}, {@code /varz},
         * {@code /routez}, {@code /jsz}, {@code /connz}, {@code /subsz}.
         *
         * <pre>{@code
         * URI jsz = URI.create(nats.node(0).monitorUrl() + "/jsz");
         * }</pre>
         */
        public String monitorUrl() {
            return "http://127.0.0.1:" + monitorPort;
        }

        /**
         * Its configuration file, passed as {@code nats-server -c FILE}.
         *
         * <pre>{@code
         * String conf = Files.readString(nats.node(0).configFile());
         * }</pre>
         */
        public Path configFile() {
            return config;
        }

        /**
         * Its JetStream store directory ({@code jetstream { store_dir }}), kept across restarts.
         *
         * <pre>{@code
         * assertThat(nats.node(0).storeDir()).isDirectory();
         * }</pre>
         */
        public Path storeDir() {
            return storeDir;
        }

        /**
         * Whether it is ready now: running, {@code GET /healthz} answers 200, {@code GET /routez} shows a route to
         * every other running node, and, in a cluster, {@code GET /jsz} names a running node as the meta leader.
         *
         * <pre>{@code
         * assertThat(nats.nodes()).allMatch(NatsServer.Node::isReady);
         * }</pre>
         */
        public boolean isReady() {
            return probeAsync().join().ready();
        }

        /**
         * Waits until {@link #isReady()}: after a {@link #restart()}, once it has rejoined the cluster (which needs a
         * quorum of nodes running for its meta group).
         *
         * <pre>{@code
         * node.restart();
         * node.awaitReady(Duration.ofSeconds(20));
         * }</pre>
         *
         * @throws IllegalStateException when it, or another node that should run, ends first, or {@code timeout}
         *                               passes
         */
        public void awaitReady(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            Prober prober = new Prober();
            poll(name() + " ready", timeout, () -> {
                List<Probe> probes = prober.answers(List.of(this));
                return probes != null && probes.get(0).ready();
            }, prober::describe);
        }

        /**
         * Starts it again with the same configuration file (same ports, same store directory), stopping it first if
         * it runs, and returns once its client port accepts connections. It rejoins the cluster and catches up;
         * {@link #awaitReady(Duration)} or {@link NatsServer#awaitReady(Duration)} waits for that.
         *
         * <pre>{@code
         * node.kill();
         * node.restart();
         * nats.awaitReady(Duration.ofSeconds(20));
         * }</pre>
         *
         * @throws IllegalStateException when the server is closed, or the process ends or its port does not accept
         *                               within {@link #START_TIMEOUT} (then the message holds its log's tail)
         */
        public void restart() {
            if (isClosed()) {
                throw new IllegalStateException("nats-server closed: " + NatsServer.this);
            }
            stop();
            launch(true);
        }

        @Override
        public String toString() {
            return name() + "(" + url() + state() + ")";
        }

        private void writeConfig() {
            StringBuilder c = new StringBuilder()
                    .append("# written by io.microcdi.testing.nats.NatsServer\n")
                    .append("server_name: ").append(name()).append('\n')
                    .append("listen: 127.0.0.1:").append(clientPort).append('\n')
                    .append("http: 127.0.0.1:").append(monitorPort).append('\n')
                    .append("jetstream {\n")
                    .append("  store_dir: ").append(quoted(storeDir.toString())).append('\n')
                    .append("}\n");
            if (routePort != 0) {
                c.append("cluster {\n")
                        .append("  name: ").append(clusterName).append('\n')
                        .append("  listen: 127.0.0.1:").append(routePort).append('\n')
                        .append("  routes: [\n");
                for (Node other : nodes) {
                    if (other != this) {
                        c.append("    ").append(other.routeUrl().orElseThrow()).append('\n');
                    }
                }
                c.append("  ]\n").append("}\n");
            }
            try {
                Files.writeString(config, c.toString(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + config, e);
            }
        }

        private void launch(boolean awaitPort) {
            ExternalProcess.Builder builder = ExternalProcess.builder(program.toString(), "-c", config.toString())
                    .name("nats-" + name())
                    .directory(directory)
                    .log(log());
            if (awaitPort) {
                builder.readyWhenPortAccepts(clientPort).startTimeout(START_TIMEOUT);
            }
            launch(builder);
        }

        /** The meta leader its {@code GET /jsz} names, if any. */
        private CompletableFuture<Optional<String>> metaLeaderAsync() {
            return get(monitorUrl() + "/jsz").thenApply(jsz -> jsz.filter(r -> r.statusCode() == 200)
                    .flatMap(r -> group(META_LEADER, r.body())));
        }

        /** Asks {@code /healthz}, then {@code /routez} (in a cluster), then {@code /jsz}: each if the last said yes. */
        private CompletableFuture<Probe> probeAsync() {
            if (!isAlive()) {
                return CompletableFuture.completedFuture(Probe.notReady(this, "not running"));
            }
            long othersRunning = nodes.stream().filter(n -> n != this && n.isAlive()).count();
            return get(monitorUrl() + "/healthz").thenCompose(health -> {
                if (health.isEmpty()) {
                    return done(Probe.notReady(this, "/healthz unanswered"));
                }
                if (health.get().statusCode() != 200) {
                    return done(Probe.notReady(this, "/healthz " + health.get().statusCode() + " "
                            + health.get().body().strip()));
                }
                CompletableFuture<Optional<String>> routesOk = routePort == 0
                        ? CompletableFuture.completedFuture(Optional.empty())
                        : get(monitorUrl() + "/routez").thenApply(routez -> {
                            int routes = routez.flatMap(r -> group(NUM_ROUTES, r.body())).map(Integer::parseInt)
                                    .orElse(-1);
                            return routes >= othersRunning ? Optional.empty()
                                    : Optional.of(routes + " routes of " + othersRunning);
                        });
                return routesOk.thenCompose(missing -> {
                    if (missing.isPresent()) {
                        return done(Probe.notReady(this, missing.get()));
                    }
                    return get(monitorUrl() + "/jsz").thenApply(jsz -> {
                        if (jsz.isEmpty() || jsz.get().statusCode() != 200) {
                            return Probe.notReady(this, "/jsz unanswered");
                        }
                        String body = jsz.get().body();
                        if (JETSTREAM_DISABLED.matcher(body).find()) {
                            return Probe.notReady(this, "JetStream disabled");
                        }
                        if (routePort == 0) {
                            return new Probe(this, true, "", "ready");
                        }
                        Optional<String> leader = group(META_LEADER, body);
                        if (leader.isEmpty()) {
                            return Probe.notReady(this, "no meta leader");
                        }
                        boolean leaderRuns = nodes.stream().anyMatch(n -> n.name().equals(leader.get()) && n.isAlive());
                        return leaderRuns ? new Probe(this, true, leader.get(), "ready")
                                : Probe.notReady(this, "meta leader " + leader.get() + " not running");
                    });
                });
            });
        }
    }
}
