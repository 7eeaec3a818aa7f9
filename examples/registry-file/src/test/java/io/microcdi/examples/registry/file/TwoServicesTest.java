package io.microcdi.examples.registry.file;

import io.microcdi.annotation.Endpoint;
import io.microcdi.annotation.MicroClient;
import io.microcdi.annotation.Service;
import io.microcdi.cdi.MicroLifecycle;
import io.microcdi.cdi.MicroProducers;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.se.SeContainer;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.spi.ConfigProviderResolver;
import org.jboss.weld.environment.se.Weld;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Two MicroCDI containers in one JVM, a service and its caller, find each other through {@code micro.registry=file}:
 * the provider is picked by name from its ServiceLoader file, as a user's configuration would pick it.
 */
class TwoServicesTest {

    /** The request and the answer. */
    public record Hello(String name) {
    }

    /** The service, in the first container. */
    @Service(name = "greeter", version = "1.0.0")
    public static class Greeter {

        public Hello hello(Hello in) {
            return new Hello("Hello " + in.name());
        }
    }

    /** The client view of {@link Greeter}. */
    @Endpoint("Greeter")
    public interface GreeterApi {

        Hello hello(Hello in);
    }

    /** The caller, in the second container. */
    @ApplicationScoped
    public static class Caller {

        @Inject
        @MicroClient("greeter")
        GreeterApi greeter;

        public GreeterApi greeter() {
            return greeter; // through the bean's client proxy, which has no fields of its own
        }
    }

    @TempDir
    Path directory;

    private SeContainer server;
    private SeContainer client;

    private static SeContainer boot(String id, Class<?>... beans) {
        return new Weld(id).disableDiscovery()
                .property(Weld.SHUTDOWN_HOOK_SYSTEM_PROPERTY, false)
                .addBeanClasses(MicroProducers.class, MicroLifecycle.class)
                .addBeanClasses(beans)
                .initialize();
    }

    @AfterEach
    void closeBoth() {
        for (SeContainer c : new SeContainer[] {client, server}) {
            if (c != null && c.isRunning()) {
                c.close();
            }
        }
        System.clearProperty("micro.registry");
        System.clearProperty(FileRegistryConfig.DIRECTORY);
        System.clearProperty(FileRegistryConfig.POLL_INTERVAL);
    }

    @Test
    void aCallerFindsAServiceOfTheSameJvmThroughTheDirectory() throws Exception {
        System.setProperty("micro.registry", "file");
        System.setProperty(FileRegistryConfig.DIRECTORY, directory.toString());
        System.setProperty(FileRegistryConfig.POLL_INTERVAL, "100ms");
        ConfigProviderResolver resolver = ConfigProviderResolver.instance();
        resolver.releaseConfig(resolver.getConfig()); // read the properties set above

        server = boot("file-registry-server", Greeter.class);
        client = boot("file-registry-client", Caller.class);

        assertThat(nodeFiles()).as("one file for the greeter's node").hasSize(1);
        GreeterApi greeter = client.select(Caller.class).get().greeter();
        assertThat(greeter.hello(new Hello("file"))).isEqualTo(new Hello("Hello file"));

        server.close();
        await().atMost(Duration.ofSeconds(5)).until(() -> nodeFiles().isEmpty());
    }

    @Test
    void aBadKeyStopsTheStartNamingIt() {
        System.setProperty("micro.registry", "file");
        System.setProperty(FileRegistryConfig.POLL_INTERVAL, "often");
        ConfigProviderResolver resolver = ConfigProviderResolver.instance();
        resolver.releaseConfig(resolver.getConfig());

        assertThatThrownBy(() -> server = boot("file-registry-bad", Greeter.class))
                .hasStackTraceContaining("micro.registry.file.poll-interval=often");
    }

    private List<Path> nodeFiles() throws Exception {
        Path greeterDir = directory.resolve("greeter");
        if (!Files.isDirectory(greeterDir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(greeterDir)) {
            return files.filter(f -> f.toString().endsWith(".json")).toList();
        }
    }
}
