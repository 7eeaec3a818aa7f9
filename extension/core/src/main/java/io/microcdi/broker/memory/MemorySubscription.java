package io.microcdi.broker.memory;

import io.microcdi.broker.Broker;
import io.microcdi.broker.Subscription;
import io.microcdi.broker.delivery.Delivery;

/**
 * A handler subscribed to a topic through a {@link MemoryBroker}; it runs on that broker's workers, whoever publishes.
 *
 * <pre>{@code
 * Subscription s = broker.subscribe("orders", handler, SubscribeOptions.queue("audit"));
 * s.unsubscribe();   // publishes from now on skip it
 * }</pre>
 */
final class MemorySubscription implements Subscription {

    private final MemoryBroker owner;
    private final String id;
    private final String topic;
    private final String queue;
    private final Broker.Handler handler;
    private final boolean autoAck;
    private volatile boolean active = true;

    MemorySubscription(MemoryBroker owner, String id, String topic, String queue, Broker.Handler handler,
                       boolean autoAck) {
        this.owner = owner;
        this.id = id;
        this.topic = topic;
        this.queue = queue;
        this.handler = handler;
        this.autoAck = autoAck;
    }

    String id() {
        return id;
    }

    @Override
    public String topic() {
        return topic;
    }

    @Override
    public String queue() {
        return queue;
    }

    boolean active() {
        return active;
    }

    /** Hands {@code delivery} to the owner's workers; {@code false} when they take no more work. */
    boolean start(Delivery delivery) {
        return active && owner.execute(delivery);
    }

    Delivery delivery(String topic, io.microcdi.broker.BrokerMessage message) {
        return new Delivery(topic, message, handler, autoAck);
    }

    @Override
    public void unsubscribe() {
        if (active) {
            active = false;
            owner.forget(this);
        }
    }

    @Override
    public String toString() {
        return "memory subscription " + id + " to " + topic + (queue.isEmpty() ? "" : " in queue group " + queue);
    }
}
