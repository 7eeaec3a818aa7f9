package io.microcdi.cdi.pubsub;

import io.microcdi.annotation.Topic;
import io.microcdi.broker.Publisher;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** Publishes to a topic named by a property that is not set and has no default. */
@ApplicationScoped
public class UnsetTopicPublisherUser {

    @Inject
    @Topic("${test.pubsub.nowhere}")
    Publisher<OrderPlaced> orders;
}
