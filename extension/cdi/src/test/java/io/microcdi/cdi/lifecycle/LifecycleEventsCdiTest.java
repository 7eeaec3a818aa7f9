package io.microcdi.cdi.lifecycle;

import io.microcdi.cdi.MicroLifecycle;
import io.microcdi.cdi.MicroProducers;
import io.microcdi.cdi.app.Echo;
import io.microcdi.lifecycle.AfterStart;
import io.microcdi.lifecycle.AfterStop;
import io.microcdi.lifecycle.BeforeStart;
import io.microcdi.lifecycle.BeforeStop;
import io.microcdi.lifecycle.StartAbortedException;
import io.microcdi.registry.memory.MemoryRegistry;
import jakarta.enterprise.inject.se.SeContainer;
import org.eclipse.microprofile.config.spi.ConfigProviderResolver;
import org.jboss.weld.environment.se.Weld;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Go Micro's BeforeStart, AfterStart, BeforeStop and AfterStop as CDI events, on Weld SE. */
class LifecycleEventsCdiTest {

    private SeContainer container;

    static SeContainer boot(Map<String, String> config, Class<?>... beans) {
        config.forEach(System::setProperty);
        ConfigProviderResolver resolver = ConfigProviderResolver.instance();
        resolver.releaseConfig(resolver.getConfig());
        return new Weld().disableDiscovery()
                .property(Weld.SHUTDOWN_HOOK_SYSTEM_PROPERTY, false)
                .addBeanClasses(MicroProducers.class, MicroLifecycle.class)
                .addBeanClasses(beans)
                .initialize();
    }

    @BeforeEach
    void clear() {
        Recorder.EVENTS.clear();
        Recorder.SEEN.clear();
    }

    @AfterEach
    void close() {
        if (container != null && container.isRunning()) {
            container.close();
        }
        for (String key : List.of("micro.registry", "micro.server.enabled", "micro.broker")) {
            System.clearProperty(key);
        }
    }

    @Test
    void theEventsComeInOrderAroundRegistration() {
        container = boot(Map.of("micro.registry", "memory"), Echo.class, Recorder.class);
        String address = container.select(MicroLifecycle.class).get().server().address();
        assertThat(container.select(MicroLifecycle.class).get().state()).isEqualTo(MicroLifecycle.State.STARTED);

        container.close();

        assertThat(Recorder.SEEN).containsExactly(
                "BeforeStart registered=false",  // before the server listens
                "AfterStart registered=true",    // after it registered
                "BeforeStop registered=true",    // before it deregisters
                "AfterStop registered=false");   // after it stopped
        assertThat(Recorder.EVENTS).containsExactly(
                new BeforeStart(List.of("echo")),
                new AfterStart(address, List.of("echo")),
                new BeforeStop(address, List.of("echo")),
                new AfterStop(address, List.of("echo")));
    }

    @Test
    void aThrowingBeforeStartAbortsTheStartWithItsMessage() {
        assertThatThrownBy(() -> container = boot(Map.of("micro.registry", "memory"), Echo.class, Recorder.class,
                Failing.InBeforeStart.class))
                .hasStackTraceContaining(StartAbortedException.class.getName())
                .hasStackTraceContaining("start aborted by an observer of BeforeStart: IllegalStateException: "
                        + "schema v7 expected, found v6 (nothing was started)");

        assertThat(MemoryRegistry.shared().getService("echo")).isEmpty();
        // the event went to every observer until one threw; nothing after it, no stop events for a start never made
        assertThat(Recorder.SEEN).allMatch(s -> s.equals("BeforeStart registered=false"));
    }

    @Test
    void aThrowingAfterStartUndoesTheStart() {
        assertThatThrownBy(() -> container = boot(Map.of("micro.registry", "memory"), Echo.class, Recorder.class,
                Failing.InAfterStart.class))
                .hasStackTraceContaining("start aborted by an observer of AfterStart: IOException: announcer "
                        + "unreachable (what had started was stopped and deregistered)");

        assertThat(MemoryRegistry.shared().getService("echo")).isEmpty();
        assertThat(Recorder.SEEN).doesNotContain("BeforeStop registered=true", "AfterStop registered=false");
    }

    @Test
    void aThrowingBeforeStopIsLoggedAndTheStopCarriesOn() {
        container = boot(Map.of("micro.registry", "memory"), Echo.class, Recorder.class, Failing.InBeforeStop.class);

        container.close();

        assertThat(MemoryRegistry.shared().getService("echo")).isEmpty();
        assertThat(Recorder.SEEN).endsWith("AfterStop registered=false");
    }

    @Test
    void aSubscriberOnlyProcessHasNoAddress() {
        container = boot(Map.of("micro.registry", "memory", "micro.broker", "memory"), Recorder.class,
                io.microcdi.cdi.pubsub.Audit.class);

        container.close();

        assertThat(Recorder.EVENTS).containsExactly(new BeforeStart(List.of()), new AfterStart("", List.of()),
                new BeforeStop("", List.of()), new AfterStop("", List.of()));
    }

    @Test
    void aClientOnlyProcessFiresNothing() {
        container = boot(Map.of("micro.registry", "memory", "micro.server.enabled", "false"), Echo.class,
                Recorder.class);
        assertThat(container.select(MicroLifecycle.class).get().state()).isEqualTo(MicroLifecycle.State.STARTED);

        container.close();

        assertThat(Recorder.EVENTS).isEmpty();
    }
}
