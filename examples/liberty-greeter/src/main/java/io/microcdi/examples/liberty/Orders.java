package io.microcdi.examples.liberty;

import io.microcdi.annotation.Subscribe;
import io.microcdi.annotation.Topic;
import io.microcdi.broker.Publisher;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Publishes orders on topic {@code orders} ({@code greeter.orders.topic}) and receives them as the only member of
 * queue group {@code liberty-greeter} ({@code greeter.orders.group}): every order published anywhere (here, or by
 * {@code examples/pubsub} in another process) reaches it once.
 */
@ApplicationScoped
public class Orders {

    private final AtomicLong received = new AtomicLong();
    private final AtomicLong lastId = new AtomicLong();

    @Inject
    @Topic("${greeter.orders.topic:orders}")
    Publisher<OrderPlaced> orders;

    @Subscribe(topic = "${greeter.orders.topic:orders}", queue = "${greeter.orders.group:liberty-greeter}")
    void onOrder(OrderPlaced order) {
        lastId.set(order.id());
        received.incrementAndGet();
    }

    /** Publishes orders {@code 1..count}; returns once every subscribing group accepted each. */
    public void publish(int count) {
        for (int id = 1; id <= count; id++) {
            orders.publish(new OrderPlaced(id, "book-" + id));
        }
    }

    /** Orders received so far. */
    public long received() {
        return received.get();
    }

    /** The id of the last order received, 0 before the first. */
    public long lastId() {
        return lastId.get();
    }
}
