package io.microcdi.cli;

import io.microcdi.config.ConfigException;
import io.microcdi.registry.Node;
import io.microcdi.registry.Registry;
import io.microcdi.registry.RegistryEvent;
import io.microcdi.registry.Service;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code micro watch [SERVICE]}: prints registry changes as they happen (a node registered, updated, gone), until
 * Ctrl-C, {@code --count} events or {@code --for} a while.
 *
 * <pre>{@code
 * $ micro watch
 * create  greeter  latest  greeter-5f1c...  127.0.0.1:38211
 * delete  greeter  latest  greeter-5f1c...  127.0.0.1:38211
 * $ micro watch --json
 * {"action":"create","service":{"name":"greeter","version":"latest",...,"nodes":[{"id":"greeter-5f1c...",...}]}}
 * }</pre>
 *
 * <p>Changes from the moment it started: on mdns the nodes already out there are first heard of (not printed),
 * then a line on standard error says the watch is live.
 */
@Command(name = "watch", description = {"Prints registry changes as they happen: one line per node created, updated "
        + "or deleted (with --output json, Go Micro's watch result: action and service), until Ctrl-C, --count "
        + "events or --for a while.",
        "A line on standard error says when the watch is live."})
final class WatchCommand extends Subcommand {

    /** One change, for {@code --output json}: Go Micro's {@code registry.Result}. */
    record Change(String action, Service service) {
    }

    @Parameters(index = "0", arity = "0..1", paramLabel = "SERVICE",
            description = "Only this service's changes (default: every service).")
    String service;

    @Option(names = {"-n", "--count"}, paramLabel = "N", description = "Stop after N events.")
    Integer count;

    @Option(names = "--for", paramLabel = "DURATION",
            description = "Stop after this long; with --count, fail (exit 1) if fewer came.")
    Duration limit;

    @Override
    public Integer call() {
        if (count != null && count < 1) {
            throw new ConfigException("--count=" + count + " (expected: >= 1)");
        }
        Registry registry = session().registry();
        long deadline = limit == null ? Long.MAX_VALUE : System.nanoTime() + limit.toNanos();
        int seen = 0;
        try (RegistryEvents events = RegistryEvents.watch(registry, service)) {
            events.settle(session().config());
            err().println("watching " + (service == null ? "every service" : service) + " on " + registry.name()
                    + "; Ctrl-C to stop");
            err().flush();
            while (count == null || seen < count) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || session().isClosed()) {
                    break;
                }
                RegistryEvent e = events.poll(Duration.ofNanos(Math.min(left, 200_000_000L)));
                if (e == null) {
                    if (events.ended()) {
                        break;
                    }
                    continue;
                }
                print(out(), e);
                seen++;
            }
        }
        if (count != null && seen < count && !session().isClosed()) {
            throw new CliException(seen + " of " + count + " event(s)" + (limit == null ? "" : " in " + Output.duration(limit)));
        }
        return 0;
    }

    private void print(PrintWriter out, RegistryEvent e) {
        String action = e.action().name().toLowerCase(Locale.ROOT);
        if (json()) {
            Output.json(out, new Change(action, e.service()));
            return;
        }
        Service s = e.service();
        List<String[]> rows = new ArrayList<>();
        if (s.nodes().isEmpty()) {
            rows.add(new String[] {action, s.name(), s.version()});
        }
        for (Node n : s.nodes()) {
            rows.add(new String[] {action, s.name(), s.version(), n.id(), n.address()});
        }
        for (String[] row : rows) {
            out.println(String.join("  ", row));
        }
        out.flush();
    }
}
