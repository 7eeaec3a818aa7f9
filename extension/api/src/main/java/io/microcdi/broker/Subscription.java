package io.microcdi.broker;

/**
 * A live subscription of a handler to a topic.
 *
 * <pre>{@code
 * subscription.unsubscribe();
 * }</pre>
 */
public interface Subscription {

    /** The topic. */
    String topic();

    /** The queue group, or {@code ""} for a broadcast subscription. */
    String queue();

    /** Stops the deliveries. */
    void unsubscribe();
}
