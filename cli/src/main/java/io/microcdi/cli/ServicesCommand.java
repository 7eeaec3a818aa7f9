package io.microcdi.cli;

import io.microcdi.registry.Registry;
import io.microcdi.registry.Service;
import picocli.CommandLine.Command;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * {@code micro services}: every service the registry knows, with its versions.
 *
 * <pre>{@code
 * $ micro services
 * NAME           VERSIONS
 * greeter        latest
 * greeter-proto  latest
 * $ micro services --output json
 * [{"name":"greeter","versions":["latest"]},{"name":"greeter-proto","versions":["latest"]}]
 * }</pre>
 */
@Command(name = "services", description = {"Lists the services in the registry, with their versions.",
        "On mdns it first listens for the nodes already out there (about a second; at most "
                + "micro.registry.mdns.timeout when there are none)."})
final class ServicesCommand extends Subcommand {

    /** One line of the listing. */
    record Listed(String name, List<String> versions) {
    }

    @Override
    public Integer call() {
        Registry registry = session().registry();
        RegistryEvents.settle(registry, session().config());
        Map<String, Set<String>> versions = new TreeMap<>();
        for (Service s : registry.listServices()) {
            versions.computeIfAbsent(s.name(), n -> new TreeSet<>()).add(s.version());
        }
        List<Listed> listed = versions.entrySet().stream()
                .map(e -> new Listed(e.getKey(), List.copyOf(e.getValue()))).toList();
        if (json()) {
            Output.json(out(), listed);
        } else if (listed.isEmpty()) {
            err().println("no services in the registry (" + registry.name() + ")");
        } else {
            List<String[]> rows = new ArrayList<>();
            rows.add(new String[] {"NAME", "VERSIONS"});
            listed.forEach(l -> rows.add(new String[] {l.name(), String.join(", ", l.versions())}));
            Output.table(out(), rows);
        }
        return 0;
    }
}
