package io.microcdi.cdi.pubsub;

import io.microcdi.annotation.Topic;
import io.microcdi.broker.Publisher;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;

/** Injects a publisher of a wildcard: no type to encode with, and no bean type can hold it. */
@Dependent
public class WildcardPublisherUser {

    @Inject
    @Topic("orders")
    Publisher<? extends OrderPlaced> some;
}
