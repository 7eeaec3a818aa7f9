package io.microcdi.cdi.pubsub;

import io.microcdi.annotation.Subscribe;

/** A base class with a subscriber method: a subclass bean inherits it unless it overrides it. */
public abstract class BaseListener {

    final Inbox<OrderPlaced> inbox = new Inbox<>();

    @Subscribe(topic = "inherited")
    public void onOrder(OrderPlaced order) {
        inbox.add(order, null);
    }

    public Inbox<OrderPlaced> inbox() {
        return inbox;
    }
}
