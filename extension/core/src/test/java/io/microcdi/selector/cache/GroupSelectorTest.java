package io.microcdi.selector.cache;

import io.microcdi.registry.Node;
import io.microcdi.registry.Service;
import io.microcdi.registry.memory.MemoryRegistry;
import io.microcdi.selector.Next;
import io.microcdi.transport.TransportException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class GroupSelectorTest {

    private final MemoryRegistry registry = new MemoryRegistry();
    private final GroupSelector selector = new GroupSelector(registry, Duration.ofMinutes(1), Ejection.DEFAULTS);

    @AfterEach
    void close() {
        selector.close();
        registry.close();
    }

    private void register(String version, String id) {
        registry.register(new Service("topic:orders", version, Map.of(), List.of(),
                List.of(new Node(id, "127.0.0.1:" + (7000 + Math.floorMod(id.hashCode(), 1000)), Map.of()))),
                Duration.ZERO);
    }

    @Test
    void theNodesOfAServiceAreGroupedByVersionOncePerSnapshot() {
        register("ff.http.broadcast", "b1");
        register("audit", "a1");
        register("audit", "a2");
        register("ff.http.broadcast", "b2");

        List<GroupSelector.Group> groups = selector.groups("topic:orders");

        assertThat(groups).extracting(GroupSelector.Group::version)
                .containsExactlyInAnyOrder("ff.http.broadcast", "audit");
        for (GroupSelector.Group g : groups) {
            assertThat(g.nodes()).extracting(Node::id).containsExactlyInAnyOrderElementsOf(
                    g.version().equals("audit") ? List.of("a1", "a2") : List.of("b1", "b2"));
        }
        assertThat(selector.groups("topic:orders")).isSameAs(groups); // a map read until the registry changes

        registry.deregister(new Service("topic:orders", "audit", Map.of(), List.of(),
                List.of(new Node("a2", "x:1", Map.of()))));
        await().atMost(Duration.ofSeconds(10)).until(() -> selector.groups("topic:orders") != groups);
        assertThat(selector.groups("topic:orders").stream().filter(g -> g.version().equals("audit")).findFirst()
                .orElseThrow().nodes()).extracting(Node::id).containsExactly("a1");
    }

    @Test
    void aServiceWithoutNodesHasNoGroups() {
        assertThat(selector.groups("topic:nobody")).isEmpty();
    }

    @Test
    void aGroupHandsOutEachMemberOnceBeforeRepeatingAndPassesOverAnEjectedOne() {
        register("audit", "a1");
        register("audit", "a2");
        register("audit", "a3");
        GroupSelector.Group audit = selector.groups("topic:orders").get(0);

        Next next = audit.next();
        Set<String> tried = new HashSet<>();
        for (int i = 0; i < 3; i++) {
            Node n = next.next();
            tried.add(n.id());
            next.mark(n, null);
        }
        assertThat(tried).containsExactlyInAnyOrder("a1", "a2", "a3");

        Node dead = audit.nodes().get(0);
        for (int i = 0; i < Ejection.DEFAULTS.failures(); i++) {
            Next n = audit.next();
            Node picked = n.next();
            while (picked != dead) {
                n.mark(picked, null);
                picked = n.next();
            }
            n.mark(picked, new TransportException("connection refused", null, false));
        }
        for (int i = 0; i < 50; i++) {
            Next n = audit.next();
            Node picked = n.next();
            assertThat(picked).isNotSameAs(dead);
            n.mark(picked, null);
        }
    }
}
