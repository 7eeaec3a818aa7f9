package io.microcdi.grpc;

import io.microcdi.cdi.MicroLifecycle;
import io.microcdi.cdi.MicroProducers;
import io.microcdi.errors.MicroException;
import io.microcdi.grpc.cdi.Greeter;
import io.microcdi.grpc.cdi.GreeterApi;
import io.microcdi.grpc.cdi.GreeterCaller;
import io.microcdi.grpc.cdi.Greeting;
import io.microcdi.grpc.cdi.Hello;
import io.microcdi.registry.Node;
import io.microcdi.registry.Service;
import io.microcdi.registry.memory.MemoryRegistry;
import io.microcdi.stream.Streams;
import jakarta.enterprise.inject.se.SeContainer;
import org.eclipse.microprofile.config.spi.ConfigProviderResolver;
import org.jboss.weld.environment.se.Weld;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * {@code micro.server=grpc} in a Weld SE container: the {@code @Service} bean is served over gRPC and registered as a
 * gRPC node; a {@code @MicroClient} injected in a second container (a client only, as another application would be)
 * calls it over gRPC, errors included, and streams from it over gRPC (server, client and bidirectional); closing the server's container deregisters the node, and closing both leaves
 * no thread of either behind, grpc-java's event loops included.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class GrpcCdiTest {

    private static final String SERVICE = "greeter-cdi";

    private final Set<String> keys = new HashSet<>();
    private final List<SeContainer> containers = new ArrayList<>();

    @AfterEach
    void close() {
        for (int i = containers.size() - 1; i >= 0; i--) {
            if (containers.get(i).isRunning()) {
                containers.get(i).close();
            }
        }
        keys.forEach(System::clearProperty);
    }

    private SeContainer boot(String id, Map<String, String> config, Class<?>... beans) {
        keys.forEach(System::clearProperty);
        config.forEach((k, v) -> {
            keys.add(k);
            System.setProperty(k, v);
        });
        // SmallRye caches the Config per class loader: drop it so this boot reads the properties above
        ConfigProviderResolver resolver = ConfigProviderResolver.instance();
        resolver.releaseConfig(resolver.getConfig());
        SeContainer c = new Weld(id).disableDiscovery()
                .property(Weld.SHUTDOWN_HOOK_SYSTEM_PROPERTY, false)
                .addBeanClasses(MicroProducers.class, MicroLifecycle.class)
                .addBeanClasses(beans)
                .initialize();
        containers.add(c);
        return c;
    }

    @Test
    void aMicroClientInAnotherContainerCallsTheServiceOverGrpc() {
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        MemoryRegistry registry = MemoryRegistry.shared();
        SeContainer server = boot("grpc-server", Map.of("micro.registry", "memory", "micro.server", "grpc",
                "micro.server.address", "127.0.0.1:0", "micro.server.shutdown-grace", "0"), Greeter.class);
        List<Service> registered = registry.getService(SERVICE);
        assertThat(registered).hasSize(1);
        Node node = registered.get(0).nodes().get(0);
        assertThat(node.metadata()).containsEntry("protocol", "grpc").containsEntry("server", "grpc")
                .containsEntry("transport", "grpc");
        assertThat(node.address()).startsWith("127.0.0.1:");

        SeContainer client = boot("grpc-client", Map.of("micro.registry", "memory", "micro.server.enabled", "false"),
                GreeterCaller.class);
        GreeterApi greeter = client.select(GreeterCaller.class).get().greeter();

        // the node speaks only gRPC: the answer comes from the gRPC server's handler pool
        Greeting g = greeter.hello(new Hello("John"));
        assertThat(g.greeting()).isEqualTo("Hello John");
        assertThat(g.thread()).startsWith("microcdi-grpc-handler");
        for (int i = 0; i < 50; i++) {
            assertThat(greeter.hello(new Hello("n" + i)).greeting()).isEqualTo("Hello n" + i);
        }
        assertThatThrownBy(() -> greeter.hello(new Hello(" ")))
                .isInstanceOfSatisfying(MicroException.class, e -> {
                    assertThat(e.code()).isEqualTo(400);
                    assertThat(e.id()).isEqualTo("greeter-cdi.hello");
                    assertThat(e.detail()).isEqualTo("name is required");
                });

        // the three kinds of stream, over gRPC too: the node speaks nothing else
        assertThat(Streams.toList(greeter.lots(new Hello("Ann"))).join()).extracting(Greeting::greeting)
                .containsExactly("Hello Ann 0", "Hello Ann 1", "Hello Ann 2");
        assertThat(greeter.gather(Streams.of(new Hello("Ann"), new Hello("Bob"))).toCompletableFuture().join()
                .greeting()).isEqualTo("Hello Ann and Bob");
        List<Hello> names = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            names.add(new Hello("n" + i));
        }
        List<Greeting> chat = Streams.toList(greeter.chat(Streams.fromIterable(names))).join();
        assertThat(chat).hasSize(200);
        assertThat(chat.get(199).greeting()).isEqualTo("Hello n199");
        assertThat(chat.get(0).thread()).startsWith("microcdi-grpc-handler");
        assertThatThrownBy(() -> Streams.toList(greeter.chat(Streams.of(new Hello("Ann"), new Hello("")))).join())
                .hasCauseInstanceOf(MicroException.class)
                .cause().satisfies(e -> assertThat(((MicroException) e).code()).isEqualTo(400));

        assertThat(started(before)).as("grpc-java's threads while both run").anyMatch(n -> n.contains("grpc"));

        server.close();
        assertThat(registry.getService(SERVICE)).as("deregistered when its container closed").isEmpty();
        assertThatThrownBy(() -> greeter.hello(new Hello("late"))).isInstanceOf(MicroException.class);

        client.close();
        registry.close();
        await("threads of both containers ended").atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(50))
                .untilAsserted(() -> assertThat(started(before)).as("threads left").isEmpty());
    }

    /** The live threads that were not there {@code before}, by name. */
    private static List<String> started(Set<Thread> before) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && !before.contains(t))
                .map(Thread::getName)
                // the JDK's common pool, and the thread that runs this very check
                .filter(name -> !name.startsWith("ForkJoinPool.commonPool") && !name.startsWith("awaitility"))
                .sorted()
                .collect(Collectors.toList());
    }
}
