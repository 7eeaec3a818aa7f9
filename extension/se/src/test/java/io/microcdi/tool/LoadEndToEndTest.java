package io.microcdi.tool;

import io.microcdi.cdi.MicroLifecycle;
import io.microcdi.cdi.MicroProducers;
import jakarta.enterprise.inject.se.SeContainer;
import org.eclipse.microprofile.config.spi.ConfigProviderResolver;
import org.jboss.weld.environment.se.Weld;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The tool as a user runs it, in one JVM: a container serves {@link LoadTarget} on the memory registry and transport,
 * and {@link Load#run} boots a second, client-only one that finds it and calls it. One run only: each boot costs
 * about a second (failures, limits and timing are covered by {@link ClosedLoopTest} with a fake client).
 */
class LoadEndToEndTest {

    private static final List<String> KEYS = List.of("micro.registry", "micro.transport", "micro.server.enabled");

    private static SeContainer service;

    @BeforeAll
    static void serve() {
        System.setProperty("micro.registry", "memory");
        System.setProperty("micro.transport", "memory");
        releaseConfig();
        service = new Weld("load-target").disableDiscovery()
                .property(Weld.SHUTDOWN_HOOK_SYSTEM_PROPERTY, false)
                .addBeanClasses(MicroProducers.class, MicroLifecycle.class, LoadTarget.class)
                .initialize();
        // what Load sets itself, released so that its boot reads it and not the config cached above
        System.setProperty("micro.server.enabled", "false");
        releaseConfig();
    }

    @AfterAll
    static void stop() {
        if (service != null) {
            service.close();
        }
        KEYS.forEach(System::clearProperty);
        releaseConfig();
    }

    /** SmallRye caches the Config per class loader: drop it so the next boot reads the system properties. */
    private static void releaseConfig() {
        ConfigProviderResolver resolver = ConfigProviderResolver.instance();
        resolver.releaseConfig(resolver.getConfig());
    }

    /** What one run of the tool returned and printed. */
    record Run(int exit, String out, String err) {
        String last() {
            List<String> lines = out.lines().toList();
            return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
        }
    }

    /** Runs the tool with {@code args}, capturing what it prints. */
    static Run load(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = Load.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void findsAndCallsTheServiceThenEndsWithTheSummary() {
        Run r = load("--service", "load-target", "--endpoint", "LoadTarget.Hello", "--body", "{\"name\":\"John\"}",
                "--concurrency", "4", "--calls", "2000", "--duration", "20s");

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.last()).as(r.err()).startsWith("calls=2000 failures=0 rps=")
                .matches("calls=\\d+ failures=\\d+ rps=\\d+ p50_ms=\\d+\\.\\d{3} p99_ms=\\d+\\.\\d{3}");
        assertThat(r.out()).contains("latency_ms min=");
        assertThat(r.err()).contains("load: load-target LoadTarget.Hello: 1 node(s) known to memory so far (before micro.client.load-target.* filters); 4 thread(s) for 20s"
                + " or 2000 calls");
    }
}
