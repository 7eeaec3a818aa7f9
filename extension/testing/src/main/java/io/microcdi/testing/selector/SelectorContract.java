package io.microcdi.testing.selector;

import io.microcdi.errors.MicroException;
import io.microcdi.registry.Endpoint;
import io.microcdi.registry.Node;
import io.microcdi.registry.Registry;
import io.microcdi.registry.Service;
import io.microcdi.selector.Next;
import io.microcdi.selector.SelectOptions;
import io.microcdi.selector.Selector;
import io.microcdi.transport.TransportException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The behaviour every {@link Selector} plugin owes the framework, as JUnit 5 tests a plugin's test class inherits by
 * extending this class and making the selector over a registry.
 *
 * <pre>{@code
 * class WeightedSelectorTest extends SelectorContract {
 *     @Override protected Registry newRegistry() { return new MemoryRegistry(); }
 *     @Override protected Selector newSelector(Registry registry) { return new WeightedSelector(registry); }
 * }
 * }</pre>
 *
 * <p>Each test registers the nodes of its services in a registry of its own, then selects: the selector must hand
 * out only the nodes the registry has (and a filter keeps), follow the registry as nodes join and leave within
 * {@link #changeTimeout()}, give a retry a node the call has not tried while one is left, answer a service without
 * nodes with a {@code 503} {@link MicroException}, and take marks from many threads. How it spreads calls is the
 * strategy's business: the suite only asks that every node gets calls when many are in flight. A test the plugin
 * cannot pass by design is overridden in the subclass with {@code @Test @Disabled("why")}.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES) // a plugin that hangs fails its test instead of the build
public abstract class SelectorContract {

    private Registry registry;
    private final List<AutoCloseable> closing = new ArrayList<>();

    /** A registry the test registers its nodes in; one per test, closed after it. */
    protected abstract Registry newRegistry();

    /** The selector under test, over {@code registry}; one per test, closed after it. */
    protected abstract Selector newSelector(Registry registry);

    /** The longest a node that joined or left the registry may take to be picked or to stop being picked. */
    protected Duration changeTimeout() {
        return Duration.ofSeconds(5);
    }

    @AfterEach
    void closeEverything() throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
    }

    // ---- fixtures ----

    /** The registry of this test. */
    protected final Registry registry() {
        if (registry == null) {
            registry = newRegistry();
            closing.add(registry);
        }
        return registry;
    }

    /** A selector over {@link #registry()}, closed after the test. */
    protected final Selector selector() {
        Selector s = newSelector(registry());
        closing.add(s);
        return s;
    }

    /** A service name no other test uses. */
    public static String uniqueName() {
        return "sc-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Registers {@code count} nodes of {@code service} version {@code 1.0.0}, each labelled {@code node=<i>}. */
    protected final List<Node> register(String service, int count) {
        List<Node> nodes = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            nodes.add(node(service, i, Map.of()));
        }
        registry().register(new Service(service, "1.0.0", Map.of(), List.of(), nodes), Duration.ZERO);
        return nodes;
    }

    private static Node node(String service, int i, Map<String, String> labels) {
        Map<String, String> metadata = new java.util.HashMap<>(labels);
        metadata.put("node", String.valueOf(i));
        return new Node(service + "-" + i + "-" + UUID.randomUUID(), "127.0.0.1:" + (20_000 + i), metadata);
    }

    /**
     * The nodes {@code calls} calls went to with every call still in flight (none is marked until all are picked),
     * the way load builds up; then each call is marked a success.
     */
    protected static Set<Node> picksInFlight(Selector selector, String service, SelectOptions options, int calls) {
        List<Next> held = new ArrayList<>(calls);
        List<Node> picked = new ArrayList<>(calls);
        try {
            for (int i = 0; i < calls; i++) {
                Next next = selector.select(service, options);
                held.add(next);
                picked.add(next.next());
            }
        } finally {
            for (int i = 0; i < picked.size(); i++) {
                held.get(i).mark(picked.get(i), null);
            }
        }
        return new HashSet<>(picked);
    }

    private static Set<Node> picksInFlight(Selector selector, String service, int calls) {
        return picksInFlight(selector, service, SelectOptions.none(), calls);
    }

    private static void assert503(Runnable selection) {
        assertThatThrownBy(selection::run).isInstanceOfSatisfying(MicroException.class,
                e -> assertThat(e.code()).isEqualTo(503));
    }

    // ---- the nodes of the registry ----

    @Test
    public void itNamesItself() {
        assertThat(selector().name()).isNotBlank();
    }

    @Test
    public void everyNodeOfTheServiceGetsCallsAndNoOtherNodeDoes() {
        String name = uniqueName();
        List<Node> nodes = register(name, 4);
        register(uniqueName(), 2); // another service's nodes

        assertThat(picksInFlight(selector(), name, 100)).containsExactlyInAnyOrderElementsOf(nodes);
    }

    @Test
    public void aNodeThatJoinsGetsCallsAndOneThatLeavesGetsNoMore() {
        String name = uniqueName();
        List<Node> nodes = register(name, 2);
        Selector selector = selector();
        assertThat(picksInFlight(selector, name, 50)).containsExactlyInAnyOrderElementsOf(nodes);

        Node joining = node(name, 9, Map.of());
        registry().register(new Service(name, "1.0.0", Map.of(), List.of(), List.of(joining)), Duration.ZERO);
        await().atMost(changeTimeout()).until(() -> picksInFlight(selector, name, 60).contains(joining));

        Node leaving = nodes.get(0);
        registry().deregister(new Service(name, "1.0.0", Map.of(), List.of(), List.of(leaving)));
        await().atMost(changeTimeout()).until(() -> !picksInFlight(selector, name, 60).contains(leaving));
        assertThat(picksInFlight(selector, name, 200)).as("gone for good").doesNotContain(leaving)
                .containsExactlyInAnyOrder(nodes.get(1), joining);
    }

    @Test
    public void aServiceWithoutNodesIs503() {
        register(uniqueName(), 1);
        Selector selector = selector();

        assert503(() -> selector.select(uniqueName()).next());
    }

    @Test
    public void aServiceWhoseLastNodeLeftIs503() {
        String name = uniqueName();
        Node only = register(name, 1).get(0);
        Selector selector = selector();
        assertThat(picksInFlight(selector, name, 1)).containsExactly(only);

        registry().deregister(new Service(name, "1.0.0", Map.of(), List.of(), List.of(only)));

        await().atMost(changeTimeout()).untilAsserted(() -> assert503(() -> selector.select(name).next()));
    }

    @Test
    public void aServiceRegisteredAfterItWasNotFoundIsFound() {
        String name = uniqueName();
        Selector selector = selector();
        assert503(() -> selector.select(name).next());

        List<Node> nodes = register(name, 2);

        await().atMost(changeTimeout()).untilAsserted(() ->
                assertThat(picksInFlight(selector, name, 50)).containsExactlyInAnyOrderElementsOf(nodes));
    }

    // ---- filters ----

    @Test
    public void filtersKeepTheNodesOfAVersionALabelOrAnEndpoint() {
        String name = uniqueName();
        Node v1eu = node(name, 1, Map.of("zone", "eu"));
        Node v1us = node(name, 2, Map.of("zone", "us"));
        Node v2eu = node(name, 3, Map.of("zone", "eu", "tier", "gold"));
        Endpoint hello = new Endpoint("Greeter.Hello", null, null, Map.of());
        Endpoint bye = new Endpoint("Greeter.Bye", null, null, Map.of());
        registry().register(new Service(name, "1.0.0", Map.of(), List.of(hello), List.of(v1eu, v1us)), Duration.ZERO);
        registry().register(new Service(name, "2.0.0", Map.of(), List.of(hello, bye), List.of(v2eu)), Duration.ZERO);
        Selector s = selector();
        SelectOptions none = SelectOptions.none();

        assertThat(picksInFlight(s, name, none, 100)).containsExactlyInAnyOrder(v1eu, v1us, v2eu);
        assertThat(picksInFlight(s, name, none.withVersion("1.0.0"), 100)).containsExactlyInAnyOrder(v1eu, v1us);
        assertThat(picksInFlight(s, name, none.withVersion("2.0.0"), 20)).containsExactly(v2eu);
        assertThat(picksInFlight(s, name, none.withLabel("zone", "eu"), 100)).containsExactlyInAnyOrder(v1eu, v2eu);
        assertThat(picksInFlight(s, name, none.withLabel("zone", "eu").withLabel("tier", "gold"), 20))
                .containsExactly(v2eu);
        assertThat(picksInFlight(s, name, none.withEndpoint("Greeter.Hello"), 100))
                .containsExactlyInAnyOrder(v1eu, v1us, v2eu);
        assertThat(picksInFlight(s, name, none.withEndpoint("Greeter.Bye"), 20)).containsExactly(v2eu);
        assertThat(picksInFlight(s, name, none.withVersion("1.0.0").withLabel("zone", "eu"), 20))
                .containsExactly(v1eu);
    }

    @Test
    public void aFilterThatKeepsNoNodeIs503() {
        String name = uniqueName();
        register(name, 2);
        Selector selector = selector();

        assert503(() -> selector.select(name, SelectOptions.none().withVersion("9.9")).next());
        assert503(() -> selector.select(name, SelectOptions.none().withLabel("zone", "mars")).next());
        assert503(() -> selector.select(name, SelectOptions.none().withEndpoint("Greeter.Nothing")).next());
    }

    // ---- retries and marks ----

    @Test
    public void aRetryGoesToANodeTheCallHasNotTriedWhileOneIsLeft() {
        String name = uniqueName();
        List<Node> nodes = register(name, 3);
        Selector selector = selector();
        for (int call = 0; call < 300; call++) {
            Next next = selector.select(name);
            Set<Node> tried = new HashSet<>();
            for (int attempt = 0; attempt < 3; attempt++) {
                Node n = next.next();
                assertThat(tried.add(n)).as("call %d attempt %d went to %s again", call, attempt, n.id()).isTrue();
                next.mark(n, attempt == 0 ? new ConnectException("refused")
                        : attempt == 1 ? new TransportException("reset", null, true) : null);
            }
            Node fourth = next.next(); // every node tried: any will do
            assertThat(fourth).isIn(nodes);
            next.mark(fourth, null);
        }
    }

    @Test
    public void aCallOverManyNodesTriesEachOnceBeforeAnyAgain() {
        String name = uniqueName();
        List<Node> nodes = register(name, 100);
        Next next = selector().select(name);
        Set<Node> tried = new HashSet<>();

        for (int attempt = 0; attempt < nodes.size(); attempt++) {
            Node n = next.next();
            assertThat(tried.add(n)).as("attempt %d went to %s again", attempt, n.id()).isTrue();
            next.mark(n, new ConnectException("refused"));
        }
        Node again = next.next();
        next.mark(again, null);

        assertThat(tried).containsExactlyInAnyOrderElementsOf(nodes);
        assertThat(again).isIn(nodes);
    }

    @Test
    public void aRetryOnAServiceWithOneNodeGetsThatNodeAgain() {
        String name = uniqueName();
        Node only = register(name, 1).get(0);
        Next next = selector().select(name);

        Node first = next.next();
        next.mark(first, new ConnectException("refused"));
        Node second = next.next();
        next.mark(second, null);

        assertThat(first).isEqualTo(only);
        assertThat(second).isEqualTo(only);
    }

    @Test
    public void manyThreadsSelectMarkAndSkipAtOnce() throws Exception {
        String name = uniqueName();
        Set<Node> nodes = Set.copyOf(register(name, 5));
        Selector selector = selector();
        Set<Node> seen = ConcurrentHashMap.newKeySet();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<CompletableFuture<Void>> runs = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                runs.add(CompletableFuture.runAsync(() -> {
                    for (int i = 0; i < 2_000; i++) {
                        Next next = selector.select(name, i % 2 == 0 ? SelectOptions.none()
                                : SelectOptions.none().withVersion("1.0.0"));
                        Node first = next.next();
                        seen.add(first);
                        switch (ThreadLocalRandom.current().nextInt(4)) {
                            case 0 -> {
                                next.mark(first, new ConnectException("refused"));
                                Node retry = next.next();
                                seen.add(retry);
                                next.mark(retry, null);
                            }
                            case 1 -> next.skip(first);
                            default -> next.mark(first, null);
                        }
                    }
                }, pool));
            }
            CompletableFuture.allOf(runs.toArray(CompletableFuture[]::new)).get(2, TimeUnit.MINUTES);
        } finally {
            pool.shutdownNow();
        }

        assertThat(seen).isSubsetOf(nodes);
        selector.reset(name); // the failures may have ejected nodes, as a selector may
        assertThat(picksInFlight(selector, name, 100)).as("spreading again after a reset")
                .containsExactlyInAnyOrderElementsOf(nodes);
    }

    @Test
    public void marksOutsideACallAndResetLeaveTheSelectorWorking() {
        String name = uniqueName();
        List<Node> nodes = register(name, 3);
        Selector selector = selector();
        picksInFlight(selector, name, 10);

        for (int i = 0; i < 10; i++) {
            selector.mark(name, nodes.get(0), new ConnectException("refused"));
        }
        selector.mark(name, new Node("stranger", "127.0.0.1:1", Map.of()), new ConnectException("refused"));
        selector.mark(uniqueName(), nodes.get(1), null);
        selector.reset(name);
        selector.reset(uniqueName());

        assertThat(picksInFlight(selector, name, 100)).as("reset forgets the failures")
                .containsExactlyInAnyOrderElementsOf(nodes);
    }

    @Test
    public void afterAResetANodeRegisteredMeanwhileIsPickedAtOnce() {
        String name = uniqueName();
        List<Node> nodes = new ArrayList<>(register(name, 2));
        Selector selector = selector();
        picksInFlight(selector, name, 10);
        Node joining = node(name, 7, Map.of());
        registry().register(new Service(name, "1.0.0", Map.of(), List.of(), List.of(joining)), Duration.ZERO);
        nodes.add(joining);

        selector.reset(name);

        assertThat(picksInFlight(selector, name, 100)).containsExactlyInAnyOrderElementsOf(nodes);
    }

    @Test
    public void theAddressOfANodeThatLeftIsReportedGone() {
        String name = uniqueName();
        List<Node> nodes = register(name, 2);
        Selector selector = selector();
        Set<String> gone = ConcurrentHashMap.newKeySet();
        selector.onAddressGone(gone::add);
        picksInFlight(selector, name, 10);

        registry().deregister(new Service(name, "1.0.0", Map.of(), List.of(), List.of(nodes.get(0))));

        await().atMost(changeTimeout()).until(() -> gone.contains(nodes.get(0).address()));
        assertThat(gone).doesNotContain(nodes.get(1).address());
    }
}
