package io.microcdi.examples.liberty;

/**
 * An event on topic {@code orders}, as JSON: the shape of {@code examples/pubsub}'s, so the two exchange orders.
 *
 * @param id   a sequence number
 * @param item what was ordered
 */
public record OrderPlaced(long id, String item) {
}
