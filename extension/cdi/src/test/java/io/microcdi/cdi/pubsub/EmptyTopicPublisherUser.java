package io.microcdi.cdi.pubsub;

import io.microcdi.annotation.Topic;
import io.microcdi.broker.Publisher;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;

/** Injects a publisher of an empty topic. */
@Dependent
public class EmptyTopicPublisherUser {

    @Inject
    @Topic("")
    Publisher<OrderPlaced> nowhere;
}
