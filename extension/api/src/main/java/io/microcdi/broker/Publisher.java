package io.microcdi.broker;

import io.microcdi.metadata.Metadata;

import java.util.concurrent.CompletionStage;

/**
 * Publishes typed messages to one topic: encodes them with the client's content type and sets {@code Content-Type},
 * {@code Micro-Topic}, {@code Micro-Id} and the caller's metadata.
 *
 * <pre>{@code
 * @Inject @Topic("orders") Publisher<OrderPlaced> orders;
 * orders.publish(new OrderPlaced(42));                       // returns once every subscribing group accepted it
 * orders.publishAsync(new OrderPlaced(43)).thenRun(...);     // the same, without blocking
 * }</pre>
 *
 * @param <T> the payload type
 */
public interface Publisher<T> {

    /** The topic. */
    String topic();

    /**
     * Publishes {@code message}; returns once the broker accepted it (for the {@code http} broker: once every
     * subscribing group accepted it).
     *
     * @throws io.microcdi.errors.MicroException when it could not be delivered
     */
    void publish(T message);

    /** {@link #publish(Object)} with extra headers. */
    void publish(T message, Metadata metadata);

    /** {@link #publish(Object)} without blocking; the stage fails with a {@link io.microcdi.errors.MicroException}. */
    CompletionStage<Void> publishAsync(T message);

    /** {@link #publishAsync(Object)} with extra headers. */
    CompletionStage<Void> publishAsync(T message, Metadata metadata);
}
