package io.microcdi.wrappers.app;

import io.microcdi.annotation.Subscribe;
import jakarta.inject.Singleton;

/** A subscriber without bindings (configuration may add some). */
@Singleton
public class PlainAudit {

    @Subscribe(topic = "audits")
    public void onAudit(Words audit) {
    }
}
