package io.microcdi.broker.http;

import io.microcdi.broker.Broker;
import io.microcdi.broker.BrokerMessage;
import io.microcdi.broker.Subscription;
import io.microcdi.broker.delivery.Delivery;
import io.microcdi.registry.Registry;
import io.microcdi.registry.Service;

import java.time.Duration;

/**
 * A handler subscribed to a topic through an {@link HttpBroker}, and its node in the registry: service
 * {@code topic:<topic>}, version the queue name (or {@code ff.http.broadcast}), node id {@code broker-<uuid>}.
 *
 * <pre>{@code
 * Subscription s = broker.subscribe("orders", handler, SubscribeOptions.queue("audit"));
 * s.unsubscribe();   // deregistered first, then deliveries for it are answered 404
 * }</pre>
 */
final class HttpSubscription implements Subscription {

    private final HttpBroker owner;
    private final String topic;
    private final String queue;
    private final Broker.Handler handler;
    private final boolean autoAck;
    /** The registration, with exactly one node: this subscription. */
    private final Service registration;
    /** Cleared once, by unsubscribing or disconnecting; guarded by {@code this} with the registry calls. */
    private boolean active = true;

    HttpSubscription(HttpBroker owner, String topic, String queue, Broker.Handler handler, boolean autoAck,
                     Service registration) {
        this.owner = owner;
        this.topic = topic;
        this.queue = queue;
        this.handler = handler;
        this.autoAck = autoAck;
        this.registration = registration;
    }

    /** The node id, {@code broker-<uuid>}: deliveries name it in {@code /_sub?id=}. */
    String id() {
        return registration.nodes().get(0).id();
    }

    @Override
    public String topic() {
        return topic;
    }

    @Override
    public String queue() {
        return queue;
    }

    /** Re-registers (a heartbeat) unless it was deregistered meanwhile, which a late heartbeat must not undo. */
    synchronized void refresh(Registry registry, Duration ttl) {
        if (active) {
            registry.register(registration, ttl);
        }
    }

    /** Deregisters, once; {@code false} when it already was. */
    synchronized boolean deregister(Registry registry) {
        if (!active) {
            return false;
        }
        active = false;
        registry.deregister(registration);
        return true;
    }

    /** The delivery of {@code message} to this subscription's handler. */
    Delivery delivery(BrokerMessage message) {
        return new Delivery(topic, message, handler, autoAck);
    }

    @Override
    public void unsubscribe() {
        owner.unsubscribe(this);
    }

    @Override
    public String toString() {
        return "http subscription " + id() + " to " + topic + (queue.isEmpty() ? "" : " in queue group " + queue);
    }
}
