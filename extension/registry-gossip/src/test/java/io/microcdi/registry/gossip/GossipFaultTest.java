package io.microcdi.registry.gossip;

import io.microcdi.registry.Node;
import io.microcdi.registry.RegistryEvent;
import io.microcdi.registry.RegistryEvent.Action;
import io.microcdi.registry.Service;
import io.microcdi.testing.Registries;
import io.microcdi.testing.WatchedEvents;
import io.microcdi.testing.registry.RegistryContract;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The gossip registry when members come and go: a graceful leave, a member that dies without a word, a member
 * with the wrong secret, a member joining through any one seed, and nodes too large for member metadata. Every
 * member is a real scalecube member on loopback in this JVM; a "killed" one stops answering and sending at once
 * ({@link GossipRegistry#halt()}), as a SIGKILLed process does (it/GossipResilienceIT kills real processes).
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class GossipFaultTest {

    private static final Duration LONG_TTL = Duration.ofMinutes(5);
    private static final Duration DISCOVERY = Duration.ofSeconds(10);
    private static final String SECRET = "correct horse battery staple";

    private final List<GossipRegistry> members = new ArrayList<>();
    private final List<WatchedEvents> watches = new ArrayList<>();

    @AfterEach
    void closeAll() {
        watches.forEach(WatchedEvents::close);
        for (int i = members.size() - 1; i >= 0; i--) {
            members.get(i).close();
        }
    }

    private GossipRegistry start(List<InetSocketAddress> seeds, Map<String, String> more) {
        GossipRegistry r = new GossipRegistry(GossipTesting.config(seeds, more));
        members.add(r);
        return r;
    }

    private GossipRegistry join(GossipRegistry seed) {
        return start(List.of(seed.seedAddress()), Map.of());
    }

    private WatchedEvents watch(GossipRegistry r, String name) {
        WatchedEvents w = WatchedEvents.of(r.watch(name));
        watches.add(w);
        return w;
    }

    private static Service registerOne(GossipRegistry r, String name) {
        Service s = RegistryContract.service(name, "1.0.0", RegistryContract.node(name));
        r.register(s, LONG_TTL);
        return s;
    }

    private static String id(Service s) {
        return s.nodes().get(0).id();
    }

    private static Set<String> nodeIds(GossipRegistry r, String name) {
        return r.getService(name).stream().flatMap(v -> v.nodes().stream()).map(Node::id)
                .collect(Collectors.toSet());
    }

    @Test
    void aMemberThatLeavesIsDroppedWithItsNodesAtOnce() {
        GossipRegistry seed = start(List.of(), Map.of());
        GossipRegistry leaving = join(seed);
        GossipRegistry staying = join(seed);
        String name = RegistryContract.uniqueName();
        Service s = registerOne(leaving, name);
        Service kept = registerOne(staying, name);
        WatchedEvents events = watch(seed, name);
        Registries.awaitNode(seed, name, id(s), DISCOVERY);
        Registries.awaitNode(seed, name, id(kept), DISCOVERY);

        long t0 = System.nanoTime();
        leaving.close();

        RegistryEvent gone = events.next(DISCOVERY, e -> e.action() == Action.DELETE);
        long millis = (System.nanoTime() - t0) / 1_000_000;
        assertThat(gone.service().nodes()).extracting(Node::id).containsExactly(id(s));
        await().atMost(DISCOVERY).until(() -> nodeIds(staying, name).equals(Set.of(id(kept))));
        assertThat(nodeIds(seed, name)).containsExactly(id(kept));
        // a leave is gossiped: far sooner than the failure detector would have removed the member
        Duration detector = seed.config().removalTime(3);
        System.out.printf("[GossipFaultTest] graceful leave: nodes dropped at the seed %d ms after close() "
                + "(failure detection would take about %d ms)%n", millis, detector.toMillis());
        assertThat(Duration.ofMillis(millis)).isLessThan(detector);
    }

    @Test
    void aMemberThatDiesIsSuspectedAndRemovedWithItsNodes() {
        GossipRegistry seed = start(List.of(), Map.of());
        List<GossipRegistry> live = new ArrayList<>(List.of(seed));
        for (int i = 0; i < 3; i++) {
            live.add(join(seed));
        }
        GossipRegistry victim = join(seed);
        String name = RegistryContract.uniqueName();
        Service dying = registerOne(victim, name);
        Service kept = registerOne(live.get(1), name);
        for (GossipRegistry r : live) {
            await().atMost(DISCOVERY).until(() -> nodeIds(r, name).equals(Set.of(id(dying), id(kept))));
        }
        List<WatchedEvents> watching = live.stream().map(r -> watch(r, name)).toList();

        long t0 = System.nanoTime();
        victim.halt();

        // every member sees the DELETE of the dead member's node, and nothing else
        Duration bound = seed.config().removalTime(5).plusSeconds(3);
        long slowest = 0;
        for (WatchedEvents w : watching) {
            RegistryEvent e = w.next(bound);
            assertThat(e.action()).isEqualTo(Action.DELETE);
            assertThat(e.service().nodes()).extracting(Node::id).containsExactly(id(dying));
            slowest = Math.max(slowest, (System.nanoTime() - t0) / 1_000_000);
        }
        for (GossipRegistry r : live) {
            assertThat(nodeIds(r, name)).containsExactly(id(kept));
            assertThat(r.otherMembers()).doesNotContain(victim.memberAddress());
        }
        System.out.printf("[GossipFaultTest] dead member: every one of %d members dropped its node %d ms after it "
                        + "died (estimate %d ms, bound %d ms)%n", live.size(), slowest,
                seed.config().removalTime(5).toMillis(), bound.toMillis());
        assertThat(Duration.ofMillis(slowest)).isLessThanOrEqualTo(bound);
    }

    @Test
    void aMemberWithTheWrongSecretOrNoneIsNotAdmitted() {
        Map<String, String> secret = Map.of(GossipRegistryConfig.SECRET, SECRET);
        GossipRegistry seed = start(List.of(), secret);
        GossipRegistry friend = start(List.of(seed.seedAddress()), secret);
        GossipRegistry stranger = start(List.of(seed.seedAddress()),
                Map.of(GossipRegistryConfig.SECRET, SECRET.toUpperCase()));
        GossipRegistry open = start(List.of(seed.seedAddress()), Map.of());
        String name = RegistryContract.uniqueName();
        Service ours = registerOne(friend, name);
        Service theirs = registerOne(stranger, name);
        Service plain = registerOne(open, name);

        // the members with the secret see each other and share nodes
        Registries.awaitNode(seed, name, id(ours), DISCOVERY);
        await().atMost(DISCOVERY).until(() -> friend.otherMembers().equals(Set.of(seed.memberAddress())));
        // the others' frames were refused: they tried, and were not let in
        await().atMost(DISCOVERY).until(() -> seed.rejectedFrames() > 0);
        Duration watching = seed.config().syncInterval().multipliedBy(2);
        await().during(watching).atMost(watching.plusSeconds(5)).until(() ->
                seed.otherMembers().equals(Set.of(friend.memberAddress()))
                        && friend.otherMembers().equals(Set.of(seed.memberAddress()))
                        && nodeIds(seed, name).equals(Set.of(id(ours)))
                        && nodeIds(friend, name).equals(Set.of(id(ours))));
        assertThat(stranger.otherMembers()).as("the member with another secret knows nobody").isEmpty();
        assertThat(nodeIds(stranger, name)).containsExactly(id(theirs));
        assertThat(open.otherMembers()).as("nor does the member without one").isEmpty();
        assertThat(nodeIds(open, name)).containsExactly(id(plain));
    }

    @Test
    void aNewMemberLearnsTheWholeViewFromAnyOneSeed() {
        GossipRegistry first = start(List.of(), Map.of());
        GossipRegistry second = join(first);
        GossipRegistry third = join(second); // joined through the second: the first is not its seed
        String name = RegistryContract.uniqueName();
        Set<String> ids = Set.of(id(registerOne(first, name)), id(registerOne(second, name)),
                id(registerOne(third, name)));
        await().atMost(DISCOVERY).until(() -> nodeIds(first, name).equals(ids) && nodeIds(third, name).equals(ids));

        for (GossipRegistry seed : List.of(first, second, third)) {
            long t0 = System.nanoTime();
            GossipRegistry late = join(seed);
            long started = (System.nanoTime() - t0) / 1_000_000;
            await().atMost(DISCOVERY).pollInterval(Duration.ofMillis(5)).until(() -> nodeIds(late, name).equals(ids));
            System.out.printf("[GossipFaultTest] a member joining through %s started in %d ms and saw all %d nodes "
                    + "%d ms after it was created%n", seed.memberAddress(), started, ids.size(),
                    (System.nanoTime() - t0) / 1_000_000);
            assertThat(late.otherMembers()).contains(first.memberAddress(), second.memberAddress(),
                    third.memberAddress());
        }
    }

    @Test
    void aRegistrationTooLargeForMemberMetadataFailsAtOnceAndNothingIsCut() {
        Map<String, String> small = Map.of(GossipRegistryConfig.MAX_METADATA_SIZE, "64k");
        GossipRegistry seed = start(List.of(), small);
        GossipRegistry member = start(List.of(seed.seedAddress()), small);
        String name = RegistryContract.uniqueName();
        Service fits = new Service(name, "1.0.0", Map.of(), RegistryContract.endpoints(60, 2),
                List.of(RegistryContract.node(name)));
        member.register(fits, LONG_TTL);
        Registries.awaitNode(seed, name, id(fits), DISCOVERY);
        Service big = new Service(name, "2.0.0", Map.of(), RegistryContract.endpoints(200, 2),
                List.of(RegistryContract.node(name)));

        assertThatThrownBy(() -> member.register(big, LONG_TTL))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("register " + name)
                .hasMessageContaining(GossipRegistryConfig.MAX_METADATA_SIZE + "=65536")
                .hasMessageContaining("200 endpoints")
                .hasMessageContaining("nothing was registered");

        assertThat(nodeIds(member, name)).containsExactly(id(fits));
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
                .until(() -> seed.getService(name).equals(List.of(fits)));
        member.deregister(fits);
        Service nowFits = new Service(name, "2.0.0", Map.of(), RegistryContract.endpoints(120, 2),
                List.of(RegistryContract.node(name)));
        member.register(nowFits, LONG_TTL); // the limit counts the process's nodes in all: there is room again
        await().atMost(DISCOVERY).until(() -> seed.getService(name).equals(List.of(nowFits)));
    }

    @Test
    void howManyEndpointsTheDefaultLimitHolds() {
        // a greeter-shaped endpoint: a request of two fields and a nested message of three levels, a response
        String name = "greeter";
        Node node = RegistryContract.node(name);
        int bytesPerEndpoint = MemberNodes.entry(new Service(name, "1.0.0", Map.of(),
                RegistryContract.endpoints(101, 2), List.of(node))).length
                - MemberNodes.entry(new Service(name, "1.0.0", Map.of(), RegistryContract.endpoints(1, 2),
                List.of(node))).length;
        bytesPerEndpoint /= 100;
        int fit = GossipRegistryConfig.DEFAULT_MAX_METADATA_SIZE / bytesPerEndpoint;
        System.out.printf("[GossipFaultTest] one greeter-shaped endpoint takes about %d bytes: about %d fit in the "
                + "default %d-byte limit%n", bytesPerEndpoint, fit, GossipRegistryConfig.DEFAULT_MAX_METADATA_SIZE);
        assertThat(fit).as("the registry page promises more than 1,500").isGreaterThan(1_500);
    }
}
