package io.microcdi.cli;

import io.microcdi.registry.Endpoint;
import io.microcdi.registry.Node;
import io.microcdi.registry.Registry;
import io.microcdi.registry.Service;
import io.microcdi.registry.Value;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * {@code micro describe SERVICE}: each version of a service with its nodes (id, address, metadata) and its endpoints
 * with the request and response shapes the registry holds, as Go Micro's {@code micro get service} shows them.
 *
 * <pre>{@code
 * $ micro describe greeter
 * service  greeter
 * version  latest
 *
 * ID                 ADDRESS          METADATA
 * greeter-5f1c...    127.0.0.1:38211  broker=http,protocol=mucp,registry=mdns,server=rpc,transport=http
 *
 * Endpoint: Greeter.Hello
 * Request: HelloRequest {
 *     name string
 * }
 * ...
 * }</pre>
 *
 * <p>With {@code --output json}, the registry's records as Go Micro's registry JSON: one object per version.
 */
@Command(name = "describe", description = {"Shows a service: its versions, nodes (id, address, metadata) and "
        + "endpoints with their request and response shapes."})
final class DescribeCommand extends Subcommand {

    @Parameters(index = "0", paramLabel = "SERVICE", description = "The service name, as registered.")
    String service;

    @Override
    public Integer call() {
        Registry registry = session().registry();
        RegistryEvents.settle(registry, session().config());
        List<Service> versions = new ArrayList<>(registry.getService(service));
        if (versions.isEmpty()) {
            throw new CliException(service + ": not in the registry (" + registry.name() + ")");
        }
        versions.sort(Comparator.comparing(Service::version));
        if (json()) {
            Output.json(out(), versions);
            return 0;
        }
        PrintWriter out = out();
        boolean first = true;
        for (Service s : versions) {
            if (!first) {
                out.println();
            }
            first = false;
            print(out, s);
        }
        out.flush();
        return 0;
    }

    private static void print(PrintWriter out, Service s) {
        out.println("service  " + s.name());
        out.println("version  " + s.version());
        if (!s.metadata().isEmpty()) {
            out.println("metadata " + pairs(s.metadata()));
        }
        out.println();
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"ID", "ADDRESS", "METADATA"});
        s.nodes().stream().sorted(Comparator.comparing(Node::id))
                .forEach(n -> rows.add(new String[] {n.id(), n.address(), pairs(n.metadata())}));
        Output.table(out, rows);
        for (Endpoint e : s.endpoints().stream().sorted(Comparator.comparing(Endpoint::name)).toList()) {
            out.println();
            out.println("Endpoint: " + e.name() + (e.metadata().isEmpty() ? "" : "  (" + pairs(e.metadata()) + ")"));
            out.println("Request: " + shape(e.request()));
            out.println("Response: " + shape(e.response()));
        }
    }

    /** {@code key=value,key2=value2}, sorted by key. */
    static String pairs(Map<String, String> m) {
        return new TreeMap<>(m).entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(","));
    }

    /** A message shape as Go Micro prints it: its type, then its fields one per line, nested ones indented. */
    static String shape(Value v) {
        if (v == null) {
            return "(none)";
        }
        StringBuilder sb = new StringBuilder(v.type().isEmpty() ? v.name() : v.type());
        if (!v.values().isEmpty()) {
            fields(sb, v.values(), 1);
        }
        return sb.toString();
    }

    private static void fields(StringBuilder sb, List<Value> values, int depth) {
        sb.append(" {\n");
        for (Value f : values) {
            sb.append("    ".repeat(depth)).append(f.name()).append(' ').append(f.type());
            if (!f.values().isEmpty()) {
                fields(sb, f.values(), depth + 1);
            }
            sb.append('\n');
        }
        sb.append("    ".repeat(depth - 1)).append('}');
    }
}
