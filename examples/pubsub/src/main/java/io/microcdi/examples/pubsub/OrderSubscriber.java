package io.microcdi.examples.pubsub;

import io.microcdi.annotation.Subscribe;
import io.microcdi.metadata.Metadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Receives {@code orders} as a member of queue group {@code pubsub.group} (default {@code shipping}): each order goes
 * to one member of each group, and every group gets every order. The orders listed in {@code pubsub.poison}
 * (comma-separated ids) always fail.
 *
 * <pre>{@code
 * PUBSUB_GROUP=audit java -jar examples/pubsub/target/pubsub.jar
 * }</pre>
 */
@ApplicationScoped
public class OrderSubscriber {

    @Inject
    Received received;

    @Subscribe(topic = "${pubsub.topic:orders}", queue = "${pubsub.group:shipping}")
    void onOrder(OrderPlaced order, Metadata metadata) {
        if (received.isPoison(order.id())) {
            // a message no attempt can handle: the broker retries it, then gives up on it (a dead letter)
            throw new IllegalStateException("order " + order.id() + " cannot be shipped");
        }
        received.record(order.id(), metadata.get("Micro-Id"));
    }
}
