package io.microcdi.broker.kafka.cdi;

import io.microcdi.annotation.Subscribe;
import io.microcdi.metadata.Metadata;

/**
 * A member of the queue group {@code ${test.kafka.group}}: each bean that extends it subscribes once, with a Kafka
 * consumer of its own in that group.
 */
public abstract class ShippingMember {

    final Handled handled = new Handled();

    @Subscribe(topic = "${test.kafka.topic}", queue = "${test.kafka.group}")
    public void onOrder(Order order, Metadata metadata) {
        handled.add(order, metadata);
    }

    public Handled handled() {
        return handled;
    }
}
