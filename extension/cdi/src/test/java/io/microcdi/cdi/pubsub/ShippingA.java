package io.microcdi.cdi.pubsub;

import io.microcdi.annotation.Subscribe;
import jakarta.enterprise.context.ApplicationScoped;

/** One member of queue group {@code shipping}; package-private method, as an application may write it. */
@ApplicationScoped
public class ShippingA {

    final Inbox<OrderPlaced> inbox = new Inbox<>();

    @Subscribe(topic = "orders", queue = "shipping")
    void onOrder(OrderPlaced order) {
        inbox.add(order, null);
    }

    public Inbox<OrderPlaced> inbox() {
        return inbox;
    }
}
