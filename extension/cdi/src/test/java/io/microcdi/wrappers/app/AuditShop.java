package io.microcdi.wrappers.app;

import io.microcdi.annotation.Topic;
import io.microcdi.broker.Publisher;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** Publishes audits. */
@ApplicationScoped
public class AuditShop {

    @Inject
    @Topic("audits")
    Publisher<Words> audits;

    public Publisher<Words> audits() {
        return audits;
    }
}
