package io.microcdi.examples.pubsub;

import io.microcdi.annotation.Subscribe;
import io.microcdi.metadata.Metadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Receives {@code orders} as a member of queue group {@code pubsub.group} (default {@code shipping}): each order goes
 * to one member of each group, and every group gets every order.
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
        received.record(order.id(), metadata.get("Micro-Id"));
    }
}
