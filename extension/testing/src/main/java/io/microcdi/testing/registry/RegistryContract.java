package io.microcdi.testing.registry;

import io.microcdi.registry.Endpoint;
import io.microcdi.registry.Node;
import io.microcdi.registry.Registry;
import io.microcdi.registry.RegistryEvent;
import io.microcdi.registry.RegistryEvent.Action;
import io.microcdi.registry.RegistryException;
import io.microcdi.registry.Service;
import io.microcdi.registry.Value;
import io.microcdi.registry.Watcher;
import io.microcdi.testing.Registries;
import io.microcdi.testing.WatchedEvents;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * The behaviour every {@link Registry} plugin owes the framework, as JUnit 5 tests a plugin's test class inherits by
 * extending this class and making registries.
 *
 * <pre>{@code
 * class EtcdRegistryTest extends RegistryContract {
 *     @Override protected Registry newRegistry() { return new EtcdRegistry(EtcdRegistryConfig.of(etcd.endpoint())); }
 *     @Override protected Duration ttl() { return Duration.ofSeconds(2); }   // etcd leases count whole seconds
 * }
 * }</pre>
 *
 * <p>Most tests register through one instance and look through another, as a server and a client in two processes
 * do: {@link #newRegistry()} makes a new instance per call, and instances made in one test must see each other's
 * nodes (one store, one server, one network). Services get names unique to the test, so a store shared by every test
 * of the JVM is fine; every instance made is closed after its test.
 *
 * <p>Timing comes from the subclass: {@link #ttl()}, {@link #discoveryTimeout()} and {@link #removalTimeout()}. The
 * tests wait for conditions (Awaitility), never for a fixed time, so a fast registry passes fast.
 *
 * <p>A test the plugin cannot pass by design (mDNS carries no service metadata) is overridden in the subclass with
 * {@code @Test @Disabled("why")}, so that the reason shows in the test report. Test methods are public for that.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES) // a plugin that hangs fails its test instead of the build
public abstract class RegistryContract {

    /** The TTL of nodes that are meant to outlive the test: long enough that no test sees them expire. */
    protected static final Duration LONG_TTL = Duration.ofMinutes(5);

    private final List<Registry> registries = new ArrayList<>();
    private final List<WatchedEvents> watches = new ArrayList<>();
    private final ScheduledExecutorService heartbeats = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "registry-contract-heartbeat");
        t.setDaemon(true);
        return t;
    });

    /**
     * A new registry instance; called several times per test. Instances made in one test must see each other's
     * registrations, as two processes using one registry do.
     */
    protected abstract Registry newRegistry();

    /**
     * The TTL the expiry tests register with: the shortest this registry honours reliably on a busy machine. The
     * tests heart-beat four times per TTL. Default: 1 s.
     */
    protected Duration ttl() {
        return Duration.ofSeconds(1);
    }

    /** The longest a new or changed node may take to show in another instance. Default: 10 s. */
    protected Duration discoveryTimeout() {
        return Duration.ofSeconds(10);
    }

    /**
     * The longest a deregistered or withdrawn node may take to leave another instance, and how long past its TTL an
     * expired node may linger there. Default: 3 s.
     */
    protected Duration removalTimeout() {
        return Duration.ofSeconds(3);
    }

    /** How many nodes {@link #concurrentRegistrationsFromManyThreadsAllArriveAndLeave()} registers. Default: 64. */
    protected int concurrentNodes() {
        return 64;
    }

    @AfterEach
    void closeEverything() {
        heartbeats.shutdownNow();
        watches.forEach(WatchedEvents::close);
        for (int i = registries.size() - 1; i >= 0; i--) {
            registries.get(i).close();
        }
    }

    // ---- fixtures, open to subclasses for their own tests ----

    /** A new instance from {@link #newRegistry()}, closed after the test. */
    protected final Registry registry() {
        Registry r = newRegistry();
        registries.add(r);
        return r;
    }

    /** Events of {@code registry.watch(name)}, read with timeouts; the watcher is stopped after the test. */
    protected final WatchedEvents watch(Registry registry, String name) {
        WatchedEvents events = WatchedEvents.of(registry.watch(name));
        watches.add(events);
        return events;
    }

    /** A service name no other test uses: {@code rc-} and eight hex digits. */
    public static String uniqueName() {
        return "rc-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** A node of {@code service} with the metadata a MicroCDI server sets, at a loopback address. */
    public static Node node(String service) {
        return new Node(service + "-" + UUID.randomUUID(),
                "127.0.0.1:" + ThreadLocalRandom.current().nextInt(20_000, 60_000),
                Map.of("protocol", "mucp", "transport", "http", "broker", "http", "registry", "test",
                        "server", "rpc"));
    }

    /** Version {@code version} of {@code name} with two endpoints of nested values and no service metadata. */
    public static Service service(String name, String version, Node... nodes) {
        return new Service(name, version, Map.of(), endpoints(2, 2), List.of(nodes));
    }

    /**
     * {@code count} endpoints {@code Greeter.Hello<i>}; each request has {@code fields} fields next to a nested
     * message of three levels, as Go Micro advertises them.
     */
    public static List<Endpoint> endpoints(int count, int fields) {
        List<Endpoint> endpoints = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            List<Value> values = new ArrayList<>();
            for (int f = 0; f < fields; f++) {
                values.add(new Value("field" + f, f % 2 == 0 ? "string" : "int64", List.of()));
            }
            values.add(new Value("greeting", "Greeting", List.of(new Value("text", "string", List.of()),
                    new Value("lang", "Lang", List.of(new Value("code", "string", List.of()))))));
            Value request = new Value("HelloRequest" + i, "HelloRequest" + i, values);
            Value response = new Value("HelloResponse" + i, "HelloResponse" + i,
                    List.of(new Value("msg", "string", List.of())));
            endpoints.add(new Endpoint("Greeter.Hello" + i, request, response,
                    Map.of("stream", "false", "handler", "Greeter")));
        }
        return endpoints;
    }

    /** Re-registers {@code service} with {@link #ttl()} four times per TTL until the test ends or it is cancelled. */
    protected final java.util.concurrent.Future<?> heartbeat(Registry registry, Service service) {
        long every = Math.max(1, ttl().toMillis() / 4);
        return heartbeats.scheduleAtFixedRate(() -> registry.register(service, ttl()), every, every,
                TimeUnit.MILLISECONDS);
    }

    private static Set<String> nodeIds(List<Service> versions) {
        return versions.stream().flatMap(v -> v.nodes().stream()).map(Node::id).collect(Collectors.toSet());
    }

    private static Service withMetadata(Service s, String key, String value) {
        Node n = s.nodes().get(0);
        Map<String, String> more = new HashMap<>(n.metadata());
        more.put(key, value);
        return s.withNodes(List.of(new Node(n.id(), n.address(), more)));
    }

    // ---- register, look up, deregister ----

    @Test
    public void anotherInstanceFindsTheNodeExactlyAsRegistered() {
        Registry a = registry();
        Registry b = registry();
        String name = uniqueName();
        Service s = service(name, "1.0.0", node(name));

        a.register(s, LONG_TTL);

        Registries.awaitService(b, name, discoveryTimeout());
        assertThat(b.getService(name)).containsExactly(s);
        assertThat(b.getService(uniqueName())).as("a service nobody registered").isEmpty();
    }

    @Test
    public void theRegisteringInstanceSeesItsNodeAsSoonAsRegisterReturns() {
        Registry a = registry();
        String name = uniqueName();
        Service s = service(name, "1.0.0", node(name));

        a.register(s, LONG_TTL);

        assertThat(a.getService(name)).containsExactly(s);
        a.deregister(s);
        assertThat(a.getService(name)).isEmpty();
    }

    @Test
    public void anInstanceStartedLaterFindsTheNodesRegisteredBefore() {
        Registry a = registry();
        String name = uniqueName();
        Service s = service(name, "1.0.0", node(name));
        a.register(s, LONG_TTL);
        Registries.awaitService(registry(), name, discoveryTimeout());

        Registry late = registry();

        Registries.awaitService(late, name, discoveryTimeout());
        assertThat(late.getService(name)).containsExactly(s);
    }

    @Test
    public void deregisteringRemovesTheNodeFromEveryInstance() {
        Registry a = registry();
        Registry b = registry();
        String name = uniqueName();
        Node stays = node(name);
        Node leaves = node(name);
        a.register(service(name, "1.0.0", stays), LONG_TTL);
        a.register(service(name, "1.0.0", leaves), LONG_TTL);
        Registries.awaitNode(b, name, stays.id(), discoveryTimeout());
        Registries.awaitNode(b, name, leaves.id(), discoveryTimeout());

        a.deregister(service(name, "1.0.0", leaves));

        Registries.awaitNodeGone(b, name, leaves.id(), removalTimeout());
        assertThat(nodeIds(b.getService(name))).containsExactly(stays.id());
        a.deregister(service(name, "1.0.0", stays));
        Registries.awaitNodeGone(b, name, stays.id(), removalTimeout());
        assertThat(b.getService(name)).isEmpty();
    }

    @Test
    public void versionsAndNodesOfAServiceAreKeptApart() {
        Registry a = registry();
        Registry c = registry();
        Registry b = registry();
        String name = uniqueName();
        Node v1a = node(name);
        Node v1c = node(name);
        Node v2a = node(name);
        a.register(service(name, "1.0.0", v1a), LONG_TTL);
        c.register(service(name, "1.0.0", v1c), LONG_TTL);
        a.register(service(name, "2.0.0", v2a), LONG_TTL);

        await().atMost(discoveryTimeout()).until(() -> nodeIds(b.getService(name)).size() == 3);

        Map<String, Set<Node>> byVersion = b.getService(name).stream()
                .collect(Collectors.toMap(Service::version, v -> Set.copyOf(v.nodes())));
        assertThat(byVersion).containsOnly(Map.entry("1.0.0", Set.of(v1a, v1c)), Map.entry("2.0.0", Set.of(v2a)));
        assertThat(b.getService(name)).allSatisfy(v -> assertThat(v.endpoints()).isEqualTo(endpoints(2, 2)));

        a.deregister(service(name, "2.0.0", v2a));
        Registries.awaitNodeGone(b, name, v2a.id(), removalTimeout());
        assertThat(b.getService(name)).as("a version without nodes is gone").singleElement()
                .satisfies(v -> assertThat(v.version()).isEqualTo("1.0.0"));
    }

    @Test
    public void listServicesGivesNamesAndVersions() {
        Registry a = registry();
        Registry b = registry();
        String first = uniqueName();
        String second = uniqueName();
        a.register(service(first, "1.0.0", node(first)), LONG_TTL);
        a.register(service(first, "2.0.0", node(first)), LONG_TTL);
        a.register(service(second, "1.0.0", node(second)), LONG_TTL);

        await().atMost(discoveryTimeout()).untilAsserted(() ->
                assertThat(b.listServices()).extracting(Service::name, Service::version)
                        .contains(tuple(first, "1.0.0"), tuple(first, "2.0.0"), tuple(second, "1.0.0")));
        assertThat(b.listServices()).filteredOn(s -> s.name().equals(first) || s.name().equals(second))
                .hasSize(3)
                .allSatisfy(s -> assertThat(s.nodes()).as("names and versions only").isEmpty());
    }

    @Test
    public void largeServicesRoundTripExactly() {
        Registry a = registry();
        Registry b = registry();
        String name = uniqueName();
        Map<String, String> metadata = new LinkedHashMap<>();
        for (int i = 0; i < 40; i++) {
            metadata.put("key-" + i, ("value " + i + " ü 日本 \"quoted\" ").repeat(5));
        }
        Node big = new Node(name + "-" + UUID.randomUUID(), "127.0.0.1:4242", metadata);
        Service s = new Service(name, "1.0.0", Map.of("owner", "team-a", "tier", "gold"), endpoints(30, 6),
                List.of(big));

        a.register(s, LONG_TTL);

        Registries.awaitService(b, name, discoveryTimeout());
        assertThat(b.getService(name)).containsExactly(s);
    }

    @Test
    public void serviceLevelMetadataIsKept() {
        Registry a = registry();
        Registry b = registry();
        String name = uniqueName();
        Service s = new Service(name, "1.0.0", Map.of("owner", "team-a"), endpoints(1, 1), List.of(node(name)));

        a.register(s, LONG_TTL);

        Registries.awaitService(b, name, discoveryTimeout());
        assertThat(b.getService(name)).singleElement()
                .satisfies(v -> assertThat(v.metadata()).isEqualTo(Map.of("owner", "team-a")));
    }

    // ---- watching ----

    @Test
    public void watchersSeeCreateUpdateAndDeleteInOrderEachForItsServices() {
        Registry a = registry();
        Registry b = registry();
        String name = uniqueName();
        String other = uniqueName();
        WatchedEvents one = watch(b, name);
        WatchedEvents all = watch(b, null);
        Set<String> ours = Set.of(name, other);
        Service s = service(name, "1.0.0", node(name));

        a.register(s, LONG_TTL);
        assertThat(one.next(discoveryTimeout())).isEqualTo(new RegistryEvent(Action.CREATE, s));

        Service changed = withMetadata(s, "zone", "b");
        a.register(changed, LONG_TTL);
        assertThat(one.next(discoveryTimeout())).isEqualTo(new RegistryEvent(Action.UPDATE, changed));

        Service otherService = service(other, "1.0.0", node(other));
        a.register(otherService, LONG_TTL);
        List<RegistryEvent> everything = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            everything.add(all.next(discoveryTimeout(), e -> ours.contains(e.service().name())));
        }
        assertThat(everything).extracting(e -> e.service().name(), RegistryEvent::action).containsExactly(
                tuple(name, Action.CREATE), tuple(name, Action.UPDATE), tuple(other, Action.CREATE));

        a.deregister(changed);
        RegistryEvent deleted = one.next(removalTimeout());
        assertThat(deleted.action()).as("the watcher of %s sees nothing of %s", name, other)
                .isEqualTo(Action.DELETE);
        assertThat(deleted.service().name()).isEqualTo(name);
        assertThat(deleted.service().nodes()).containsExactly(changed.nodes().get(0));
        assertThat(all.next(removalTimeout(), e -> ours.contains(e.service().name())))
                .isEqualTo(deleted);
    }

    @Test
    public void aStoppedWatcherUnblocksItsReaderAndThrowsFromThenOn() {
        Registry r = registry();
        Watcher w = r.watch(null);
        WatchedEvents reading = WatchedEvents.of(w);

        w.stop();

        assertThat(reading.end(Duration.ofSeconds(5))).isInstanceOf(RegistryException.class)
                .hasMessage(RegistryException.WATCHER_STOPPED);
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> assertThatThrownBy(w::next)
                .isInstanceOf(RegistryException.class).hasMessage(RegistryException.WATCHER_STOPPED));
    }

    // ---- TTL and heartbeats ----

    @Test
    public void aNodeThatStopsHeartBeatingExpiresWhileOneThatBeatsStays() {
        Registry a = registry();
        Registry b = registry();
        String name = uniqueName();
        Service beating = service(name, "1.0.0", node(name));
        Service silent = service(name, "1.0.0", node(name));
        String beatingId = beating.nodes().get(0).id();
        String silentId = silent.nodes().get(0).id();
        WatchedEvents events = watch(b, name);

        a.register(beating, ttl());
        var beats = heartbeat(a, beating);
        long silentSince = System.nanoTime();
        a.register(silent, ttl());
        List<RegistryEvent> created = List.of(events.next(discoveryTimeout()), events.next(discoveryTimeout()));
        assertThat(created).extracting(RegistryEvent::action).containsOnly(Action.CREATE);
        assertThat(created).extracting(e -> e.service().nodes().get(0).id())
                .containsExactlyInAnyOrder(beatingId, silentId);

        // a refresh may show as an UPDATE; a DELETE of the beating node would be a bug
        RegistryEvent expired = events.next(ttl().plus(removalTimeout()), e -> e.action() != Action.UPDATE);
        assertThat(expired.action()).isEqualTo(Action.DELETE);
        assertThat(expired.service().nodes()).extracting(Node::id).containsExactly(silentId);
        assertThat(Duration.ofNanos(System.nanoTime() - silentSince)).as("not before its TTL")
                .isGreaterThanOrEqualTo(ttl());
        assertThat(nodeIds(b.getService(name))).containsExactly(beatingId);
        await().during(ttl().multipliedBy(2)).atMost(ttl().multipliedBy(3))
                .until(() -> nodeIds(b.getService(name)).equals(Set.of(beatingId)));

        beats.cancel(false);
        RegistryEvent gone = events.next(ttl().plus(removalTimeout()), e -> e.action() != Action.UPDATE);
        assertThat(gone.action()).isEqualTo(Action.DELETE);
        assertThat(gone.service().nodes()).extracting(Node::id).containsExactly(beatingId);
        assertThat(b.getService(name)).isEmpty();
    }

    @Test
    public void reRegisteringReplacesWhatTheNodeAdvertisesAndKeepsItOne() {
        Registry a = registry();
        Registry b = registry();
        String name = uniqueName();
        Service s = service(name, "1.0.0", node(name));
        a.register(s, ttl());
        Registries.awaitService(b, name, discoveryTimeout());

        Service moved = withMetadata(s, "zone", "moved");
        a.register(moved, ttl());
        heartbeat(a, moved);

        await().atMost(discoveryTimeout()).until(() -> b.getService(name).equals(List.of(moved)));
        await().during(ttl().multipliedBy(2)).atMost(ttl().multipliedBy(3))
                .until(() -> b.getService(name).equals(List.of(moved)));
    }

    @Test
    public void aZeroTtlNeverExpires() {
        Registry a = registry();
        Registry b = registry();
        String name = uniqueName();
        Service forever = service(name, "1.0.0", node(name));
        Service brief = service(name, "1.0.0", node(name));
        a.register(forever, Duration.ZERO);
        a.register(brief, ttl());
        Registries.awaitNode(b, name, forever.nodes().get(0).id(), discoveryTimeout());
        Registries.awaitNode(b, name, brief.nodes().get(0).id(), discoveryTimeout());

        Registries.awaitNodeGone(b, name, brief.nodes().get(0).id(), ttl().plus(removalTimeout()));
        await().during(ttl()).atMost(ttl().multipliedBy(2))
                .until(() -> nodeIds(b.getService(name)).equals(Set.of(forever.nodes().get(0).id())));
    }

    // ---- concurrency and lifecycle ----

    @Test
    public void concurrentRegistrationsFromManyThreadsAllArriveAndLeave() throws Exception {
        Registry a = registry();
        Registry b = registry();
        String name = uniqueName();
        int threads = 8;
        List<Service> services = new ArrayList<>();
        for (int i = 0; i < concurrentNodes(); i++) {
            services.add(service(name, "1.0.0", node(name)));
        }
        Set<String> ids = nodeIds(services);

        inParallel(threads, services, s -> a.register(s, LONG_TTL));

        await().atMost(discoveryTimeout()).untilAsserted(() ->
                assertThat(nodeIds(b.getService(name))).containsExactlyInAnyOrderElementsOf(ids));
        assertThat(nodeIds(a.getService(name))).containsExactlyInAnyOrderElementsOf(ids);

        inParallel(threads, services, a::deregister);

        await().atMost(discoveryTimeout()).untilAsserted(() -> assertThat(b.getService(name)).isEmpty());
    }

    private static void inParallel(int threads, List<Service> services, java.util.function.Consumer<Service> action)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch go = new CountDownLatch(1);
        List<CompletableFuture<Void>> done = new ArrayList<>();
        try {
            for (int t = 0; t < threads; t++) {
                int first = t;
                done.add(CompletableFuture.runAsync(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                    for (int i = first; i < services.size(); i += threads) {
                        action.accept(services.get(i));
                    }
                }, pool));
            }
            go.countDown();
            CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get(2, TimeUnit.MINUTES);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    public void closeWithdrawsWhatTheInstanceRegisteredAndNothingElse() {
        Registry closing = registry();
        Registry staying = registry();
        Registry b = registry();
        String name = uniqueName();
        Node mine = node(name);
        Node theirs = node(name);
        WatchedEvents seen = watch(b, name);
        closing.register(service(name, "1.0.0", mine), LONG_TTL);
        staying.register(service(name, "1.0.0", theirs), LONG_TTL);
        List<RegistryEvent> created = List.of(seen.next(discoveryTimeout()), seen.next(discoveryTimeout()));
        assertThat(created).extracting(e -> e.service().nodes().get(0)).containsExactlyInAnyOrder(mine, theirs);
        WatchedEvents ownWatch = watch(closing, name);

        closing.close();

        RegistryEvent withdrawn = seen.next(removalTimeout(), e -> e.action() != Action.UPDATE);
        assertThat(withdrawn.action()).isEqualTo(Action.DELETE);
        assertThat(withdrawn.service().nodes()).containsExactly(mine);
        assertThat(nodeIds(b.getService(name))).containsExactly(theirs.id());
        assertThat(ownWatch.end(removalTimeout())).as("close stops the instance's watchers")
                .isInstanceOf(RegistryException.class);
    }

    @Test
    public void registerRefusesANegativeTtlAndAServiceWithoutNodes() {
        Registry r = registry();
        String name = uniqueName();

        assertThatThrownBy(() -> r.register(service(name, "1.0.0", node(name)), Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ttl");
        assertThatThrownBy(() -> r.register(service(name, "1.0.0"), LONG_TTL))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(name);
        assertThat(r.getService(name)).isEmpty();
    }
}
