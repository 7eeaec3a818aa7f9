package io.microcdi.cdi.pubsub;

/** A test event, published as JSON. */
public record OrderPlaced(long id, String item) {
}
