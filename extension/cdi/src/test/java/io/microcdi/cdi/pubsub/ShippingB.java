package io.microcdi.cdi.pubsub;

import io.microcdi.annotation.Subscribe;
import io.microcdi.metadata.Metadata;
import jakarta.enterprise.context.ApplicationScoped;

/** The other member of queue group {@code shipping}: shares the orders with {@link ShippingA}. */
@ApplicationScoped
public class ShippingB {

    final Inbox<OrderPlaced> inbox = new Inbox<>();

    @Subscribe(topic = "orders", queue = "shipping")
    public void onOrder(OrderPlaced order, Metadata metadata) {
        inbox.add(order, metadata);
    }

    public Inbox<OrderPlaced> inbox() {
        return inbox;
    }
}
