package io.microcdi.cdi.pubsub;

import io.microcdi.annotation.Subscribe;
import io.microcdi.annotation.Topic;
import io.microcdi.broker.Publisher;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** Topic and queue named by configuration, on both sides. */
@ApplicationScoped
public class Configured {

    final Inbox<OrderPlaced> inbox = new Inbox<>();

    @Inject
    @Topic("${test.pubsub.topic:configured}")
    Publisher<OrderPlaced> publisher;

    @Subscribe(topic = "${test.pubsub.topic:configured}", queue = "${test.pubsub.group:}")
    public void onOrder(OrderPlaced order) {
        inbox.add(order, null);
    }

    public Publisher<OrderPlaced> publisher() {
        return publisher;
    }

    public Inbox<OrderPlaced> inbox() {
        return inbox;
    }
}
