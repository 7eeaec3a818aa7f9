package io.microcdi.selector.random;

import io.microcdi.errors.MicroException;
import io.microcdi.registry.Node;
import io.microcdi.registry.Registry;
import io.microcdi.registry.Service;
import io.microcdi.registry.Watcher;
import io.microcdi.selector.Next;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RandomSelectorTest {

    /** A registry fixture over a fixed, replaceable map of service versions. */
    static final class FixedRegistry implements Registry {
        final Map<String, List<Service>> services = new ConcurrentHashMap<>();
        int lookups;

        FixedRegistry put(Service... versions) {
            services.put(versions[0].name(), List.of(versions));
            return this;
        }

        @Override
        public String name() {
            return "fixed";
        }

        @Override
        public void register(Service service, Duration ttl) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void deregister(Service service) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<Service> getService(String name) {
            lookups++;
            return services.getOrDefault(name, List.of());
        }

        @Override
        public List<Service> listServices() {
            return List.copyOf(services.values().stream().flatMap(List::stream).toList());
        }

        @Override
        public Watcher watch(String name) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void close() {
        }
    }

    private static Node node(String id) {
        return new Node(id, "127.0.0.1:" + (10000 + Math.abs(id.hashCode() % 1000)), Map.of());
    }

    private static Service service(String name, String version, Node... nodes) {
        return new Service(name, version, Map.of(), List.of(), List.of(nodes));
    }

    private final FixedRegistry registry = new FixedRegistry();
    private final RandomSelector selector = new RandomSelector(registry);

    @Test
    void nameIsRandom() {
        assertThat(selector.name()).isEqualTo("random");
        assertThat(new RandomSelectorProvider().name()).isEqualTo("random");
        assertThat(new RandomSelectorProvider().create(null, registry)).isInstanceOf(RandomSelector.class);
    }

    @Test
    void unknownServiceIs503NotFound() {
        assertThatThrownBy(() -> selector.select("greeter"))
                .isInstanceOfSatisfying(MicroException.class, e -> {
                    assertThat(e.code()).isEqualTo(503);
                    assertThat(e.detail()).isEqualTo("service greeter: not found");
                    assertThat(e.status()).isEqualTo("Service Unavailable");
                    assertThat(e.id()).isEqualTo("go.micro.client");
                });
    }

    @Test
    void serviceWithoutNodesIs503NotFound() {
        registry.put(service("greeter", "1.0.0"), service("greeter", "2.0.0"));

        assertThatThrownBy(() -> selector.select("greeter"))
                .isInstanceOfSatisfying(MicroException.class, e -> {
                    assertThat(e.code()).isEqualTo(503);
                    assertThat(e.detail()).isEqualTo("service greeter: not found");
                });
    }

    @Test
    void singleNodeIsAlwaysReturned() {
        Node only = node("greeter-1");
        registry.put(service("greeter", "1.0.0", only));

        Next next = selector.select("greeter");

        for (int i = 0; i < 5; i++) {
            assertThat(next.next()).isSameAs(only);
        }
    }

    @Test
    void nextVisitsEveryNodeAcrossVersionsBeforeRepeating() {
        Node a = node("greeter-a");
        Node b = node("greeter-b");
        Node c = node("greeter-c");
        registry.put(service("greeter", "1.0.0", a, b), service("greeter", "2.0.0", c));

        for (int round = 0; round < 50; round++) {
            Next next = selector.select("greeter");
            List<Node> seen = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                seen.add(next.next());
            }

            assertThat(new HashSet<>(seen.subList(0, 3))).containsExactlyInAnyOrder(a, b, c);
            assertThat(seen.subList(3, 6)).isEqualTo(seen.subList(0, 3));
        }
    }

    @Test
    void nodesOfOtherServicesAreNotPicked() {
        Node mine = node("greeter-1");
        registry.put(service("greeter", "1.0.0", mine));
        registry.put(service("other", "1.0.0", node("other-1"), node("other-2")));

        assertThat(selector.select("greeter").next()).isSameAs(mine);
    }

    @Test
    void firstPickIsRoughlyUniform() {
        Node a = node("greeter-a");
        Node b = node("greeter-b");
        Node c = node("greeter-c");
        registry.put(service("greeter", "1.0.0", a, b, c));
        Map<Node, Integer> counts = new HashMap<>();

        for (int i = 0; i < 3000; i++) {
            counts.merge(selector.select("greeter").next(), 1, Integer::sum);
        }

        // expected 1000 each; the standard deviation is about 26, so 700..1300 never fails by chance
        assertThat(counts).containsOnlyKeys(a, b, c);
        assertThat(counts.values()).allSatisfy(n -> assertThat(n).isBetween(700, 1300));
    }

    @Test
    void firstPickCoversNodesOfEveryVersion() {
        Node a = node("greeter-a");
        Node b = node("greeter-b");
        Node c = node("greeter-c");
        registry.put(service("greeter", "1.0.0", a, b), service("greeter", "2.0.0", c));
        Set<Node> firsts = new HashSet<>();

        for (int i = 0; i < 3000; i++) {
            firsts.add(selector.select("greeter").next());
        }

        assertThat(firsts).containsExactlyInAnyOrder(a, b, c);
    }

    @Test
    void readsRegistryOnEverySelect() {
        Node old = node("greeter-old");
        Node fresh = node("greeter-new");
        registry.put(service("greeter", "1.0.0", old));
        assertThat(selector.select("greeter").next()).isSameAs(old);

        registry.put(service("greeter", "1.0.0", fresh));

        assertThat(selector.select("greeter").next()).isSameAs(fresh);
        assertThat(registry.lookups).isEqualTo(2);
    }

    @Test
    void nextKeepsTheNodesOfItsSelect() {
        Node a = node("greeter-a");
        Node b = node("greeter-b");
        registry.put(service("greeter", "1.0.0", a, b));
        Next next = selector.select("greeter");

        registry.services.clear();

        assertThat(List.of(next.next(), next.next())).containsExactlyInAnyOrder(a, b);
    }

    @Test
    void markResetAndCloseChangeNothing() {
        Node a = node("greeter-a");
        registry.put(service("greeter", "1.0.0", a));

        selector.mark("greeter", a, new RuntimeException("down"));
        selector.mark("greeter", a, null);
        selector.reset("greeter");
        selector.reset("unknown");

        assertThat(selector.select("greeter").next()).isSameAs(a);
        selector.close();
    }
}
