package io.microcdi.cdi.health;

import io.microcdi.lifecycle.AfterStart;
import io.microcdi.lifecycle.BeforeStart;
import io.microcdi.lifecycle.BeforeStop;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.Readiness;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Asks the readiness check at each lifecycle event, as a probe polling during start and stop would see it. */
@ApplicationScoped
public class Probe {

    static final List<String> SEEN = new CopyOnWriteArrayList<>();

    @Inject
    @Readiness
    HealthCheck readiness;

    void beforeStart(@Observes BeforeStart e) {
        record("BeforeStart");
    }

    void afterStart(@Observes AfterStart e) {
        record("AfterStart");
    }

    void beforeStop(@Observes BeforeStop e) {
        record("BeforeStop");
    }

    private void record(String event) {
        var r = readiness.call();
        SEEN.add(event + " " + r.getStatus() + " " + r.getData().orElseThrow().get("state"));
    }
}
