package io.microcdi.cdi.pubsub;

import io.microcdi.annotation.Subscribe;
import jakarta.enterprise.context.Dependent;

/** A subscriber whose bean has no lasting instance: rejected. */
@Dependent
public class DependentSubscriber {

    @Subscribe(topic = "orders")
    public void onOrder(OrderPlaced order) {
    }
}
