package io.microcdi.testing.etcd;

import io.microcdi.testing.EngineProcess;
import io.microcdi.testing.Engines;
import io.microcdi.testing.ExternalProcess;
import io.microcdi.testing.FreePorts;
import org.awaitility.core.ConditionTimeoutException;

import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.awaitility.Awaitility.await;

/**
 * A real etcd cluster on the loopback interface: the installed {@code etcd} started as {@code members} members
 * {@code m0, m1, ...}, each with its own client and peer port and its own data directory under one temporary
 * directory, which {@link #close()} deletes. Members can be killed, stopped and restarted to test fail-over.
 *
 * <pre>{@code
 * EtcdCluster.assumeInstalled();   // skips the test without etcd, or fails it where engines are required
 * try (EtcdCluster etcd = EtcdCluster.start(3)) {   // returns once every member is healthy and a leader exists
 *     registry = newRegistry(etcd.endpointList()); // "http://127.0.0.1:C0,http://127.0.0.1:C1,http://127.0.0.1:C2"
 *     etcd.leader().kill();                        // SIGKILL, as a crash would
 *     etcd.awaitLeader(Duration.ofSeconds(15));    // the two others elect a new leader
 *     etcd.member(0).restart();                    // same ports, same data: it rejoins
 *     etcd.member(0).awaitHealthy(Duration.ofSeconds(15));
 * }   // every member stopped, the data directory deleted
 * }</pre>
 *
 * <p>Only loopback addresses are used. Every member is an {@link ExternalProcess}, so a JVM that ends without
 * {@link #close()} still stops them; only the data directory is then left behind in the temporary directory.
 */
public final class EtcdCluster implements AutoCloseable {

    /** The program started, looked up on {@code PATH}, then in {@link Engines#SYSTEM_DIRECTORIES}. */
    public static final String PROGRAM = "etcd";

    /** The Debian package that installs {@link #PROGRAM} ({@code scripts/test} installs it). */
    static final String DEBIAN_PACKAGE = "etcd-server";

    /**
     * The system property that, when {@code "true"}, makes {@link #assumeInstalled()} fail instead of abort when etcd
     * is missing ({@code scripts/test} sets it): {@link Engines#REQUIRED_PROPERTY}.
     */
    public static final String REQUIRED_PROPERTY = Engines.REQUIRED_PROPERTY;

    /** The environment variable that, when {@code "true"}, has the effect of {@link #REQUIRED_PROPERTY}. */
    public static final String REQUIRED_ENV = Engines.REQUIRED_ENV;

    /** How long {@link #start(int)} waits for the members to be healthy with a leader, and a restart for its port. */
    public static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    static final String NOT_INSTALLED = Engines.notInstalled(PROGRAM, DEBIAN_PACKAGE);

    private static final Duration POLL = Duration.ofMillis(50);
    /**
     * How long one health, status or metrics request may take. A member that is not ready yet (it has not joined
     * the cluster since it started) accepts connections and answers once it is ready, so the health polls keep one
     * request in flight per member instead of timing out and asking again.
     */
    private static final Duration HTTP_TIMEOUT = Duration.ofSeconds(2);
    private static final Pattern HEALTHY = Pattern.compile("\"health\"\\s*:\\s*\"?true\"?");
    private static final Pattern MEMBER_ID = Pattern.compile("\"member_id\"\\s*:\\s*\"?(\\d+)\"?");
    private static final Pattern LEADER = Pattern.compile("\"leader\"\\s*:\\s*\"?(\\d+)\"?");
    private static final Pattern RAFT_TERM = Pattern.compile("\"raftTerm\"\\s*:\\s*\"?(\\d+)\"?");
    /** A line of {@code GET /metrics}: whether the member has a peer connection up ({@code 1}) or not ({@code 0}). */
    private static final Pattern ACTIVE_PEER = Pattern.compile("(?m)^etcd_network_active_peers\\{[^}]*}\\s+(\\S+)$");
    /** How long {@link #close()} waits for the leader to see its stopped followers' connections close. */
    private static final Duration PEERS_GONE_TIMEOUT = Duration.ofSeconds(3);

    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .proxy(HttpClient.Builder.NO_PROXY)
            .connectTimeout(HTTP_TIMEOUT)
            .build();

    private final Path program;
    private final Path directory;
    private final List<Member> members;
    private final String initialCluster;
    private final String token = "microcdi-" + UUID.randomUUID();
    private boolean closed;

    private EtcdCluster(Path program, Path directory, int size, int[] ports) {
        this.program = program;
        this.directory = directory;
        List<Member> list = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            list.add(new Member("m" + i, ports[2 * i], ports[2 * i + 1]));
        }
        this.members = List.copyOf(list);
        this.initialCluster = members.stream().map(m -> m.name() + "=" + m.peerUrl()).collect(Collectors.joining(","));
    }

    /**
     * Starts a cluster of {@code members} members on free loopback ports, and returns once every member answers
     * {@code GET /health} with {@code {"health":"true"}} and a leader exists. When a member could not bind its port
     * (another process took it after {@link FreePorts} found it free), the whole cluster is started once more on new
     * ports.
     *
     * @throws IllegalArgumentException when {@code members < 1}
     * @throws IllegalStateException    when etcd is not installed, or a member ends or the cluster is not ready
     *                                  within {@link #START_TIMEOUT}; every member started is stopped, and the
     *                                  message holds the tails of the members' logs
     */
    public static EtcdCluster start(int members) {
        if (members < 1) {
            throw new IllegalArgumentException("members: " + members + " (expected: >= 1)");
        }
        return start(members, FreePorts::distinct);
    }

    /** {@link #start(int)} on the ports {@code ports} returns for a count, asked again for the second attempt. */
    static EtcdCluster start(int members, IntFunction<int[]> ports) {
        Path program = Engines.find(PROGRAM).orElseThrow(() -> new IllegalStateException(NOT_INSTALLED));
        return EngineProcess.retryIfPortTaken("etcd", () -> startOnce(program, members, ports.apply(2 * members)));
    }

    private static EtcdCluster startOnce(Path program, int size, int[] ports) {
        Path dir = EngineProcess.newDirectory("microcdi-etcd-");
        EtcdCluster cluster;
        try {
            cluster = new EtcdCluster(program, dir, size, ports);
        } catch (RuntimeException e) {
            EngineProcess.deleteRecursively(dir);
            throw e;
        }
        EngineProcess.startOrDestroy(cluster.members, () -> {
            for (Member m : cluster.members) {
                m.launch("new", false);
            }
            cluster.awaitReady(START_TIMEOUT);
        }, cluster::destroy);
        return cluster;
    }

    /** Whether {@code etcd} is installed: on {@code PATH}, or in {@link Engines#SYSTEM_DIRECTORIES}. */
    public static boolean installed() {
        return Engines.find(PROGRAM).isPresent();
    }

    /**
     * Returns when etcd is installed; otherwise fails the calling test when engines are required (system property
     * {@value #REQUIRED_PROPERTY} or environment variable {@value #REQUIRED_ENV} is {@code "true"}, as under
     * {@code scripts/test}), and aborts it (skipped, with the reason) when they are not:
     * {@link Engines#assumeInstalled(String, String)}.
     */
    public static void assumeInstalled() {
        Engines.assumeInstalled(PROGRAM, DEBIAN_PACKAGE);
    }

    static void assumeInstalled(boolean installed, boolean required) {
        Engines.assumeInstalled(PROGRAM, DEBIAN_PACKAGE, installed, required);
    }

    static boolean required() {
        return Engines.required();
    }

    /** The client URLs, {@code http://127.0.0.1:PORT}, one per member in order. */
    public List<String> endpoints() {
        return members.stream().map(Member::clientUrl).toList();
    }

    /** {@link #endpoints()} joined with commas, as etcd clients and {@code etcdctl --endpoints} take them. */
    public String endpointList() {
        return String.join(",", endpoints());
    }

    /**
     * The member {@code i} ({@code m<i>}), counted from 0.
     *
     * @throws IndexOutOfBoundsException when there is no such member
     */
    public Member member(int i) {
        return members.get(i);
    }

    /** Every member, in order, alive or not. */
    public List<Member> members() {
        return members;
    }

    /** The temporary directory that holds the members' data directories and logs; deleted by {@link #close()}. */
    public Path directory() {
        return directory;
    }

    /**
     * The current leader: asks every live member for its status ({@code POST /v3/maintenance/status}) and returns the
     * one whose own member id is the leader it reports (the one with the highest raft term should two claim it).
     *
     * @throws IllegalStateException when no live member is the leader now (an election is under way, or no quorum is
     *                               alive); {@link #awaitLeader(Duration)} waits for one
     */
    public Member leader() {
        List<Status> statuses = statuses();
        return leaderAmong(statuses).orElseThrow(() -> new IllegalStateException(
                "etcd: no live member is the leader; statuses: " + describe(statuses)));
    }

    /**
     * Waits until a live member is the leader and a quorum of all the members (more than half, counted over the
     * whole cluster) reports it as their leader: after the leader was killed, the others still name it until their
     * election timeout passes, and then elect one of them.
     *
     * @throws IllegalStateException when that does not happen within {@code timeout}; the message holds the statuses
     *                               last seen and the tails of the logs
     */
    public void awaitLeader(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        AtomicReference<List<Status>> last = new AtomicReference<>(List.of());
        poll("a leader confirmed by a quorum", timeout, () -> {
            List<Status> statuses = statuses();
            last.set(statuses);
            return quorumLeader(statuses).isPresent();
        }, () -> "statuses: " + describe(last.get()));
    }

    /**
     * Stops every member (SIGTERM; SIGKILL to any that has not ended after the stop timeout): the followers at once,
     * then the leader, which has nobody left to hand leadership over to and so ends at once too; then deletes the
     * data directory. Closing a closed cluster does nothing.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        // the leader last: stopped while a follower runs, etcd hands leadership over first, and when the follower it
        // picked is stopping too, it waits in vain for its request timeout (7 s); once it has seen every follower's
        // connection close, it has nobody to hand over to and stops at once
        Optional<Member> leader = leaderAmong(statuses());
        boolean interrupted = EngineProcess.stopAll(members.stream()
                .filter(m -> leader.isEmpty() || m != leader.get()).toList());
        leader.ifPresent(Member::awaitNoActivePeer);
        interrupted |= EngineProcess.stopAll(leader.stream().toList());
        EngineProcess.deleteRecursively(directory);
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** After a failed start: kills every member at once (no member may be ready to answer) and deletes the data. */
    private void destroy() {
        synchronized (this) {
            closed = true;
        }
        boolean interrupted = EngineProcess.killAll(members);
        EngineProcess.deleteRecursively(directory);
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "EtcdCluster" + members + " in " + directory;
    }

    private void awaitReady(Duration timeout) {
        AtomicReference<List<Status>> last = new AtomicReference<>(List.of());
        List<BooleanSupplier> health = members.stream().map(EtcdCluster::healthPoller).toList();
        poll("every member healthy and a leader", timeout, () -> {
            for (BooleanSupplier healthy : health) {
                if (!healthy.getAsBoolean()) {
                    return false;
                }
            }
            List<Status> statuses = statuses();
            last.set(statuses);
            return quorumLeader(statuses).isPresent();
        }, () -> "statuses: " + describe(last.get()));
    }

    /**
     * Polls {@code condition} until it holds; fails at once when a member of the cluster that should be running has
     * ended (a port taken, a bad flag), and after {@code timeout} otherwise.
     */
    private void poll(String what, Duration timeout, BooleanSupplier condition, Supplier<String> detail) {
        EngineProcess.awaitOrFail("etcd", what, timeout, POLL, members, condition, detail);
    }

    /**
     * Whether {@code member} is healthy, for polling: one request at a time, a new one only when the last said no or
     * failed, and once one said yes, yes from then on.
     */
    private static BooleanSupplier healthPoller(Member member) {
        AtomicReference<CompletableFuture<Boolean>> inFlight = new AtomicReference<>();
        return () -> {
            CompletableFuture<Boolean> f = inFlight.get();
            if (f == null || (f.isDone() && !f.join())) {
                f = member.healthAsync();
                inFlight.set(f);
            }
            return f.isDone() && f.join();
        };
    }

    /** The statuses of the live members that answer, asked all at once. */
    private List<Status> statuses() {
        List<CompletableFuture<Optional<Status>>> asked = members.stream().filter(Member::isAlive)
                .map(Member::statusAsync).toList();
        List<Status> statuses = new ArrayList<>();
        for (CompletableFuture<Optional<Status>> f : asked) {
            f.join().ifPresent(statuses::add);
        }
        return statuses;
    }

    private static Optional<Member> leaderAmong(List<Status> statuses) {
        return leaderStatus(statuses).map(Status::member);
    }

    /** The status of the member that says it is the leader (the one with the highest raft term should two say so). */
    private static Optional<Status> leaderStatus(List<Status> statuses) {
        return statuses.stream()
                .filter(s -> !"0".equals(s.leaderId) && s.memberId.equals(s.leaderId))
                .max(Comparator.comparing(Status::raftTerm));
    }

    /** The leader, when a quorum of all the members (itself included) names it. */
    private Optional<Member> quorumLeader(List<Status> statuses) {
        Optional<Status> leader = leaderStatus(statuses);
        if (leader.isEmpty()) {
            return Optional.empty();
        }
        String id = leader.get().memberId;
        long agreeing = statuses.stream().filter(s -> s.leaderId.equals(id)).count();
        return agreeing > members.size() / 2 ? leader.map(Status::member) : Optional.empty();
    }

    private static String describe(List<Status> statuses) {
        return statuses.isEmpty() ? "(no live member answered)"
                : statuses.stream().map(Status::toString).collect(Collectors.joining(", ", "[", "]"));
    }

    /** The body of the answer, or nothing when there is none within {@link #HTTP_TIMEOUT}; never fails. */
    private static CompletableFuture<Optional<String>> send(HttpRequest.Builder request) {
        return HTTP.sendAsync(request.timeout(HTTP_TIMEOUT).build(),
                        HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8))
                .thenApply(response -> Optional.of(response.body()))
                .exceptionally(failure -> Optional.empty());
    }

    private static boolean noActivePeer(String metrics) {
        Matcher m = ACTIVE_PEER.matcher(metrics);
        while (m.find()) {
            try {
                if (Double.parseDouble(m.group(1)) != 0) {
                    return false;
                }
            } catch (NumberFormatException e) {
                return false;
            }
        }
        return true;
    }

    private static Optional<String> group(Pattern pattern, String text) {
        Matcher m = pattern.matcher(text);
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }

    /** A member's answer to {@code POST /v3/maintenance/status}; ids are unsigned 64-bit numbers kept as text. */
    private record Status(Member member, String memberId, String leaderId, BigInteger raftTerm) {

        @Override
        public String toString() {
            return member.name() + "{id=" + memberId + ", leader=" + leaderId + ", term=" + raftTerm + "}";
        }
    }

    /**
     * One member of the cluster: its name ({@code m<i>}), its fixed client and peer ports, its data directory and log
     * in the cluster's directory, and the process currently running it, if any. Killed, stopped (SIGTERM, which lets
     * etcd hand leadership over and close its files) and its log read as any {@link EngineProcess}.
     */
    public final class Member extends EngineProcess {

        private final int clientPort;
        private final int peerPort;
        private final Path dataDir;

        private Member(String name, int clientPort, int peerPort) {
            super(name, directory.resolve(name + ".log"));
            this.clientPort = clientPort;
            this.peerPort = peerPort;
            this.dataDir = directory.resolve(name);
        }

        /** Where clients reach it: {@code http://127.0.0.1:PORT}. */
        public String clientUrl() {
            return "http://127.0.0.1:" + clientPort;
        }

        /** Where the other members reach it: {@code http://127.0.0.1:PORT}. */
        public String peerUrl() {
            return "http://127.0.0.1:" + peerPort;
        }

        /** Whether it is running and answers {@code GET /health} with {@code {"health":"true"}} now. */
        public boolean isHealthy() {
            return healthAsync().join();
        }

        private CompletableFuture<Boolean> healthAsync() {
            if (!isAlive()) {
                return CompletableFuture.completedFuture(false);
            }
            return send(HttpRequest.newBuilder(URI.create(clientUrl() + "/health")).GET())
                    .thenApply(body -> body.map(b -> HEALTHY.matcher(b).find()).orElse(false));
        }

        /**
         * Waits until {@link #isHealthy()}: after a {@link #restart()}, once it has rejoined the cluster (which needs a
         * quorum of members running).
         *
         * @throws IllegalStateException when it, or another member that should run, ends first, or {@code timeout}
         *                               passes
         */
        public void awaitHealthy(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            poll(name() + " healthy", timeout, healthPoller(this), () -> "member " + this);
        }

        /**
         * Starts it again on the same ports with the same data directory ({@code --initial-cluster-state existing}),
         * stopping it first if it runs, and returns once its client port accepts connections. It rejoins the cluster
         * and catches up from the leader; {@link #awaitHealthy(Duration)} waits for that.
         *
         * @throws IllegalStateException when the cluster is closed, or the process ends or its port does not accept
         *                               within {@link #START_TIMEOUT} (then the message holds its log's tail)
         */
        public void restart() {
            synchronized (EtcdCluster.this) {
                if (closed) {
                    throw new IllegalStateException("etcd cluster closed: " + EtcdCluster.this);
                }
            }
            stop();
            launch("existing", true);
        }

        @Override
        public String toString() {
            return name() + "(" + clientUrl() + state() + ")";
        }

        private void launch(String clusterState, boolean awaitPort) {
            ExternalProcess.Builder builder = ExternalProcess.builder(program.toString(),
                            "--name", name(),
                            "--data-dir", dataDir.toString(),
                            "--listen-client-urls", clientUrl(),
                            "--advertise-client-urls", clientUrl(),
                            "--listen-peer-urls", peerUrl(),
                            "--initial-advertise-peer-urls", peerUrl(),
                            "--initial-cluster", initialCluster,
                            "--initial-cluster-state", clusterState,
                            "--initial-cluster-token", token)
                    .name("etcd-" + name())
                    .directory(directory)
                    .log(log());
            if (awaitPort) {
                builder.readyWhenPortAccepts(clientPort).startTimeout(START_TIMEOUT);
            }
            launch(builder);
        }

        /**
         * Waits (a little, see {@link #PEERS_GONE_TIMEOUT}) until its metrics show no peer connection up, so that
         * SIGTERM finds nobody to hand leadership over to; gives up quietly.
         */
        private void awaitNoActivePeer() {
            try {
                await(name() + " without active peers").atMost(PEERS_GONE_TIMEOUT).pollDelay(Duration.ZERO)
                        .pollInterval(Duration.ofMillis(10))
                        .until(() -> !isAlive() || send(HttpRequest.newBuilder(URI.create(clientUrl() + "/metrics")))
                                .join().map(EtcdCluster::noActivePeer).orElse(true));
            } catch (ConditionTimeoutException e) {
                // it is stopped all the same, only perhaps more slowly
            }
        }

        private CompletableFuture<Optional<Status>> statusAsync() {
            return send(HttpRequest.newBuilder(URI.create(clientUrl() + "/v3/maintenance/status"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{}")))
                    .thenApply(answer -> answer.flatMap(body -> group(MEMBER_ID, body).map(id -> {
                        String leader = group(LEADER, body).orElse("0");
                        BigInteger term = new BigInteger(group(RAFT_TERM, body).orElse("0"));
                        return new Status(this, id, leader, term);
                    })));
        }
    }
}
