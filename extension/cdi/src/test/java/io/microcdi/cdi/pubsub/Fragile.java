package io.microcdi.cdi.pubsub;

import io.microcdi.annotation.Subscribe;
import io.microcdi.annotation.Topic;
import io.microcdi.broker.Publisher;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.concurrent.atomic.AtomicInteger;

/** Throws for an order of item {@code bad}; counts every attempt. Publishes to itself. */
@ApplicationScoped
public class Fragile {

    final AtomicInteger attempts = new AtomicInteger();
    final Inbox<OrderPlaced> accepted = new Inbox<>();

    @Inject
    @Topic("fragile")
    Publisher<OrderPlaced> publisher;

    @Subscribe(topic = "fragile", queue = "fragile")
    public void onOrder(OrderPlaced order) {
        attempts.incrementAndGet();
        if (order.item().equals("bad")) {
            throw new IllegalStateException("cannot ship " + order.item());
        }
        accepted.add(order, null);
    }

    public Publisher<OrderPlaced> publisher() {
        return publisher;
    }

    public int attempts() {
        return attempts.get();
    }

    public Inbox<OrderPlaced> accepted() {
        return accepted;
    }
}
