package io.microcdi.selector.cache;

import io.microcdi.config.ConfigException;
import io.microcdi.errors.MicroException;
import io.microcdi.internal.config.DefaultMicroConfig;
import io.microcdi.registry.Endpoint;
import io.microcdi.registry.Node;
import io.microcdi.registry.Registry;
import io.microcdi.registry.Service;
import io.microcdi.registry.memory.MemoryRegistry;
import io.microcdi.selector.Next;
import io.microcdi.selector.SelectOptions;
import io.microcdi.selector.Selector;
import io.microcdi.transport.TransportException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What {@link CachingSelector} answers whatever its strategy: the nodes a version, label or endpoint filter keeps; a
 * 503 that tells a missing service from one whose nodes a filter left out; calls in flight back at zero once every
 * attempt is marked; {@link CachingSelector#status}, {@link Selector#mark} and {@link Selector#reset}; and the
 * settings its providers read.
 */
class CachingSelectorTest {

    private static final String SERVICE = "greeter";
    private static final Duration TTL = Duration.ofMinutes(1);
    private static final List<String> STRATEGIES = List.of("random", "roundrobin", "leastrequests", "p2c");

    private final MemoryRegistry registry = new MemoryRegistry();
    private final List<AutoCloseable> closing = new ArrayList<>();

    /** Version 1.0.0: eu and us, serving Hello; version 2.0.0: eu, serving Hello and Bye. */
    private final Node v1eu = new Node("v1-eu", "127.0.0.1:9001", Map.of("zone", "eu"));
    private final Node v1us = new Node("v1-us", "127.0.0.1:9002", Map.of("zone", "us"));
    private final Node v2eu = new Node("v2-eu", "127.0.0.1:9003", Map.of("zone", "eu", "tier", "gold"));

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : closing) {
            c.close();
        }
        registry.close();
    }

    private CachingSelector selector(String name, Registry r) {
        CachingSelector s = CachingSelector.of(name, r, TTL, Ejection.DEFAULTS);
        closing.add(s);
        return s;
    }

    private CachingSelector selector(String name) {
        return selector(name, registry);
    }

    private static Endpoint endpoint(String name) {
        return new Endpoint(name, null, null, Map.of());
    }

    private void registerAll() {
        registry.register(new Service(SERVICE, "1.0.0", Map.of(), List.of(endpoint("Greeter.Hello")),
                List.of(v1eu, v1us)), Duration.ZERO);
        registry.register(new Service(SERVICE, "2.0.0", Map.of(), List.of(endpoint("Greeter.Hello"),
                endpoint("Greeter.Bye")), List.of(v2eu)), Duration.ZERO);
    }

    @Test
    void aServiceWithoutNodesIsNotFound() {
        CachingSelector s = selector("random");

        assertThatThrownBy(() -> s.select("nobody"))
                .isInstanceOfSatisfying(MicroException.class, e -> {
                    assertThat(e.code()).isEqualTo(503);
                    assertThat(e.id()).isEqualTo("go.micro.client");
                    assertThat(e.detail()).isEqualTo("service nobody: not found");
                });
    }

    @Test
    void aFilterThatKeepsNoNodeSaysWhatItAskedFor() {
        registerAll();
        CachingSelector s = selector("random");

        assertThatThrownBy(() -> s.select(SERVICE, SelectOptions.none().withVersion("9.9")))
                .isInstanceOfSatisfying(MicroException.class, e -> {
                    assertThat(e.code()).isEqualTo(503);
                    assertThat(e.id()).isEqualTo("go.micro.client");
                    assertThat(e.detail())
                            .isEqualTo("service greeter: none available (3 node(s), none matching version=9.9)");
                });
        assertThatThrownBy(() -> s.select(SERVICE, SelectOptions.none().withVersion("1.0.0")
                .withLabel("zone", "mars").withEndpoint("Greeter.Bye")))
                .isInstanceOfSatisfying(MicroException.class, e -> assertThat(e.detail()).isEqualTo(
                        "service greeter: none available (3 node(s), none matching version=1.0.0, zone=mars, "
                                + "endpoint=Greeter.Bye)"));
    }

    @Test
    void aServiceRegisteredAfterNotFoundIsFoundAtOnce() {
        CachingSelector s = selector("random");
        assertThatThrownBy(() -> s.select(SERVICE)).hasMessageContaining("not found");

        registerAll();

        // no waiting for the watch: an empty answer is never served from the cache
        Next next = s.select(SERVICE);
        Node n = next.next();
        next.mark(n, null);
        assertThat(n).isIn(v1eu, v1us, v2eu);
    }

    @Test
    void anUnreachableRegistryWithNothingCachedIs503() {
        TestRegistry down = TestRegistry.watched();
        closing.add(down);
        down.failing = true;
        CachingSelector s = selector("random", down);

        assertThatThrownBy(() -> s.select(SERVICE))
                .isInstanceOfSatisfying(MicroException.class, e -> {
                    assertThat(e.code()).isEqualTo(503);
                    assertThat(e.id()).isEqualTo("go.micro.client");
                    assertThat(e.detail()).contains("service greeter", "registry test unreachable",
                            "connection refused");
                });
        assertThat(s.status(SERVICE)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"random", "roundrobin", "leastrequests", "p2c"})
    void callsInFlightReturnToZeroOnceEveryAttemptIsMarked(String name) throws Exception {
        registerAll();
        CachingSelector s = selector(name);
        List<Next> open = new ArrayList<>();
        List<Node> openNodes = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            Next next = s.select(SERVICE);
            openNodes.add(next.next());
            open.add(next);
        }
        assertThat(s.status(SERVICE).stream().mapToInt(CachingSelector.NodeStatus::inFlight).sum()).isEqualTo(10);

        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                done.add(pool.submit(() -> {
                    for (int i = 0; i < 2_000; i++) {
                        Next next = s.select(SERVICE, i % 2 == 0 ? SelectOptions.none()
                                : SelectOptions.none().withLabel("zone", "eu"));
                        Node first = next.next();
                        if (ThreadLocalRandom.current().nextInt(4) == 0) {
                            next.mark(first, new TransportException("reset", new ConnectException(), false));
                            Node retry = next.next();
                            next.mark(retry, null);
                        } else {
                            next.mark(first, null);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(s.status(SERVICE).stream().mapToInt(CachingSelector.NodeStatus::inFlight).sum()).isEqualTo(10);
        for (int i = 0; i < open.size(); i++) {
            open.get(i).mark(openNodes.get(i), null);
        }

        assertThat(s.status(SERVICE)).hasSize(3).allSatisfy(st -> assertThat(st.inFlight()).isZero());
    }

    @Test
    void statusShowsCallsInFlightAndFailuresPerNode() {
        registry.register(new Service(SERVICE, "1.0.0", Map.of(), List.of(), List.of(v1eu)), Duration.ZERO);
        CachingSelector s = selector("random");
        assertThat(s.status(SERVICE)).isEmpty(); // not looked up yet

        Next a = s.select(SERVICE);
        Node n = a.next();
        Next b = s.select(SERVICE);
        b.next();
        b.mark(n, new ConnectException("refused"));

        assertThat(s.status(SERVICE)).containsExactly(new CachingSelector.NodeStatus(v1eu, 1, 1, false));
        a.mark(n, null);
        assertThat(s.status(SERVICE)).containsExactly(new CachingSelector.NodeStatus(v1eu, 0, 0, false));
    }

    @Test
    void markOutsideANextCountsFailuresAndResetForgetsThem() {
        registerAll();
        CachingSelector s = selector("p2c");
        s.select(SERVICE); // cache it

        s.mark(SERVICE, v1us, new ConnectException("refused"));
        s.mark(SERVICE, v1us, new ConnectException("refused"));
        s.mark(SERVICE, new Node("stranger", "127.0.0.1:1", Map.of()), new ConnectException("refused"));
        assertThat(s.status(SERVICE)).filteredOn(st -> st.node().equals(v1us)).singleElement()
                .satisfies(st -> {
                    assertThat(st.consecutiveFailures()).isEqualTo(2);
                    assertThat(st.inFlight()).isZero();
                });

        s.reset(SERVICE);
        assertThat(s.status(SERVICE)).isEmpty();
        s.select(SERVICE);
        assertThat(s.status(SERVICE)).hasSize(3).allSatisfy(st -> assertThat(st.consecutiveFailures()).isZero());
    }

    @Test
    void providersReadTheCacheTtlAndEjectionSettings() {
        registerAll();
        CachingSelectorProvider p = new CachingSelectorProvider.PowerOfTwoChoices();
        Selector ok = p.create(DefaultMicroConfig.of(Map.of(RegistryCache.TTL, "30s", Ejection.FAILURES, "1",
                Ejection.BASE, "1m", Ejection.MAX, "1m")), registry);
        closing.add(ok);
        // one failure ejects with micro.selector.ejection.failures=1
        ok.select(SERVICE);
        ok.mark(SERVICE, v1eu, new ConnectException("refused"));
        assertThat(((CachingSelector) ok).status(SERVICE)).filteredOn(CachingSelector.NodeStatus::ejected)
                .extracting(CachingSelector.NodeStatus::node).containsExactly(v1eu);

        assertThatThrownBy(() -> p.create(DefaultMicroConfig.of(Map.of(RegistryCache.TTL, "0s")), registry))
                .isInstanceOf(ConfigException.class).hasMessageContaining("micro.selector.cache-ttl=0s");
        assertThatThrownBy(() -> p.create(DefaultMicroConfig.of(Map.of(RegistryCache.TTL, "soon")), registry))
                .isInstanceOf(ConfigException.class).hasMessageContaining("micro.selector.cache-ttl=soon");
        assertThatThrownBy(() -> p.create(DefaultMicroConfig.of(Map.of(Ejection.FAILURES, "-1")), registry))
                .isInstanceOf(ConfigException.class).hasMessageContaining("micro.selector.ejection.failures=-1");
        assertThatThrownBy(() -> p.create(DefaultMicroConfig.of(Map.of(Ejection.BASE, "5s", Ejection.MAX, "1s")),
                registry))
                .isInstanceOf(ConfigException.class).hasMessageContaining("micro.selector.ejection.max=1s");
    }

    @Test
    void ofKnowsTheFourNames() {
        for (String name : STRATEGIES) {
            CachingSelector s = selector(name);
            assertThat(s.name()).isEqualTo(name);
            assertThat(s).hasToString(name + " selector");
        }
        assertThatThrownBy(() -> CachingSelector.of("weighted", registry))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("selector weighted (expected: random, roundrobin, leastrequests or p2c)");
    }
}
