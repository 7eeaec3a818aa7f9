package io.microcdi.testing.etcd;

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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EtcdClusterTest {

    private static final Duration ELECTION = Duration.ofSeconds(20);
    private static final Pattern VALUE = Pattern.compile("\"value\"\\s*:\\s*\"([^\"]*)\"");
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .proxy(HttpClient.Builder.NO_PROXY)
            .connectTimeout(Duration.ofSeconds(2))
            .build();

    private final List<EtcdCluster> started = new ArrayList<>();

    @AfterEach
    void closeAll() {
        started.forEach(EtcdCluster::close);
    }

    private EtcdCluster start(int members) {
        EtcdCluster.assumeInstalled();
        EtcdCluster cluster = EtcdCluster.start(members);
        started.add(cluster);
        return cluster;
    }

    @Test
    void threeMembersStartOnLoopbackAndAKeyPutThroughOneIsReadFromAnother() throws Exception {
        EtcdCluster etcd = start(3);

        assertThat(etcd.members()).extracting(EtcdCluster.Member::name).containsExactly("m0", "m1", "m2");
        assertThat(etcd.endpoints()).hasSize(3).doesNotHaveDuplicates()
                .allMatch(url -> url.matches("http://127\\.0\\.0\\.1:\\d+"));
        assertThat(etcd.endpointList()).isEqualTo(String.join(",", etcd.endpoints()));
        assertThat(etcd.member(1).clientUrl()).isEqualTo(etcd.endpoints().get(1));
        assertThat(etcd.members()).allMatch(EtcdCluster.Member::isAlive).allMatch(EtcdCluster.Member::isHealthy);
        assertThat(etcd.members()).contains(etcd.leader());

        put(etcd.member(0), "/micro/registry/greeter", "{\"name\":\"greeter\"}");

        assertThat(get(etcd.member(2), "/micro/registry/greeter")).contains("{\"name\":\"greeter\"}");
        assertThat(get(etcd.member(1), "/micro/registry/absent")).isEmpty();
    }

    @Test
    void killingTheLeaderElectsAnotherAmongTheRestAndWritesStillSucceed() throws Exception {
        EtcdCluster etcd = start(3);
        EtcdCluster.Member old = etcd.leader();
        long pid = old.pid();

        old.kill();
        long killed = System.nanoTime();
        etcd.awaitLeader(ELECTION);
        long electedAfterMs = (System.nanoTime() - killed) / 1_000_000;

        assertThat(old.isAlive()).isFalse();
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).isNotEqualTo(Optional.of(true));
        EtcdCluster.Member leader = etcd.leader();
        assertThat(leader).isNotSameAs(old);
        List<EtcdCluster.Member> rest = etcd.members().stream().filter(m -> m != old).toList();
        assertThat(rest).contains(leader);
        put(rest.get(0), "after-the-kill", "still-writable");
        assertThat(get(rest.get(1), "after-the-kill")).contains("still-writable");
        System.out.println("etcd: new leader " + leader.name() + " confirmed " + electedAfterMs
                + " ms after the leader " + old.name() + " was killed");
    }

    @Test
    void aKilledMemberRestartedOnItsPortsAndDataRejoinsAndCatchesUp() throws Exception {
        EtcdCluster etcd = start(3);
        EtcdCluster.Member leader = etcd.leader();
        EtcdCluster.Member follower = etcd.members().stream().filter(m -> m != leader).findFirst().orElseThrow();
        put(leader, "before", "1");
        long oldPid = follower.pid();

        follower.kill();
        assertThat(follower.isAlive()).isFalse();
        assertThat(follower.isHealthy()).isFalse();
        put(leader, "while-down", "2");   // two of three: still a quorum
        follower.restart();
        follower.awaitHealthy(ELECTION);

        assertThat(follower.isAlive()).isTrue();
        assertThat(follower.pid()).isNotEqualTo(oldPid);
        assertThat(get(follower, "before")).contains("1");
        assertThat(get(follower, "while-down")).contains("2");
        etcd.awaitLeader(ELECTION);
    }

    @Test
    void closeStopsEveryMemberAndDeletesTheDataDirectoryAndMayBeRepeated() {
        EtcdCluster etcd = start(3);
        Path dir = etcd.directory();
        assertThat(dir.resolve("m0")).isDirectory();
        assertThat(etcd.member(2).log()).exists();
        etcd.member(2).stop();
        assertThat(etcd.member(2).isAlive()).isFalse();
        List<Long> pids = etcd.members().stream().map(EtcdCluster.Member::pid).toList();

        etcd.close();

        assertThat(pids).allSatisfy(pid -> assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive))
                .isNotEqualTo(Optional.of(true)));
        assertThat(etcd.members()).noneMatch(EtcdCluster.Member::isAlive);
        assertThat(Files.exists(dir)).isFalse();
        assertThatCode(etcd::close).doesNotThrowAnyException();
        assertThatThrownBy(() -> etcd.member(0).restart()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
    }

    @Test
    void aSingleMemberIsItsOwnLeader() {
        EtcdCluster etcd = start(1);

        assertThat(etcd.leader()).isSameAs(etcd.member(0));
        assertThat(etcd.endpointList()).isEqualTo(etcd.member(0).clientUrl());
    }

    @Test
    void aPortTakenBeforeEtcdBindsItMakesTheWholeClusterStartAgainOnNewPorts() throws Exception {
        EtcdCluster.assumeInstalled();
        try (ServerSocket squatter = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int taken = squatter.getLocalPort();
            AtomicInteger attempts = new AtomicInteger();

            EtcdCluster etcd = EtcdCluster.start(3, count -> {
                int[] ports = FreePorts.distinct(count);
                if (attempts.getAndIncrement() == 0) {
                    ports[2] = taken;   // m1's client port
                }
                return ports;
            });
            started.add(etcd);

            assertThat(attempts).hasValue(2);
            assertThat(etcd.endpoints()).doesNotContain("http://127.0.0.1:" + taken);
            assertThat(etcd.members()).allMatch(EtcdCluster.Member::isHealthy);
        }
    }

    @Test
    void withoutEtcdATestIsAbortedUnlessEnginesAreRequiredThenItFails() {
        assertThatCode(() -> EtcdCluster.assumeInstalled(true, true)).doesNotThrowAnyException();
        assertThatCode(() -> EtcdCluster.assumeInstalled(true, false)).doesNotThrowAnyException();
        assertThatThrownBy(() -> EtcdCluster.assumeInstalled(false, false))
                .isInstanceOf(TestAbortedException.class)
                .hasMessageContaining("etcd not installed: scripts/test installs Debian's etcd-server")
                .hasMessageContaining("apt-get install etcd-server");
        assertThatThrownBy(() -> EtcdCluster.assumeInstalled(false, true))
                .isInstanceOf(AssertionFailedError.class)
                .hasMessageContaining("etcd-server")
                .hasMessageContaining(EtcdCluster.REQUIRED_PROPERTY);
        assertThatThrownBy(() -> EtcdCluster.start(0)).isInstanceOf(IllegalArgumentException.class);
    }

    private static void put(EtcdCluster.Member member, String key, String value) throws IOException,
            InterruptedException {
        HttpResponse<String> response = post(member, "/v3/kv/put",
                "{\"key\":\"" + base64(key) + "\",\"value\":\"" + base64(value) + "\"}");
        assertThat(response.statusCode()).as("put %s on %s: %s", key, member, response.body()).isEqualTo(200);
        assertThat(response.body()).contains("\"revision\"");
    }

    private static Optional<String> get(EtcdCluster.Member member, String key) throws IOException,
            InterruptedException {
        HttpResponse<String> response = post(member, "/v3/kv/range", "{\"key\":\"" + base64(key) + "\"}");
        assertThat(response.statusCode()).as("range %s on %s: %s", key, member, response.body()).isEqualTo(200);
        Matcher m = VALUE.matcher(response.body());
        return m.find() ? Optional.of(new String(Base64.getDecoder().decode(m.group(1)), StandardCharsets.UTF_8))
                : Optional.empty();
    }

    private static HttpResponse<String> post(EtcdCluster.Member member, String path, String json)
            throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(member.clientUrl() + path))
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String base64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }
}
