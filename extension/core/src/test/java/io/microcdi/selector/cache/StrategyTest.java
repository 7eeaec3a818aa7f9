package io.microcdi.selector.cache;

import io.microcdi.internal.config.DefaultMicroConfig;
import io.microcdi.registry.Node;
import io.microcdi.registry.Service;
import io.microcdi.registry.memory.MemoryRegistry;
import io.microcdi.selector.Next;
import io.microcdi.selector.SelectOptions;
import io.microcdi.selector.Selector;
import io.microcdi.selector.SelectorProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How each built-in selector, found by name through its provider, spreads calls over a service's nodes: random
 * reaches every node evenly, round robin is one rotation shared by all calls, least-requests and p2c follow the
 * calls in flight, and a retry goes to a node the call has not tried while one is left.
 */
class StrategyTest {

    private static final String SERVICE = "greeter";
    private static final int PICKS = 10_000;

    private final MemoryRegistry registry = new MemoryRegistry();
    private final List<Selector> selectors = new ArrayList<>();

    @AfterEach
    void tearDown() {
        selectors.forEach(Selector::close);
        registry.close();
    }

    private Selector selector(String name) {
        SelectorProvider provider = ServiceLoader.load(SelectorProvider.class).stream()
                .map(ServiceLoader.Provider::get)
                .filter(p -> p.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no selector provider named " + name));
        // ejection off: these tests are about how strategies spread calls, and a retry follows a failure
        Selector s = provider.create(DefaultMicroConfig.of(Map.of(Ejection.FAILURES, "0")), registry);
        selectors.add(s);
        return s;
    }

    /** Registers {@code count} nodes, each labelled {@code node=<its index>} so that a filter can single it out. */
    private List<Node> nodes(int count) {
        List<Node> nodes = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            nodes.add(new Node(SERVICE + "-" + i, "127.0.0.1:" + (9000 + i), Map.of("node", String.valueOf(i))));
        }
        registry.register(new Service(SERVICE, "1.0.0", Map.of(), List.of(), nodes), Duration.ZERO);
        return nodes;
    }

    private static SelectOptions only(Node node) {
        return SelectOptions.none().withLabel("node", node.metadata().get("node"));
    }

    /** {@code calls} one-attempt calls, each marked a success at once; how many went to each node. */
    private static Map<Node, Integer> spread(Selector s, int calls) {
        Map<Node, Integer> counts = new HashMap<>();
        for (int i = 0; i < calls; i++) {
            Next next = s.select(SERVICE);
            Node n = next.next();
            next.mark(n, null);
            counts.merge(n, 1, Integer::sum);
        }
        return counts;
    }

    @Test
    void eachBuiltInSelectorIsFoundByItsName() {
        nodes(2);
        for (String name : List.of("random", "roundrobin", "leastrequests", "p2c")) {
            Selector s = selector(name);

            assertThat(s).isInstanceOf(CachingSelector.class);
            assertThat(s.name()).isEqualTo(name);
            Next next = s.select(SERVICE);
            Node n = next.next();
            assertThat(n.id()).startsWith(SERVICE + "-");
            next.mark(n, null);
        }
    }

    @Test
    void randomReachesEveryNodeEvenly() {
        List<Node> nodes = nodes(4);
        Map<Node, Integer> counts = spread(selector("random"), PICKS);

        assertThat(counts.keySet()).containsExactlyInAnyOrderElementsOf(nodes);
        // 2,500 expected each; the standard deviation is about 43
        assertThat(counts.values()).allSatisfy(c -> assertThat(c).isBetween(2_200, 2_800));
    }

    @Test
    void roundRobinIsOneRotationSharedByEveryCall() {
        List<Node> nodes = nodes(4);
        Selector s = selector("roundrobin");
        List<Node> order = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            Next next = s.select(SERVICE); // a new Next per call: the rotation must still advance
            Node n = next.next();
            next.mark(n, null);
            order.add(n);
        }

        assertThat(Set.copyOf(order.subList(0, 4))).containsExactlyInAnyOrderElementsOf(nodes);
        for (int i = 4; i < order.size(); i++) {
            assertThat(order.get(i)).as("call %d", i).isSameAs(order.get(i - 4));
        }
        Map<Node, Integer> counts = new HashMap<>();
        order.forEach(n -> counts.merge(n, 1, Integer::sum));
        assertThat(counts.values()).containsOnly(250);
    }

    @Test
    void leastRequestsPicksTheNodeWithFewestCallsInFlight() {
        List<Node> nodes = nodes(3);
        Selector s = selector("leastrequests");
        Map<Node, ArrayDeque<Next>> held = new HashMap<>();
        // three calls left in flight: one on each node, since each pick sees the others' loads
        for (int i = 0; i < 3; i++) {
            Next next = s.select(SERVICE);
            held.computeIfAbsent(next.next(), k -> new ArrayDeque<>()).add(next);
        }
        assertThat(held.keySet()).containsExactlyInAnyOrderElementsOf(nodes);

        for (int round = 0; round < 200; round++) {
            Node freed = nodes.get(ThreadLocalRandom.current().nextInt(nodes.size()));
            held.get(freed).poll().mark(freed, null); // one call fewer in flight than the others now

            Next next = s.select(SERVICE);
            Node n = next.next();
            assertThat(n).as("round %d", round).isEqualTo(freed);
            held.get(n).add(next);
        }

        // loads 3, 1, 0: the idle node wins, then the one with a single call
        Node busy = nodes.get(0), light = nodes.get(1), idle = nodes.get(2);
        held.forEach((node, calls) -> calls.forEach(c -> c.mark(node, null)));
        held.clear();
        for (int i = 0; i < 3; i++) {
            Next next = s.select(SERVICE, only(busy));
            next.next();
            held.computeIfAbsent(busy, k -> new ArrayDeque<>()).add(next);
        }
        Next lightCall = s.select(SERVICE, only(light));
        lightCall.next();
        Next first = s.select(SERVICE);
        assertThat(first.next()).isEqualTo(idle);
        Next second = s.select(SERVICE);
        Node secondNode = second.next();
        assertThat(secondNode).isIn(idle, light); // both at one call now
        first.mark(idle, null);
        second.mark(secondNode, null);
        lightCall.mark(light, null);
        held.get(busy).forEach(c -> c.mark(busy, null));
    }

    @Test
    void p2cSendsClearlyFewerCallsToABusyNode() {
        List<Node> nodes = nodes(3);
        Selector s = selector("p2c");
        Node busy = nodes.get(0);
        List<Next> held = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            Next next = s.select(SERVICE, only(busy)); // the filtered view shares the nodes' health
            assertThat(next.next()).isEqualTo(busy);
            held.add(next);
        }

        Map<Node, Integer> counts = spread(s, 9_000);

        // fair would be 3,000 each; the busy node only wins a draw against a busier one, and there is none
        assertThat(counts.getOrDefault(busy, 0)).isLessThan(300);
        assertThat(counts.get(nodes.get(1))).isGreaterThan(3_500);
        assertThat(counts.get(nodes.get(2))).isGreaterThan(3_500);

        held.forEach(next -> next.mark(busy, null));
        Map<Node, Integer> after = spread(s, 9_000);
        assertThat(after.keySet()).containsExactlyInAnyOrderElementsOf(nodes);
        assertThat(after.values()).allSatisfy(c -> assertThat(c).isBetween(2_500, 3_500));
    }

    @ParameterizedTest
    @ValueSource(strings = {"random", "roundrobin", "leastrequests", "p2c"})
    void aCallOverManyNodesTriesEachOnceBeforeAnyAgain(String name) {
        List<Node> nodes = nodes(100); // beyond the 64 a call tracks in one long
        Selector s = selector(name);
        Next next = s.select(SERVICE);
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
        assertThat(((CachingSelector) s).status(SERVICE)).allSatisfy(st -> assertThat(st.inFlight()).isZero());
    }

    @ParameterizedTest
    @ValueSource(strings = {"random", "roundrobin", "leastrequests", "p2c"})
    void aRetryOnAServiceWithOneNodeGetsThatNodeAgain(String name) {
        Node only = nodes(1).get(0);
        Selector s = selector(name);
        Next next = s.select(SERVICE);

        Node first = next.next();
        next.mark(first, new ConnectException("refused"));
        Node second = next.next();
        next.mark(second, null);

        assertThat(first).isEqualTo(only);
        assertThat(second).isEqualTo(only);
        assertThat(((CachingSelector) s).status(SERVICE)).singleElement()
                .satisfies(st -> assertThat(st.inFlight()).isZero());
    }
}
