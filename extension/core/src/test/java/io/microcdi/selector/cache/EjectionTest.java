package io.microcdi.selector.cache;

import io.microcdi.config.ConfigException;
import io.microcdi.internal.config.DefaultMicroConfig;
import io.microcdi.registry.Node;
import io.microcdi.registry.Registry;
import io.microcdi.registry.Service;
import io.microcdi.registry.memory.MemoryRegistry;
import io.microcdi.selector.Next;
import io.microcdi.selector.SelectOptions;
import io.microcdi.transport.TransportException;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Level;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Outlier ejection as a caller sees it through {@link CachingSelector#status} and the picks: {@code failures}
 * connection failures in a row eject a node, a success before that resets the count, the last available node is
 * never ejected, an ejected node returns after its back-off on probation (one failure then ejects it again for
 * twice as long, capped; one success clears it for good), and a call whose every candidate is ejected still gets a
 * node. Also {@link Ejection#from} and the lengths it gives.
 */
class EjectionTest {

    private static final String SERVICE = "greeter";
    /** Ejections that outlast any test: no timing involved. */
    private static final Ejection LONG = new Ejection(3, Duration.ofMinutes(1), Duration.ofMinutes(1));
    /** Ejections short enough to watch them end. */
    // long enough that a scheduling pause of a busy CI machine between a failure and the check cannot end an ejection
    private static final Ejection SHORT = new Ejection(3, Duration.ofMillis(400), Duration.ofMillis(1000));

    private final MemoryRegistry registry = new MemoryRegistry();
    private final List<AutoCloseable> closing = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : closing) {
            c.close();
        }
        registry.close();
    }

    /** Awaitility polling often: the changes awaited here take milliseconds. */
    private static ConditionFactory eventually() {
        return Awaitility.await().atMost(Duration.ofSeconds(5)).pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(5));
    }

    private CachingSelector selector(String name, Registry r, Ejection ejection) {
        CachingSelector s = CachingSelector.of(name, r, Duration.ofMinutes(1), ejection);
        closing.add(s);
        return s;
    }

    private CachingSelector selector(Ejection ejection) {
        return selector("random", registry, ejection);
    }

    private static Node node(int i, String version) {
        return new Node("n" + i, "127.0.0.1:" + (9000 + i), Map.of("node", "n" + i, "v", version));
    }

    private List<Node> nodes(int count) {
        List<Node> nodes = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            nodes.add(node(i, "1"));
        }
        registry.register(new Service(SERVICE, "1", Map.of(), List.of(), nodes), Duration.ZERO);
        return nodes;
    }

    /** One call to {@code n} alone (a filter that keeps only it), which ends with {@code error}. */
    private static void call(CachingSelector s, Node n, Throwable error) {
        Next next = s.select(SERVICE, SelectOptions.none().withLabel("node", n.id()));
        Node got = next.next();
        assertThat(got).isEqualTo(n);
        next.mark(got, error);
    }

    private static void fail(CachingSelector s, Node n, int times) {
        for (int i = 0; i < times; i++) {
            call(s, n, i % 2 == 0 ? new ConnectException("Connection refused")
                    : new TransportException("connect " + n.address() + ": refused", null, false));
        }
    }

    private static CachingSelector.NodeStatus status(CachingSelector s, Node n) {
        return s.status(SERVICE).stream().filter(st -> st.node().equals(n)).findFirst().orElseThrow();
    }

    private static boolean ejected(CachingSelector s, Node n) {
        return status(s, n).ejected();
    }

    /** How many of {@code calls} one-attempt calls went to each node; each is marked a success. */
    private static Map<Node, Integer> spread(CachingSelector s, int calls) {
        Map<Node, Integer> counts = new HashMap<>();
        for (int i = 0; i < calls; i++) {
            Next next = s.select(SERVICE);
            Node n = next.next();
            next.mark(n, null);
            counts.merge(n, 1, Integer::sum);
        }
        return counts;
    }

    @ParameterizedTest
    @ValueSource(strings = {"random", "roundrobin", "leastrequests", "p2c"})
    void consecutiveFailuresEjectANodeAndPicksAvoidIt(String name) {
        List<Node> nodes = nodes(3);
        CachingSelector s = selector(name, registry, LONG);
        Node bad = nodes.get(0);

        fail(s, bad, 2);
        assertThat(status(s, bad).consecutiveFailures()).isEqualTo(2);
        assertThat(ejected(s, bad)).isFalse();

        call(s, bad, new ConnectException("Connection refused"));
        assertThat(ejected(s, bad)).isTrue();
        assertThat(status(s, bad).consecutiveFailures()).isZero();
        assertThat(s.status(SERVICE)).filteredOn(CachingSelector.NodeStatus::ejected).hasSize(1);

        Map<Node, Integer> counts = spread(s, 1_000);
        assertThat(counts).doesNotContainKey(bad).containsOnlyKeys(nodes.get(1), nodes.get(2));
    }

    @Test
    void aSuccessBeforeTheLastFailureResetsTheCount() {
        List<Node> nodes = nodes(3);
        CachingSelector s = selector(LONG);
        Node flaky = nodes.get(0);

        fail(s, flaky, 2);
        call(s, flaky, null);
        assertThat(status(s, flaky).consecutiveFailures()).isZero();
        fail(s, flaky, 2);

        assertThat(status(s, flaky).consecutiveFailures()).isEqualTo(2);
        assertThat(ejected(s, flaky)).isFalse();
    }

    @Test
    void theLastAvailableNodeIsNeverEjected() {
        List<Node> nodes = nodes(2);
        CachingSelector s = selector(LONG);
        Node first = nodes.get(0), last = nodes.get(1);
        fail(s, first, 3);
        assertThat(ejected(s, first)).isTrue();

        fail(s, last, 10);

        assertThat(ejected(s, last)).isFalse();
        assertThat(status(s, last).consecutiveFailures()).isEqualTo(10);
        assertThat(spread(s, 200)).containsOnlyKeys(last);
    }

    @Test
    void anEjectedNodeIsReadmittedAfterItsBackOff() {
        List<Node> nodes = nodes(3);
        CachingSelector s = selector(SHORT);
        Node bad = nodes.get(0);

        long start = System.nanoTime();
        fail(s, bad, 3);
        assertThat(ejected(s, bad)).isTrue();
        eventually().until(() -> !ejected(s, bad));

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(SHORT.base());
        assertThat(spread(s, 300)).containsKey(bad);
    }

    @Test
    void aFailureOnProbationEjectsAgainForTwiceAsLongUpToTheMax() {
        List<Node> nodes = nodes(3);
        CachingSelector s = selector(SHORT);
        Node bad = nodes.get(0);
        try (LogCapture log = LogCapture.of(NodeSet.class)) {
            fail(s, bad, 3);
            eventually().until(() -> !ejected(s, bad));

            long second = System.nanoTime();
            fail(s, bad, 1); // one failure is enough on probation
            assertThat(ejected(s, bad)).isTrue();
            eventually().until(() -> !ejected(s, bad));
            assertThat(Duration.ofNanos(System.nanoTime() - second)).isGreaterThanOrEqualTo(Duration.ofMillis(800));

            fail(s, bad, 1);
            assertThat(ejected(s, bad)).isTrue();

            assertThat(log.messages(Level.WARNING, "ejected node n0")).satisfiesExactly(
                    m -> assertThat(m).contains("for 400 ms (ejection 1 in a row)"),
                    m -> assertThat(m).contains("for 800 ms (ejection 2 in a row)"),
                    m -> assertThat(m).contains("for 1000 ms (ejection 3 in a row)"));
        }
    }

    @Test
    void aSuccessOnProbationReadmitsForGood() {
        List<Node> nodes = nodes(3);
        CachingSelector s = selector(SHORT);
        Node bad = nodes.get(0);
        try (LogCapture log = LogCapture.of(NodeSet.class)) {
            fail(s, bad, 3);
            eventually().until(() -> !ejected(s, bad));

            call(s, bad, null);
            assertThat(log.messages(Level.INFO, "readmitted node n0")).hasSize(1);

            fail(s, bad, 1);
            assertThat(ejected(s, bad)).as("one failure after a success").isFalse();
            fail(s, bad, 2);
            assertThat(ejected(s, bad)).isTrue();
            assertThat(log.messages(Level.WARNING, "ejected node n0")).satisfiesExactly(
                    m -> assertThat(m).contains("for 400 ms (ejection 1 in a row)"),
                    m -> assertThat(m).contains("for 400 ms (ejection 1 in a row)"));
        }
    }

    @Test
    void failuresDoNotEjectWhenEjectionIsOff() {
        List<Node> nodes = nodes(3);
        CachingSelector s = selector(new Ejection(0, Duration.ofMinutes(1), Duration.ofMinutes(1)));

        fail(s, nodes.get(0), 20);

        assertThat(ejected(s, nodes.get(0))).isFalse();
        assertThat(status(s, nodes.get(0)).consecutiveFailures()).isEqualTo(20);
    }

    @ParameterizedTest
    @ValueSource(strings = {"random", "roundrobin", "leastrequests", "p2c"})
    void aCallWhoseEveryCandidateIsEjectedStillGetsANode(String name) {
        // version 1: n0; version 2: n1 and n2. Both of version 2 can go, since n0 stays available.
        Node n0 = node(0, "1"), n1 = node(1, "2"), n2 = node(2, "2");
        registry.register(new Service(SERVICE, "1", Map.of(), List.of(), List.of(n0)), Duration.ZERO);
        registry.register(new Service(SERVICE, "2", Map.of(), List.of(), List.of(n1, n2)), Duration.ZERO);
        CachingSelector s = selector(name, registry, LONG);
        fail(s, n1, 3);
        fail(s, n2, 3);
        assertThat(s.status(SERVICE)).extracting(CachingSelector.NodeStatus::ejected)
                .containsExactly(false, true, true);

        for (int i = 0; i < 100; i++) {
            Next next = s.select(SERVICE, SelectOptions.none().withVersion("2"));
            Node first = next.next();
            next.mark(first, new ConnectException("Connection refused"));
            Node retry = next.next();
            next.mark(retry, new ConnectException("Connection refused"));
            assertThat(Set.of(first, retry)).containsExactlyInAnyOrder(n1, n2);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"random", "roundrobin", "leastrequests", "p2c"})
    void aServiceWhoseEveryNodeIsEjectedStillGetsANode(String name) {
        TestRegistry r = TestRegistry.watched();
        closing.add(r);
        Node n0 = node(0, "1"), n1 = node(1, "1"), n2 = node(2, "1");
        r.register(new Service(SERVICE, "1", Map.of(), List.of(), List.of(n0, n1)), Duration.ZERO);
        CachingSelector s = selector(name, r, LONG);
        s.select(SERVICE);
        eventually().until(() -> r.waits.get() > 0);
        fail(s, n0, 3);
        r.register(new Service(SERVICE, "1", Map.of(), List.of(), List.of(n2)), Duration.ZERO);
        eventually().until(() -> s.status(SERVICE).size() == 3);
        fail(s, n1, 3); // n2 is still available, so n1 can go
        assertThat(ejected(s, n1)).isTrue();

        // the last node that was not ejected leaves: no node of the service is admitted now
        r.deregister(new Service(SERVICE, "1", Map.of(), List.of(), List.of(n2)));
        eventually().until(() -> s.status(SERVICE).size() == 2);
        assertThat(s.status(SERVICE)).allSatisfy(st -> assertThat(st.ejected()).isTrue());

        for (int i = 0; i < 100; i++) {
            Next next = s.select(SERVICE);
            Node first = next.next();
            next.mark(first, new ConnectException("Connection refused"));
            Node retry = next.next();
            next.mark(retry, new ConnectException("Connection refused"));
            assertThat(Set.of(first, retry)).containsExactlyInAnyOrder(n0, n1);
        }
    }

    @Test
    void ejectionLengthsDoubleFromTheBaseUpToTheMax() {
        Ejection e = new Ejection(3, Duration.ofSeconds(2), Duration.ofMinutes(1));

        assertThat(e.lengthNanos(1)).isEqualTo(Duration.ofSeconds(2).toNanos());
        assertThat(e.lengthNanos(2)).isEqualTo(Duration.ofSeconds(4).toNanos());
        assertThat(e.lengthNanos(5)).isEqualTo(Duration.ofSeconds(32).toNanos());
        assertThat(e.lengthNanos(6)).isEqualTo(Duration.ofMinutes(1).toNanos());
        assertThat(e.lengthNanos(64)).isEqualTo(Duration.ofMinutes(1).toNanos());
        assertThat(e.lengthNanos(Integer.MAX_VALUE)).isEqualTo(Duration.ofMinutes(1).toNanos());
    }

    @Test
    void fromReadsTheEjectionKeys() {
        assertThat(Ejection.from(DefaultMicroConfig.of(Map.of()))).isEqualTo(Ejection.DEFAULTS);
        assertThat(Ejection.from(DefaultMicroConfig.of(Map.of(Ejection.FAILURES, "5", Ejection.BASE, "100ms",
                Ejection.MAX, "2s"))))
                .isEqualTo(new Ejection(5, Duration.ofMillis(100), Duration.ofSeconds(2)));

        assertThatThrownBy(() -> Ejection.from(DefaultMicroConfig.of(Map.of(Ejection.FAILURES, "many"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("micro.selector.ejection.failures=many");
        assertThatThrownBy(() -> Ejection.from(DefaultMicroConfig.of(Map.of(Ejection.BASE, "0s"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("micro.selector.ejection.base=0s");
        assertThatThrownBy(() -> Ejection.from(DefaultMicroConfig.of(Map.of(Ejection.MAX, "1s"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("micro.selector.ejection.max=1s");
        // only the base set, above the default max of 1m: the message names the key that was set
        assertThatThrownBy(() -> Ejection.from(DefaultMicroConfig.of(Map.of(Ejection.BASE, "2m"))))
                .isInstanceOf(ConfigException.class)
                .hasMessage("micro.selector.ejection.base=2m (expected: a duration <= micro.selector.ejection.max "
                        + "(PT1M))");
        assertThatThrownBy(() -> new Ejection(-1, Duration.ofSeconds(1), Duration.ofSeconds(1)))
                .hasMessage("failures: -1 (expected: >= 0)");
    }
}
