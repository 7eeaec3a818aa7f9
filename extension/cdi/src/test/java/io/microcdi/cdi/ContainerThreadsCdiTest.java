package io.microcdi.cdi;

import io.microcdi.broker.Publisher;
import io.microcdi.cdi.app.Echo;
import io.microcdi.cdi.app.EchoCaller;
import io.microcdi.cdi.app.Msg;
import io.microcdi.cdi.pubsub.Audit;
import io.microcdi.cdi.pubsub.Checkout;
import io.microcdi.cdi.pubsub.OrderPlaced;
import io.microcdi.internal.exec.HandlerExecutors;
import io.microcdi.testing.LoopbackMdns;
import jakarta.enterprise.inject.se.SeContainer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Every thread, timer and pool MicroCDI starts belongs to the container that started it: Weld SE containers started
 * and stopped one after another in one JVM (as an application server redeploys an application) leave no thread
 * behind, so the JVM's threads are back to what they were before the first.
 *
 * <p>Each container serves, calls (blocking, async and through a retry), publishes and subscribes over the HTTP
 * transport and broker, on the {@code mdns} registry bound to loopback and on the {@code memory} registry (whose node
 * expiry runs on a timer).
 */
class ContainerThreadsCdiTest {

    private static final int CYCLES = 3;

    private SeContainer container;

    @AfterEach
    void close() {
        if (container != null && container.isRunning()) {
            container.close();
        }
        for (String key : List.of("micro.registry", LoopbackMdns.INTERFACE_KEY, "micro.register.ttl")) {
            System.clearProperty(key);
        }
    }

    @Test
    void memoryRegistryContainersLeaveNoThreadBehind() {
        assertNoThreadOutlivesItsContainer(Map.of("micro.registry", "memory"));
    }

    @Test
    void mdnsRegistryContainersLeaveNoThreadBehind() {
        LoopbackMdns.assertMulticastWorks();
        Map<String, String> config = new HashMap<>(LoopbackMdns.settings());
        config.put("micro.registry", "mdns");
        assertNoThreadOutlivesItsContainer(config);
    }

    private void assertNoThreadOutlivesItsContainer(Map<String, String> config) {
        assertThat(HandlerExecutors.openLeases()).as("shared pools held open before the test (an earlier test left a "
                + "client, broker, memory registry or transport unclosed)").isZero();
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        for (int cycle = 1; cycle <= CYCLES; cycle++) {
            container = MicroCdiTest.boot(config, Echo.class, EchoCaller.class, Checkout.class, Audit.class);
            exercise(container);
            assertThat(started(before)).as("threads while container %d runs", cycle).isNotEmpty();
            container.close();
            int c = cycle;
            await("threads of container " + c + " ended").atMost(Duration.ofSeconds(15))
                    .pollInterval(Duration.ofMillis(50))
                    .untilAsserted(() -> assertThat(started(before)).as("threads left by container %d", c).isEmpty());
            assertThat(HandlerExecutors.openLeases()).as("shared pools held after container %d", c).isZero();
        }
    }

    private static void exercise(SeContainer container) {
        var echo = container.select(EchoCaller.class).get().echo();
        assertThat(echo.say(new Msg("hi")).text()).isEqualTo("echo: hi");
        assertThat(echo.sayAsync(new Msg("hi")).toCompletableFuture().join().text()).isEqualTo("echo: hi");
        assertThat(echo.later(new Msg("x")).text()).isEqualTo("later: x");
        Publisher<OrderPlaced> orders = container.select(Checkout.class).get().orders();
        orders.publishAsync(new OrderPlaced(1, "book")).toCompletableFuture().join();
        orders.publish(new OrderPlaced(2, "pen"));
        assertThat(container.select(Audit.class).get().inbox().size()).isEqualTo(2);
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
