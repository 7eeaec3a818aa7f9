package io.microcdi.tool;

import io.microcdi.Micro;
import io.microcdi.client.CallOptions;
import io.microcdi.client.Client;
import io.microcdi.client.Request;
import io.microcdi.metadata.Metadata;
import io.microcdi.registry.Registry;
import io.microcdi.registry.Service;
import jakarta.enterprise.inject.se.SeContainer;

import java.io.PrintStream;
import java.util.List;

/**
 * A load tool for any service: calls one endpoint from N threads, back to back, through the same client a
 * {@code @MicroClient} uses (registry, selector, retries), and prints the rate and the latency percentiles.
 *
 * <pre>{@code
 * java -cp ... io.microcdi.tool.Load --service greeter --endpoint Greeter.Hello --body '{"name":"John"}' \
 *      --concurrency 32 --duration 10s
 * java -jar greeter.jar load --service greeter --endpoint Greeter.Hello       # the same, from the greeter jar
 * ...
 * calls=96571 failures=0 rps=9657 p50_ms=3.154 p99_ms=7.012                  # always the last line on stdout
 * }</pre>
 *
 * <p>Exit codes: 0 when it ran (failed calls included: they are counted), 2 for a bad command line, 1 when the
 * framework could not start. The process serves nothing ({@code micro.server.enabled=false}).
 */
public final class Load {

    private Load() {
    }

    /** Runs the tool and exits with its code. */
    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the tool with {@code args} (see {@code --help}), printing to stdout and stderr; returns the exit code. */
    public static int run(String[] args) {
        return run(args, System.out, System.err);
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        LoadOptions options;
        try {
            options = LoadOptions.parse(args);
        } catch (IllegalArgumentException e) {
            err.println("load: " + e.getMessage());
            err.println();
            err.print(LoadOptions.USAGE);
            return 2;
        }
        if (options.help()) {
            out.print(LoadOptions.USAGE);
            return 0;
        }
        // this process only calls: it must not serve the @Service beans it happens to carry
        System.setProperty("micro.server.enabled", "false");
        SeContainer container;
        try {
            container = Micro.start();
        } catch (RuntimeException e) {
            err.println("load: start failed: " + Micro.describe(e));
            return 1;
        }
        try (container) {
            Client client;
            Registry registry;
            CallOptions callOptions;
            try {
                // the plugins are made on first use: a bad micro.* value fails here
                client = container.select(Client.class).get();
                registry = container.select(Registry.class).get();
                // what a @MicroClient of this service gets: micro.client.<service>.* (timeout, retries, labels)
                CallOptions defaults = client.defaultOptions(options.service());
                callOptions = options.timeout() == null ? defaults : defaults.withRequestTimeout(options.timeout());
            } catch (RuntimeException e) {
                err.println("load: start failed: " + Micro.describe(e));
                return 1;
            }
            return load(options, client, registry, callOptions, out, err);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("load: interrupted");
            return 1;
        }
    }

    private static int load(LoadOptions options, Client client, Registry registry, CallOptions callOptions,
                            PrintStream out, PrintStream err) throws InterruptedException {
        // One lookup before the clock starts: a registry that has just started waits here for the service's first
        // node (mDNS: up to micro.registry.mdns.timeout), rather than inside the first measured calls.
        int nodes = nodes(registry, options.service(), err);
        if (!options.quiet()) {
            err.println("load: " + options.service() + " " + options.endpoint() + ": " + nodes + " node(s) known to "
                    + registry.name() + " so far (before micro.client." + options.service() + ".* filters); " + options.concurrency() + " thread(s) for "
                    + LoadOptions.format(options.duration())
                    + (options.calls() > 0 ? " or " + options.calls() + " calls" : "")
                    + (options.warmup().isZero() ? ""
                    : ", after a warm-up of " + LoadOptions.format(options.warmup())));
        }
        Request request = new Request(options.service(), options.endpoint(), options.contentType(), options.body(),
                Metadata.empty());
        LoadReport report = new ClosedLoop(client, request, callOptions, options, err).run();
        if (report.failureLine() != null) {
            err.println(report.failureLine());
        }
        if (report.abandoned() > 0) {
            // normal for a closed loop (up to one per thread), but a hung service shows here first
            err.println("load: ended with " + report.abandoned() + " call(s) in flight, not counted");
        }
        out.println(report.latencyLine());
        out.println(report.summaryLine());
        out.flush();
        return 0;
    }

    private static int nodes(Registry registry, String service, PrintStream err) {
        try {
            List<Service> versions = registry.getService(service);
            int n = versions.stream().mapToInt(s -> s.nodes().size()).sum();
            if (n == 0) {
                err.println("load: " + service + ": not in the registry (" + registry.name()
                        + "); the calls will fail with 503 unless it appears");
            }
            return n;
        } catch (RuntimeException e) {
            err.println("load: " + service + ": lookup failed: " + e.getMessage());
            return 0;
        }
    }
}
