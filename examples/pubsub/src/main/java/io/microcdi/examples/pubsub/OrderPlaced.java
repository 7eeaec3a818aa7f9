package io.microcdi.examples.pubsub;

/**
 * The event the example publishes on topic {@code orders}, as JSON.
 *
 * @param id   a sequence number, 1 to N in one publisher run
 * @param item what was ordered
 */
public record OrderPlaced(long id, String item) {
}
