package io.microcdi.testing.nats;

import io.microcdi.testing.Engines;
import io.microcdi.testing.FreePorts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class NatsServerTest {

    private static final Duration ELECTION = Duration.ofSeconds(20);
    private static final Duration REPLY = Duration.ofSeconds(5);
    private static final Pattern NUM_ROUTES = Pattern.compile("\"num_routes\"\\s*:\\s*(\\d+)");
    private static final Pattern MESSAGES = Pattern.compile("(?m)^  \"messages\"\\s*:\\s*(\\d+)");
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .proxy(HttpClient.Builder.NO_PROXY)
            .connectTimeout(Duration.ofSeconds(2))
            .build();

    private final List<NatsServer> started = new ArrayList<>();

    @AfterEach
    void closeAll() {
        started.forEach(NatsServer::close);
    }

    private NatsServer start() {
        NatsServer.assumeInstalled();
        NatsServer nats = NatsServer.start();
        started.add(nats);
        return nats;
    }

    private NatsServer cluster(int nodes) {
        NatsServer.assumeInstalled();
        NatsServer nats = NatsServer.cluster(nodes);
        started.add(nats);
        return nats;
    }

    @Test
    void aSingleServerWithJetStreamSpeaksTheNatsProtocolOnLoopback() throws Exception {
        NatsServer nats = start();
        NatsServer.Node n0 = nats.node(0);

        assertThat(nats.nodes()).containsExactly(n0);
        assertThat(nats.urls()).containsExactly(n0.url());
        assertThat(n0.url()).matches("nats://127\\.0\\.0\\.1:\\d+").isEqualTo(nats.urlList());
        assertThat(n0.name()).isEqualTo("n0");
        assertThat(nats.clusterName()).isEmpty();
        assertThat(n0.routeUrl()).isEmpty();
        assertThat(nats.metaLeader()).isSameAs(n0);
        assertThat(n0.isReady()).isTrue();
        assertThat(Files.readString(n0.configFile())).contains("listen: 127.0.0.1:" + n0.port())
                .contains("http: 127.0.0.1:").doesNotContain("cluster");
        String varz = get(n0, "/varz");
        assertThat(varz).contains("\"host\": \"127.0.0.1\"", "\"http_host\": \"127.0.0.1\"", "\"version\": \"");

        try (RawNats client = RawNats.connect(n0)) {
            assertThat(client.info).contains("\"server_name\":\"n0\"", "\"jetstream\":true");
            client.sub("greet", 1);
            client.pub("greet", "hello");
            RawNats.Msg msg = client.next(REPLY).orElseThrow();
            assertThat(msg).isEqualTo(new RawNats.Msg("greet", "1", null, "hello", null));
            client.ping();

            String info = client.request("$JS.API.INFO", "", REPLY);
            assertThat(info).contains("\"type\":\"io.nats.jetstream.api.v1.account_info_response\"")
                    .doesNotContain("\"error\"");
        }
        assertThat(get(n0, "/jsz")).doesNotContain("\"disabled\"")
                .contains("\"store_dir\": \"" + n0.storeDir().resolve("jetstream") + "\"");
    }

    @Test
    void threeNodesFormAJetStreamClusterThatRoutesAMessageFromNode0ToASubscriberOnNode2() throws Exception {
        long t0 = System.nanoTime();
        NatsServer nats = cluster(3);
        long startedMs = (System.nanoTime() - t0) / 1_000_000;

        assertThat(nats.nodes()).extracting(NatsServer.Node::name).containsExactly("n0", "n1", "n2");
        assertThat(nats.urls()).hasSize(3).doesNotHaveDuplicates()
                .allMatch(url -> url.matches("nats://127\\.0\\.0\\.1:\\d+"));
        assertThat(nats.urlList()).isEqualTo(String.join(",", nats.urls()));
        assertThat(nats.node(1).url()).isEqualTo(nats.urls().get(1));
        assertThat(nats.clusterName()).get().asString().startsWith("microcdi-");
        assertThat(nats.nodes()).allMatch(NatsServer.Node::isAlive).allMatch(NatsServer.Node::isReady);
        for (NatsServer.Node n : nats.nodes()) {
            assertThat(routes(n)).as("routes of %s", n).isEqualTo(2);
            assertThat(Files.readString(n.configFile())).contains("server_name: " + n.name(),
                    "name: " + nats.clusterName().orElseThrow(), "listen: 127.0.0.1:" + n.port());
        }
        NatsServer.Node leader = nats.metaLeader();
        assertThat(nats.nodes()).contains(leader);
        System.out.println("nats-server: 3-node cluster ready with meta leader " + leader.name() + " in "
                + startedMs + " ms");

        try (RawNats sub = RawNats.connect(nats.node(2)); RawNats pub = RawNats.connect(nats.node(0))) {
            sub.sub("greet.routed", 7);
            sub.ping();
            // n0 learns of the subscription on n2 over the route a moment later: publish until one arrives
            assertThat(publishUntilReceived(pub, sub, "greet.routed")).isEqualTo("greet.routed");

            String created = pub.request("$JS.API.STREAM.CREATE.ORDERS",
                    "{\"name\":\"ORDERS\",\"subjects\":[\"orders.>\"],\"num_replicas\":3,\"storage\":\"file\"}",
                    REPLY);
            assertThat(created).contains("io.nats.jetstream.api.v1.stream_create_response")
                    .doesNotContain("\"error\"");
            String ack = sub.jsPublish("orders.1", "first", "first", REPLY);
            assertThat(ack).contains("\"stream\":\"ORDERS\"", "\"seq\":1");
        }
    }

    @Test
    void killingTheMetaLeaderLeavesTheOthersServingAndTheRestartedNodeRejoins() throws Exception {
        NatsServer nats = cluster(3);
        try (RawNats c = RawNats.connect(nats.node(0))) {
            assertThat(c.request("$JS.API.STREAM.CREATE.ORDERS",
                    "{\"name\":\"ORDERS\",\"subjects\":[\"orders.>\"],\"num_replicas\":3}", REPLY))
                    .doesNotContain("\"error\"");
            assertThat(c.jsPublish("orders.1", "before", "before", REPLY)).contains("\"seq\":1");
        }
        NatsServer.Node old = nats.metaLeader();
        long oldPid = old.pid();
        List<NatsServer.Node> rest = nats.nodes().stream().filter(n -> n != old).toList();

        old.kill();
        long killed = System.nanoTime();

        assertThat(old.isAlive()).isFalse();
        assertThat(old.isReady()).isFalse();
        assertThat(ProcessHandle.of(oldPid).map(ProcessHandle::isAlive)).isNotEqualTo(Optional.of(true));
        try (RawNats sub = RawNats.connect(rest.get(1)); RawNats pub = RawNats.connect(rest.get(0))) {
            sub.sub("still.serving", 1);
            sub.ping();
            assertThat(publishUntilReceived(pub, sub, "still.serving")).isEqualTo("still.serving");
        }
        nats.awaitReady(ELECTION);
        long electedMs = (System.nanoTime() - killed) / 1_000_000;
        NatsServer.Node leader = nats.metaLeader();
        assertThat(rest).contains(leader);
        try (RawNats c = RawNats.connect(leader)) {
            // the stream's own leader may have been on the killed node too: its group elects one of its own
            await("a stream leader among the rest").atMost(ELECTION).pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(50)).until(() -> c.tryRequest("$JS.API.STREAM.INFO.ORDERS", "",
                            Duration.ofSeconds(1)).filter(info -> info.contains("\"leader\":")).isPresent());
            assertThat(c.jsPublish("orders.2", "while-down", "while-down", ELECTION)).contains("\"seq\":2");
        }

        old.restart();
        long restarted = System.nanoTime();
        nats.awaitReady(ELECTION);
        long rejoinedMs = (System.nanoTime() - restarted) / 1_000_000;

        assertThat(old.isAlive()).isTrue();
        assertThat(old.isReady()).isTrue();
        assertThat(old.pid()).isNotEqualTo(oldPid);
        assertThat(routes(old)).isEqualTo(2);
        assertThat(nats.metaLeader()).isNotSameAs(old);
        try (RawNats sub = RawNats.connect(old); RawNats pub = RawNats.connect(leader)) {
            sub.sub("rejoined", 1);
            sub.ping();
            assertThat(publishUntilReceived(pub, sub, "rejoined")).isEqualTo("rejoined");
        }
        // its replica of the stream catches up on the message stored while it was down
        await("the restarted node's replica caught up").atMost(ELECTION).pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(50)).until(() -> storedMessages(old) == 2);
        System.out.println("nats-server: new meta leader " + leader.name() + " agreed on " + electedMs
                + " ms after the meta leader " + old.name() + " was killed; the restarted node ready after "
                + rejoinedMs + " ms");
    }

    @Test
    void aStoppedNodeEndsAtOnceAndCloseStopsEveryNodeAndDeletesTheDirectoryAndMayBeRepeated() {
        NatsServer nats = cluster(3);
        Path dir = nats.directory();
        assertThat(nats.node(0).storeDir()).isDirectory().startsWith(dir);
        assertThat(nats.node(2).log()).exists();

        long t0 = System.nanoTime();
        nats.node(2).stop();
        long stopMs = (System.nanoTime() - t0) / 1_000_000;
        assertThat(nats.node(2).isAlive()).isFalse();
        assertThat(stopMs).as("SIGTERM ends nats-server without waiting for the stop timeout").isLessThan(5_000);
        List<Long> pids = nats.nodes().stream().map(NatsServer.Node::pid).toList();

        nats.close();

        assertThat(pids).allSatisfy(pid -> assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive))
                .isNotEqualTo(Optional.of(true)));
        assertThat(nats.nodes()).noneMatch(NatsServer.Node::isAlive);
        assertThat(Files.exists(dir)).isFalse();
        assertThatCode(nats::close).doesNotThrowAnyException();
        assertThatThrownBy(() -> nats.node(0).restart()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
        System.out.println("nats-server: a cluster node stopped (SIGTERM) in " + stopMs + " ms");
    }

    @Test
    void aPortTakenBeforeNatsServerBindsItMakesTheWholeClusterStartAgainOnNewPorts() throws Exception {
        NatsServer.assumeInstalled();
        try (ServerSocket squatter = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int taken = squatter.getLocalPort();
            AtomicInteger attempts = new AtomicInteger();

            NatsServer nats = NatsServer.start(true, 3, count -> {
                int[] ports = FreePorts.distinct(count);
                if (attempts.getAndIncrement() == 0) {
                    ports[3 + 1] = taken;   // n1's monitoring port
                }
                return ports;
            });
            started.add(nats);

            assertThat(attempts).hasValue(2);
            assertThat(nats.nodes()).allMatch(NatsServer.Node::isReady)
                    .noneMatch(n -> n.monitorUrl().endsWith(":" + taken));
        }
    }

    @Test
    void withoutNatsServerATestIsAbortedUnlessEnginesAreRequiredThenItFails() {
        assertThatCode(() -> Engines.assumeInstalled(NatsServer.PROGRAM, NatsServer.DEBIAN_PACKAGE, true, true))
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> Engines.assumeInstalled(NatsServer.PROGRAM, NatsServer.DEBIAN_PACKAGE, false, false))
                .isInstanceOf(TestAbortedException.class)
                .hasMessageContaining("nats-server not installed: scripts/test installs Debian's nats-server")
                .hasMessageContaining("apt-get install nats-server");
        assertThatThrownBy(() -> Engines.assumeInstalled(NatsServer.PROGRAM, NatsServer.DEBIAN_PACKAGE, false, true))
                .isInstanceOf(AssertionFailedError.class)
                .hasMessageContaining("nats-server not installed")
                .hasMessageContaining(Engines.REQUIRED_PROPERTY);
        assertThat(NatsServer.installed()).isEqualTo(Engines.find("nats-server").isPresent());
        assertThatThrownBy(() -> NatsServer.cluster(0)).isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * Publishes {@code subject} through {@code pub} until {@code sub} receives it (a route propagates a new
     * subscription to the other nodes a moment after the subscribing node has it), and returns its subject.
     */
    private static String publishUntilReceived(RawNats pub, RawNats sub, String subject) {
        AtomicInteger sent = new AtomicInteger();
        String[] received = new String[1];
        await("a message on " + subject + " routed").atMost(REPLY).pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(1)).until(() -> {
                    pub.pub(subject, "hello-" + sent.incrementAndGet());
                    Optional<RawNats.Msg> msg = sub.next(Duration.ofMillis(50));
                    msg.ifPresent(m -> received[0] = m.subject());
                    msg.ifPresent(m -> assertThat(m.payload()).startsWith("hello-"));
                    return msg.isPresent();
                });
        return received[0];
    }

    private static int routes(NatsServer.Node n) throws IOException, InterruptedException {
        Matcher m = NUM_ROUTES.matcher(get(n, "/routez"));
        assertThat(m.find()).isTrue();
        return Integer.parseInt(m.group(1));
    }

    private static long storedMessages(NatsServer.Node n) throws IOException, InterruptedException {
        Matcher m = MESSAGES.matcher(get(n, "/jsz"));
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    private static String get(NatsServer.Node n, String path) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(n.monitorUrl() + path))
                .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("GET %s%s: %s", n.monitorUrl(), path, r.body()).isEqualTo(200);
        return r.body();
    }
}
