package io.microcdi.gateway;

import io.microcdi.client.Client;
import io.microcdi.client.Request;
import io.microcdi.codec.Codecs;
import io.microcdi.config.MicroConfig;
import io.microcdi.config.Plugins;
import io.microcdi.errors.MicroException;
import io.microcdi.metadata.Metadata;
import io.microcdi.registry.Node;
import io.microcdi.registry.Registry;
import io.microcdi.registry.Service;
import io.microcdi.selector.Next;
import io.microcdi.selector.SelectOptions;
import io.microcdi.selector.Selector;
import io.microcdi.transport.Transport;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The health of each node of a service, as {@code micro health} reads it: {@code Debug.Health} called on the node
 * itself (not through the load balancer), {@code ok} when it answered so.
 *
 * <pre>{@code
 * health.check("greeter")   // [{id, address, version, status: "ok"}, ...]
 * }</pre>
 */
@ApplicationScoped
public class NodeHealth {

    /** What one node answered; {@code error} is Go Micro's error JSON fields when the check failed. */
    public record Result(String id, String address, String version, String status, Map<String, Object> error) {
    }

    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    private static final int MAX_CLIENTS = 256;
    private static final byte[] EMPTY = "{}".getBytes(StandardCharsets.UTF_8);

    private Registry registry;
    private Plugins plugins;
    private MicroConfig config;
    private Transport transport;
    private Codecs codecs;
    /** One client per node address, each bound to that node. */
    private final Map<String, Client> clients = new ConcurrentHashMap<>();

    /** For the container's proxy. */
    protected NodeHealth() {
    }

    @Inject
    public NodeHealth(Registry registry, Plugins plugins, MicroConfig config, Transport transport, Codecs codecs) {
        this.registry = registry;
        this.plugins = plugins;
        this.config = config;
        this.transport = transport;
        this.codecs = codecs;
    }

    /** Checks every node of {@code service}, all at once; empty when the registry knows none. */
    public List<Result> check(String service) {
        List<CompletableFuture<Result>> checks = new ArrayList<>();
        for (Service s : registry.getService(service)) {
            for (Node n : s.nodes()) {
                checks.add(check(service, s.version(), n));
            }
        }
        return checks.stream().map(CompletableFuture::join).toList();
    }

    private CompletableFuture<Result> check(String service, String version, Node node) {
        Client c = client(node.address());
        return c.call(new Request(service, "Debug.Health", "application/json", EMPTY, Metadata.empty()),
                        c.defaultOptions(service).withRequestTimeout(TIMEOUT).withRetries(0))
                .handle((rsp, failure) -> {
                    if (failure == null) {
                        String body = new String(rsp.body(), StandardCharsets.UTF_8);
                        String status = body.contains("\"ok\"") ? "ok" : body.strip();
                        return new Result(node.id(), node.address(), version, status, null);
                    }
                    MicroException e = Gateway.failure(failure);
                    return new Result(node.id(), node.address(), version, e.code() == 404 ? "unknown" : "error",
                            Map.of("id", e.id(), "code", e.code(), "detail", e.detail(), "status", e.status()));
                });
    }

    private Client client(String address) {
        if (clients.size() > MAX_CLIENTS) {
            closeClients(); // nodes come and go: never more than a bounded set kept
        }
        return clients.computeIfAbsent(address, a -> plugins.client(config, new NodeSelector(a), transport, codecs));
    }

    @PreDestroy
    void closeClients() {
        clients.values().forEach(Client::close);
        clients.clear();
    }

    /** Always the one node at an address, whatever the service. */
    private static final class NodeSelector implements Selector {

        private final Next next;

        NodeSelector(String address) {
            Node node = new Node(address, address, Map.of());
            this.next = new Next() {
                @Override
                public Node next() {
                    return node;
                }

                @Override
                public void mark(Node n, Throwable error) {
                    // one node: nothing to learn
                }
            };
        }

        @Override
        public String name() {
            return "node";
        }

        @Override
        public Next select(String service, SelectOptions options) {
            return next;
        }

        @Override
        public void mark(String service, Node node, Throwable error) {
            // one node: nothing to learn
        }

        @Override
        public void reset(String service) {
            // nothing cached
        }

        @Override
        public void onAddressGone(Consumer<String> listener) {
            // no view of the registry
        }

        @Override
        public void close() {
            // nothing held
        }
    }
}
