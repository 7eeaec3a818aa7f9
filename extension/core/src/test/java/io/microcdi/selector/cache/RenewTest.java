package io.microcdi.selector.cache;

import io.microcdi.registry.Node;
import io.microcdi.registry.Service;
import io.microcdi.selector.Next;
import io.microcdi.selector.SelectOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.ConnectException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link Next#renew()}: a call whose every known node failed to answer looks at the registry again, so that a fresh
 * client whose first view held only a dead node reaches the live one that appeared since; the registry is asked only
 * when every node was tried.
 */
class RenewTest {

    private static final String SERVICE = "greeter";
    private final Node dead = new Node("dead", "127.0.0.1:9", Map.of());
    private final Node live = new Node("live", "127.0.0.1:9002", Map.of());
    /** Watchers hear nothing: a new node reaches the cache only when it asks the registry. */
    private final TestRegistry registry = TestRegistry.silent();
    private CachingSelector selector;

    @AfterEach
    void close() {
        if (selector != null) {
            selector.close();
        }
        registry.close();
    }

    private void register(Node... nodes) {
        registry.register(new Service(SERVICE, "1.0.0", Map.of(), List.of(), List.of(nodes)), Duration.ZERO);
    }

    private CachingSelector selector(String strategy) {
        selector = CachingSelector.of(strategy, registry, Duration.ofMinutes(1), Ejection.DEFAULTS);
        return selector;
    }

    @ParameterizedTest
    @ValueSource(strings = {"random", "roundrobin", "leastrequests", "p2c"})
    void aNodeThatAppearedAfterTheFirstViewIsTriedAfterTheDeadOne(String strategy) {
        register(dead);
        Next next = selector(strategy).select(SERVICE, SelectOptions.none());
        assertThat(next.next()).isEqualTo(dead);
        next.mark(dead, new ConnectException("refused"));
        register(dead, live); // the answer the fresh client had not heard yet

        int before = registry.lookups.get();
        assertThat(next.renew()).isTrue();

        assertThat(registry.lookups.get()).isEqualTo(before + 1);
        assertThat(next.next()).isEqualTo(live);
        next.mark(live, null);
        assertThat(selector.status(SERVICE)).allSatisfy(s -> assertThat(s.inFlight()).isZero());
        // later calls see both without asking again
        assertThat(selector.status(SERVICE)).extracting(s -> s.node().id()).containsExactlyInAnyOrder("dead", "live");
    }

    @ParameterizedTest
    @ValueSource(strings = {"random", "p2c"})
    void withNothingNewTheRetryGoesWhereItCanAndTheRegistryIsAskedOnce(String strategy) {
        register(dead);
        Next next = selector(strategy).select(SERVICE, SelectOptions.none());
        next.mark(next.next(), new ConnectException("refused"));
        int before = registry.lookups.get();

        assertThat(next.renew()).isFalse();
        assertThat(registry.lookups.get()).isEqualTo(before + 1);
        assertThat(next.next()).isEqualTo(dead);
        next.mark(dead, new ConnectException("refused"));

        // a later call that finds the dead node alone again asks again: the registry may know more by now
        Next other = selector.select(SERVICE, SelectOptions.none());
        other.mark(other.next(), new ConnectException("refused"));
        assertThat(other.renew()).isFalse();
        assertThat(registry.lookups.get()).isEqualTo(before + 2);
    }

    @ParameterizedTest
    @ValueSource(strings = {"random", "roundrobin"})
    void whileAKnownNodeIsUntriedTheRegistryIsNotAsked(String strategy) {
        register(dead, live);
        Next next = selector(strategy).select(SERVICE, SelectOptions.none());
        Node first = next.next();
        next.mark(first, new ConnectException("refused"));
        int before = registry.lookups.get();

        assertThat(next.renew()).isTrue();

        assertThat(registry.lookups.get()).isEqualTo(before);
        assertThat(next.next()).isNotEqualTo(first);
    }
}
