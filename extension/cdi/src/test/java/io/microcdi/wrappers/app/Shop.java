package io.microcdi.wrappers.app;

import io.microcdi.annotation.Topic;
import io.microcdi.broker.Publisher;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** Publishes orders. */
@ApplicationScoped
public class Shop {

    @Inject
    @Topic("orders")
    Publisher<Words> orders;

    public Publisher<Words> orders() {
        return orders;
    }
}
