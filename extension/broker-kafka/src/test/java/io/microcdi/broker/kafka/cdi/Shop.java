package io.microcdi.broker.kafka.cdi;

import io.microcdi.annotation.Topic;
import io.microcdi.broker.Broker;
import io.microcdi.broker.Publisher;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** Publishes orders through an injected {@code @Topic} publisher; the topic is named by configuration. */
@ApplicationScoped
public class Shop {

    @Inject
    @Topic("${test.kafka.topic}")
    Publisher<Order> orders;

    @Inject
    Broker broker;

    public Publisher<Order> orders() {
        return orders;
    }

    public Broker broker() {
        return broker;
    }
}
