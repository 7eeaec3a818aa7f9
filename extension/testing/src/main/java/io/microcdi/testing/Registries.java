package io.microcdi.testing;

import io.microcdi.registry.Node;
import io.microcdi.registry.Registry;
import io.microcdi.registry.Service;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import static org.awaitility.Awaitility.await;

/**
 * Waiting for a registry to show a change, for registries that learn of other instances' nodes in the background
 * (mDNS, etcd watches): polls {@link Registry#getService} until the condition holds, and fails naming what it saw.
 *
 * <pre>{@code
 * List<Service> versions = Registries.awaitService(client, "greeter", Duration.ofSeconds(10));
 * Node node = Registries.awaitNode(client, "greeter", server.nodeId(), Duration.ofSeconds(10));
 * Registries.awaitNodeGone(client, "greeter", server.nodeId(), Duration.ofSeconds(5));
 * }</pre>
 */
public final class Registries {

    private static final Duration POLL = Duration.ofMillis(20);

    private Registries() {
    }

    /** The versions of {@code service} once it has at least one node; fails after {@code timeout}. */
    public static List<Service> awaitService(Registry registry, String service, Duration timeout) {
        Objects.requireNonNull(service, "service");
        return await("service " + service + " to appear in registry " + registry.name())
                .atMost(timeout).pollDelay(Duration.ZERO).pollInterval(POLL)
                .until(() -> registry.getService(service), versions -> versions.stream()
                        .anyMatch(v -> !v.nodes().isEmpty()));
    }

    /** Node {@code nodeId} of {@code service} once the registry lists it; fails after {@code timeout}. */
    public static Node awaitNode(Registry registry, String service, String nodeId, Duration timeout) {
        Objects.requireNonNull(nodeId, "nodeId");
        return await("node " + nodeId + " of " + service + " to appear in registry " + registry.name())
                .atMost(timeout).pollDelay(Duration.ZERO).pollInterval(POLL)
                .until(() -> find(registry, service, nodeId), Optional::isPresent)
                .orElseThrow();
    }

    /**
     * Returns once the registry no longer lists node {@code nodeId} of {@code service}; fails after
     * {@code timeout}.
     */
    public static void awaitNodeGone(Registry registry, String service, String nodeId, Duration timeout) {
        Objects.requireNonNull(nodeId, "nodeId");
        await("node " + nodeId + " of " + service + " to leave registry " + registry.name())
                .atMost(timeout).pollDelay(Duration.ZERO).pollInterval(POLL)
                .until(() -> find(registry, service, nodeId).isEmpty());
    }

    /** Node {@code nodeId} of {@code service} as the registry lists it now, in any version. */
    public static Optional<Node> find(Registry registry, String service, String nodeId) {
        for (Service version : registry.getService(service)) {
            for (Node node : version.nodes()) {
                if (node.id().equals(nodeId)) {
                    return Optional.of(node);
                }
            }
        }
        return Optional.empty();
    }
}
