package io.microcdi.examples.quarkus.greeter;

/**
 * An order, as JSON: {@code {"id":42,"item":"book"}}, the event of {@code examples/pubsub}, field for field, so that
 * this application and the Weld SE pub/sub example exchange orders on one topic.
 *
 * @param id   the order's number
 * @param item what was ordered
 */
public record OrderPlaced(long id, String item) {
}
