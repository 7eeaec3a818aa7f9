package io.microcdi.cdi.pubsub;

import io.microcdi.annotation.Subscribe;
import io.microcdi.metadata.Metadata;
import jakarta.inject.Singleton;

/** The only member of queue group {@code audit}: receives every order, with its headers. A {@code @Singleton}. */
@Singleton
public class Audit {

    final Inbox<OrderPlaced> inbox = new Inbox<>();

    @Subscribe(topic = "orders", queue = "audit")
    public void onOrder(OrderPlaced order, Metadata metadata) {
        inbox.add(order, metadata);
    }

    public Inbox<OrderPlaced> inbox() {
        return inbox;
    }
}
