package io.microcdi.cdi.pubsub;

import io.microcdi.annotation.Subscribe;
import jakarta.enterprise.context.ApplicationScoped;

/** Names a property that is not set and has no default. */
@ApplicationScoped
public class UnsetTopic {

    @Subscribe(topic = "${test.pubsub.nowhere}")
    public void onOrder(OrderPlaced order) {
    }
}
