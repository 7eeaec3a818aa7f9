package io.microcdi.selector.cache;

import io.microcdi.errors.MicroException;
import io.microcdi.registry.Node;
import io.microcdi.registry.Service;
import io.microcdi.selector.Next;
import io.microcdi.selector.SelectOptions;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Level;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The client's cached view of the registry: a lookup after the first is answered from memory; registrations and
 * deregistrations arrive through the watch, one made just after the first fetch too; without a watch event a
 * snapshot is refreshed one TTL after it was fetched; while the registry is down the cached nodes are served with
 * one warning; an entry unused for a TTL is dropped, an empty one fetched again on each lookup; an address that
 * leaves every cached service is reported gone; and what was learned about a node survives a new snapshot.
 */
class RegistryCacheTest {

    private static final String SERVICE = "greeter";
    private static final Duration LONG_TTL = Duration.ofMinutes(1);

    private final List<AutoCloseable> closing = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : closing) {
            c.close();
        }
    }

    /** Awaitility polling often: the changes awaited here take milliseconds. */
    private static ConditionFactory eventually() {
        return Awaitility.await().atMost(Duration.ofSeconds(5)).pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(5));
    }

    private TestRegistry registry(TestRegistry r) {
        closing.add(r);
        return r;
    }

    private RegistryCache cache(TestRegistry r, Duration ttl) {
        RegistryCache c = new RegistryCache(r, ttl);
        closing.add(0, c); // closed before its registry
        return c;
    }

    private static Node node(String id, int port) {
        return new Node(id, "127.0.0.1:" + port, Map.of());
    }

    private static Service service(String name, Node... nodes) {
        return new Service(name, "1.0.0", Map.of(), List.of(), List.of(nodes));
    }

    private static List<String> ids(NodeSet set) {
        return Arrays.stream(set.all.nodes).map(Node::id).toList();
    }

    /**
     * Starts {@code cache}'s watch with a lookup of another service and waits until it waits for changes, so that
     * the catch-up fetch made once the watch is in place is over before a test counts fetches or times a refresh.
     */
    private static void watching(RegistryCache cache, TestRegistry r) {
        cache.nodes("warm-up");
        eventually().until(() -> r.waits.get() > 0);
        cache.invalidate("warm-up"); // no refreshes of its own to count
    }

    @Test
    void aLookupAfterTheFirstIsAnsweredFromMemory() {
        TestRegistry r = registry(TestRegistry.watched());
        r.register(service(SERVICE, node("a", 1)), Duration.ZERO);
        RegistryCache cache = cache(r, LONG_TTL);
        watching(cache, r);
        int before = r.lookups.get();

        NodeSet first = cache.nodes(SERVICE);
        for (int i = 0; i < 1_000; i++) {
            assertThat(cache.nodes(SERVICE)).isSameAs(first);
        }

        assertThat(r.lookups).hasValue(before + 1);
        assertThat(ids(first)).containsExactly("a");
    }

    @Test
    void registrationsAndDeregistrationsArriveThroughTheWatch() {
        TestRegistry r = registry(TestRegistry.watched());
        r.register(service(SERVICE, node("a", 1)), Duration.ZERO);
        RegistryCache cache = cache(r, LONG_TTL);
        assertThat(ids(cache.nodes(SERVICE))).containsExactly("a");
        eventually().until(() -> r.waits.get() > 0);

        r.register(service(SERVICE, node("b", 2)), Duration.ZERO);
        eventually().until(() -> ids(cache.nodes(SERVICE)), n -> n.size() == 2);
        assertThat(ids(cache.nodes(SERVICE))).containsExactlyInAnyOrder("a", "b");

        r.deregister(service(SERVICE, node("a", 1)));
        eventually().until(() -> ids(cache.nodes(SERVICE)), n -> n.equals(List.of("b")));
    }

    @Test
    void aChangeMadeJustAfterTheFirstFetchIsNotMissed() {
        TestRegistry r = registry(TestRegistry.watched());
        r.register(service(SERVICE, node("a", 1)), Duration.ZERO);
        r.holdBackgroundWatches(); // a watch set up in the background is not in place before the fetch
        RegistryCache cache = cache(r, LONG_TTL);
        assertThat(ids(cache.nodes(SERVICE))).containsExactly("a");

        r.register(service(SERVICE, node("b", 2)), Duration.ZERO);  // an event no watcher hears
        r.releaseWatches();

        eventually().until(() -> ids(cache.nodes(SERVICE)), n -> n.size() == 2);
    }

    @Test
    void withoutAWatchEventASnapshotIsRefreshedOneTtlAfterItWasFetched() {
        Duration ttl = Duration.ofMillis(500);
        TestRegistry r = registry(TestRegistry.silent());
        r.register(service(SERVICE, node("a", 1)), Duration.ZERO);
        RegistryCache cache = cache(r, ttl);
        watching(cache, r);
        int before = r.lookups.get();

        long fetched = System.nanoTime();
        assertThat(ids(cache.nodes(SERVICE))).containsExactly("a");
        r.register(service(SERVICE, node("b", 2)), Duration.ZERO); // no event reaches the cache

        // due at the TTL; a refresh at twice the TTL would miss this
        Awaitility.await().atMost(ttl.multipliedBy(3).dividedBy(2)).pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(5))
                .until(() -> cache.nodes(SERVICE).all.size() == 2);
        Duration seen = Duration.ofNanos(System.nanoTime() - fetched);

        assertThat(seen).as("the refresh came too early").isGreaterThanOrEqualTo(ttl.dividedBy(2));
        assertThat(ids(cache.nodes(SERVICE))).containsExactlyInAnyOrder("a", "b");

        // and again one TTL after that refresh
        long refreshed = System.nanoTime();
        r.register(service(SERVICE, node("c", 3)), Duration.ZERO);
        Awaitility.await().atMost(ttl.multipliedBy(3).dividedBy(2)).pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(5))
                .until(() -> cache.nodes(SERVICE).all.size() == 3);
        assertThat(Duration.ofNanos(System.nanoTime() - refreshed)).as("the second refresh came too early")
                .isGreaterThanOrEqualTo(ttl.dividedBy(2));
        // one per refresh, none per lookup (a third refresh may have come due meanwhile on a slow machine)
        assertThat(r.lookups.get()).isBetween(before + 3, before + 4);
    }

    @Test
    void anUnreachableRegistryLeavesTheCachedNodesInServiceWithOneWarning() {
        Duration ttl = Duration.ofMillis(200);
        TestRegistry r = registry(TestRegistry.silent());
        r.register(service(SERVICE, node("a", 1)), Duration.ZERO);
        RegistryCache cache = cache(r, ttl);
        watching(cache, r);
        try (LogCapture log = LogCapture.of(RegistryCache.class)) {
            assertThat(ids(cache.nodes(SERVICE))).containsExactly("a");

            r.failing = true;
            r.register(service(SERVICE, node("b", 2)), Duration.ZERO); // unseen while the registry is down
            eventually().until(() -> ids(cache.nodes(SERVICE)).equals(List.of("a")) && r.failedLookups.get() >= 3);

            assertThat(log.messages(Level.WARNING, "unreachable")).singleElement().asString()
                    .contains("registry test unreachable (connection refused)", "1 cached node(s) of greeter");

            r.failing = false;
            eventually().until(() -> cache.nodes(SERVICE).all.size() == 2);
            assertThat(ids(cache.nodes(SERVICE))).containsExactlyInAnyOrder("a", "b");
            assertThat(log.messages(Level.INFO, "answers again")).singleElement().asString()
                    .contains("registry test answers again: greeter is fresh");
            assertThat(log.messages(Level.WARNING, "unreachable")).hasSize(1);
        }
    }

    @Test
    void aServiceNotCachedWhileTheRegistryIsDownIs503AndNotCached() {
        TestRegistry r = registry(TestRegistry.watched());
        r.register(service(SERVICE, node("a", 1)), Duration.ZERO);
        RegistryCache cache = cache(r, LONG_TTL);
        r.failing = true;

        assertThatThrownBy(() -> cache.nodes(SERVICE)).isInstanceOfSatisfying(MicroException.class,
                e -> assertThat(e.code()).isEqualTo(503));
        assertThat(cache.services()).isEmpty();

        r.failing = false;
        assertThat(ids(cache.nodes(SERVICE))).containsExactly("a");
    }

    @Test
    void anEntryNotLookedUpForATtlIsDropped() {
        // longer than any polling stall of a busy 2-core machine: a stall of a whole TTL would drop the used entry
        Duration ttl = Duration.ofMillis(600);
        TestRegistry r = registry(TestRegistry.silent());
        r.register(service(SERVICE, node("a", 1)), Duration.ZERO);
        r.register(service("other", node("o", 2)), Duration.ZERO);
        RegistryCache cache = cache(r, ttl);
        NodeHealth health = cache.nodes(SERVICE).health("a");
        cache.nodes("other");

        // "greeter" is used throughout, "other" never again: only "other" goes
        eventually().until(() -> cache.nodes(SERVICE).health("a") == health && !cache.services().contains("other"));
        // still the same entry (the same health) across two more TTL turns while it is used
        Awaitility.await().during(ttl.multipliedBy(2)).atMost(ttl.multipliedBy(4)).pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(10))
                .until(() -> cache.nodes(SERVICE).health("a") == health);
        assertThat(cache.services()).containsExactly(SERVICE);

        eventually().until(() -> cache.services().isEmpty());
        assertThat(cache.peek(SERVICE)).isNull();
    }

    @Test
    void aServiceWithoutNodesIsFetchedAgainOnEachLookup() {
        TestRegistry r = registry(TestRegistry.silent());
        RegistryCache cache = cache(r, LONG_TTL);
        watching(cache, r);
        int before = r.lookups.get();

        for (int i = 1; i <= 3; i++) {
            assertThat(cache.nodes(SERVICE).all.size()).isZero();
            assertThat(r.lookups).hasValue(before + i);
        }

        r.register(service(SERVICE, node("a", 1)), Duration.ZERO); // no watch event will tell
        assertThat(ids(cache.nodes(SERVICE))).containsExactly("a");
        assertThat(ids(cache.nodes(SERVICE))).containsExactly("a");
        assertThat(r.lookups).hasValue(before + 4);
    }

    @Test
    void anAddressIsGoneOnlyWhenNoCachedServiceHasItAnyMore() {
        TestRegistry r = registry(TestRegistry.watched());
        Node a1 = node("a1", 1001), a2 = node("a2", 1002), b1 = node("b1", 1002); // a2 and b1 share an address
        r.register(service("a", a1, a2), Duration.ZERO);
        r.register(service("b", b1), Duration.ZERO);
        RegistryCache cache = cache(r, LONG_TTL);
        List<String> gone = new CopyOnWriteArrayList<>();
        cache.onAddressGone(gone::add);
        cache.nodes("a");
        cache.nodes("b");
        eventually().until(() -> r.waits.get() > 0);

        r.deregister(service("a", a1));
        r.deregister(service("a", a2)); // 127.0.0.1:1002 is still b1's
        r.deregister(service("b", b1)); // now it is nobody's

        // the watch handles events in order: once b's address is reported, a's changes were handled before it
        eventually().until(() -> gone.contains("127.0.0.1:1002"));
        assertThat(gone).containsExactly("127.0.0.1:1001", "127.0.0.1:1002");
    }

    @Test
    void whatWasLearnedAboutANodeSurvivesANewSnapshot() {
        TestRegistry r = registry(TestRegistry.watched());
        Node a = node("a", 1), b = node("b", 2);
        r.register(service(SERVICE, a, b), Duration.ZERO);
        RegistryCache cache = cache(r, LONG_TTL);
        CachingSelector s = new CachingSelector("p2c", Strategy.P2C, cache, Ejection.DEFAULTS);
        NodeSet before = cache.nodes(SERVICE);
        eventually().until(() -> r.waits.get() > 0);

        Next held = s.select(SERVICE, SelectOptions.none());
        Node inFlight = held.next();
        Node other = inFlight.equals(a) ? b : a;
        s.mark(SERVICE, other, new ConnectException("Connection refused"));

        r.register(service(SERVICE, node("c", 3)), Duration.ZERO);
        eventually().until(() -> cache.nodes(SERVICE) != before);
        NodeSet after = cache.nodes(SERVICE);
        assertThat(ids(after)).containsExactlyInAnyOrder("a", "b", "c");
        assertThat(after.health(inFlight.id())).isSameAs(before.health(inFlight.id()));
        assertThat(after.health(inFlight.id()).inFlight).hasValue(1);
        assertThat(after.health(other.id()).consecutiveFailures).hasValue(1);

        held.mark(inFlight, null); // marked through the old snapshot's Next: the new snapshot sees it
        assertThat(after.health(inFlight.id()).inFlight).hasValue(0);

        // the same id at another address is another node: nothing carries over
        r.register(service(SERVICE, new Node(other.id(), "127.0.0.1:4", Map.of())), Duration.ZERO);
        eventually()
                .until(() -> cache.nodes(SERVICE).health(other.id()).address.equals("127.0.0.1:4"));
        assertThat(cache.nodes(SERVICE).health(other.id()).consecutiveFailures).hasValue(0);
    }
}
