package io.microcdi.cdi.lifecycle;

import io.microcdi.lifecycle.AfterStart;
import io.microcdi.lifecycle.AfterStop;
import io.microcdi.lifecycle.BeforeStart;
import io.microcdi.lifecycle.BeforeStop;
import io.microcdi.registry.memory.MemoryRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records each lifecycle event with what the registry holds at that moment; kept past the container's close. */
@ApplicationScoped
public class Recorder {

    static final List<Object> EVENTS = new CopyOnWriteArrayList<>();
    static final List<String> SEEN = new CopyOnWriteArrayList<>();

    void beforeStart(@Observes BeforeStart e) {
        record(e);
    }

    void afterStart(@Observes AfterStart e) {
        record(e);
    }

    void beforeStop(@Observes BeforeStop e) {
        record(e);
    }

    void afterStop(@Observes AfterStop e) {
        record(e);
    }

    private static void record(Object e) {
        EVENTS.add(e);
        SEEN.add(e.getClass().getSimpleName() + " registered=" + !MemoryRegistry.shared().getService("echo").isEmpty());
    }
}
