package io.microcdi.cdi.pubsub;

import jakarta.enterprise.context.ApplicationScoped;

/** Overrides {@link BaseListener#onOrder} without {@code @Subscribe}: not a subscriber, as with CDI observers. */
@ApplicationScoped
public class OverridingListener extends BaseListener {

    @Override
    public void onOrder(OrderPlaced order) {
        throw new AssertionError("not a subscriber");
    }
}
