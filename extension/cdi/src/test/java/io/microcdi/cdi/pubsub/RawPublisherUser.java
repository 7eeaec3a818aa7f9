package io.microcdi.cdi.pubsub;

import io.microcdi.annotation.Topic;
import io.microcdi.broker.Publisher;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;

/** Injects a raw {@code Publisher}: no payload type to encode. */
@Dependent
public class RawPublisherUser {

    @SuppressWarnings("rawtypes")
    @Inject
    @Topic("orders")
    Publisher raw;
}
