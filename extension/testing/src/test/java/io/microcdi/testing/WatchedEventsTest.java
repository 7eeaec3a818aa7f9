package io.microcdi.testing;

import io.microcdi.registry.Node;
import io.microcdi.registry.RegistryEvent;
import io.microcdi.registry.RegistryEvent.Action;
import io.microcdi.registry.RegistryException;
import io.microcdi.registry.Service;
import io.microcdi.registry.Watcher;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WatchedEventsTest {

    /** A watcher fed by the test: what a registry's watcher does, without a registry. */
    private static final class QueueWatcher implements Watcher {

        private static final RegistryEvent STOP = event("stop", Action.DELETE);
        private final LinkedBlockingQueue<RegistryEvent> queue = new LinkedBlockingQueue<>();

        @Override
        public RegistryEvent next() throws InterruptedException {
            RegistryEvent e = queue.take();
            if (e == STOP) {
                queue.add(STOP);
                throw new RegistryException(RegistryException.WATCHER_STOPPED);
            }
            return e;
        }

        @Override
        public void stop() {
            queue.add(STOP);
        }
    }

    private static RegistryEvent event(String service, Action action) {
        return new RegistryEvent(action, new Service(service, "1", Map.of(), List.of(),
                List.of(new Node(service + "-1", "127.0.0.1:1", Map.of()))));
    }

    @Test
    void eventsComeInOrderFilteredOrNotAndTheEndIsReported() {
        QueueWatcher w = new QueueWatcher();
        WatchedEvents events = WatchedEvents.of(w);
        w.queue.add(event("a", Action.CREATE));
        w.queue.add(event("b", Action.CREATE));
        w.queue.add(event("a", Action.UPDATE));

        assertThat(events.next(Duration.ofSeconds(5))).isEqualTo(event("a", Action.CREATE));
        assertThat(events.next(Duration.ofSeconds(5), e -> e.action() == Action.UPDATE))
                .isEqualTo(event("a", Action.UPDATE));
        assertThatThrownBy(() -> events.next(Duration.ofMillis(100))).isInstanceOf(AssertionError.class)
                .hasMessage("no registry event within 100 ms");

        events.close();

        assertThat(events.end(Duration.ofSeconds(5))).isInstanceOf(RegistryException.class)
                .hasMessage(RegistryException.WATCHER_STOPPED);
        assertThat(events.ended()).isTrue();
        assertThatThrownBy(() -> events.next(Duration.ofSeconds(1))).isInstanceOf(AssertionError.class)
                .hasMessageContaining("the watcher ended");
    }

    @Test
    void endFailsWhileTheWatcherRuns() {
        QueueWatcher w = new QueueWatcher();
        try (WatchedEvents events = WatchedEvents.of(w)) {
            assertThatThrownBy(() -> events.end(Duration.ofMillis(100))).isInstanceOf(AssertionError.class)
                    .hasMessage("the watcher did not end within 100 ms");
            w.queue.add(event("a", Action.CREATE));
            assertThatThrownBy(() -> events.end(Duration.ofMillis(300))).isInstanceOf(AssertionError.class)
                    .hasMessage("the watcher did not end within 300 ms");
            w.stop();
            assertThat(events.end(Duration.ofSeconds(5))).as("the event before the end is passed over")
                    .isInstanceOf(RegistryException.class);
        }
    }
}
