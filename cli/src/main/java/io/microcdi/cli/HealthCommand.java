package io.microcdi.cli;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import io.microcdi.client.Client;
import io.microcdi.client.Request;
import io.microcdi.client.Response;
import io.microcdi.errors.MicroException;
import io.microcdi.metadata.Metadata;
import io.microcdi.registry.Node;
import io.microcdi.registry.Registry;
import io.microcdi.registry.Service;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * {@code micro health SERVICE}: calls {@code Debug.Health} on every node of a service, each directly, and prints
 * what each answered ({@code ok} as Go Micro's services answer); exits with 1 unless every node said {@code ok}.
 *
 * <pre>{@code
 * $ micro health greeter
 * NODE             ADDRESS          VERSION  STATUS
 * greeter-5f1c...  127.0.0.1:38211  latest   ok
 * }</pre>
 *
 * <p>A node without the endpoint (a service built before it existed, or with {@code micro.server.debug=false})
 * answers 404: its line says so.
 */
@Command(name = "health", description = {"Calls Debug.Health on each node of SERVICE, directly, and prints each "
        + "node's status (ok when healthy).",
        "Exits with 1 unless every node answered ok."})
final class HealthCommand extends Subcommand {

    static final String ENDPOINT = "Debug.Health";

    /** What one node answered, for {@code --output json}; {@code error} is Go Micro's error when it failed. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record NodeHealth(String id, String address, String version, String status, Error error) {
    }

    /** Go Micro's error fields. */
    record Error(String id, int code, String detail, String status) {
    }

    @Parameters(index = "0", paramLabel = "SERVICE", description = "The service name.")
    String service;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "5s",
            description = "How long each node may take to answer (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Override
    public Integer call() {
        Registry registry = session().registry();
        RegistryEvents.settle(registry, session().config());
        List<Service> versions = registry.getService(service);
        List<CompletableFuture<NodeHealth>> checks = new ArrayList<>();
        for (Service s : versions) {
            for (Node n : s.nodes()) {
                checks.add(check(s.version(), n));
            }
        }
        if (checks.isEmpty()) {
            throw new CliException(service + ": not in the registry (" + registry.name() + ")");
        }
        List<NodeHealth> results = checks.stream().map(CompletableFuture::join)
                .sorted(Comparator.comparing(NodeHealth::version).thenComparing(NodeHealth::id)).toList();
        if (json()) {
            Output.json(out(), results);
        } else {
            List<String[]> rows = new ArrayList<>();
            rows.add(new String[] {"NODE", "ADDRESS", "VERSION", "STATUS"});
            results.forEach(r -> rows.add(new String[] {r.id(), r.address(), r.version(), describe(r)}));
            Output.table(out(), rows);
        }
        return results.stream().allMatch(r -> r.error() == null && "ok".equals(r.status())) ? 0 : MicroCli.FAILED;
    }

    private CompletableFuture<NodeHealth> check(String version, Node node) {
        Client client = session().directClient(node.address());
        Request request = new Request(service, ENDPOINT, "application/json",
                "{}".getBytes(StandardCharsets.UTF_8), Metadata.empty());
        return client.call(request, client.defaultOptions(service).withRequestTimeout(timeout).withRetries(0))
                .handle((response, failure) -> failure == null ? answered(version, node, response)
                        : failed(version, node, Failures.unwrap(failure)));
    }

    private static NodeHealth answered(String version, Node node, Response response) {
        JsonNode json = Output.parse(response.body());
        String status = json != null && json.hasNonNull("status") ? json.get("status").asText()
                : new String(response.body(), StandardCharsets.UTF_8).strip();
        return new NodeHealth(node.id(), node.address(), version, status, null);
    }

    private static NodeHealth failed(String version, Node node, Throwable failure) {
        MicroException e = failure instanceof MicroException m ? m
                : new MicroException("go.micro.client", 500, String.valueOf(failure.getMessage()),
                MicroException.statusText(500));
        String status = e.code() == 404 ? "unknown" : "error";
        return new NodeHealth(node.id(), node.address(), version, status,
                new Error(e.id(), e.code(), e.detail(), e.status()));
    }

    /** The STATUS column: the node's status, or why there is none. */
    private static String describe(NodeHealth h) {
        if (h.error() == null) {
            return h.status();
        }
        Error e = h.error();
        if (e.code() == 404) {
            return "unknown: no " + ENDPOINT + " endpoint on this node (404 from " + e.id() + ": " + e.detail() + ")";
        }
        return "error: " + e.code() + " " + e.status() + " from " + e.id() + ": " + e.detail();
    }
}
