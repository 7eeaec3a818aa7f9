package io.microcdi.broker.kafka.cdi;

import io.microcdi.annotation.Subscribe;
import io.microcdi.metadata.Metadata;
import jakarta.enterprise.context.ApplicationScoped;

/** A member of the queue group {@code ${test.kafka.group}}: one of two in the container, each with its own consumer. */
@ApplicationScoped
public class ShippingA {

    final Handled handled = new Handled();

    @Subscribe(topic = "${test.kafka.topic}", queue = "${test.kafka.group}")
    public void onOrder(Order order, Metadata metadata) {
        handled.add(order, metadata);
    }

    public Handled handled() {
        return handled;
    }
}
