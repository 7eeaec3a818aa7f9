package io.microcdi.broker;

import java.util.concurrent.CompletableFuture;

/**
 * Publish/subscribe messaging by topic; a queue name shares a subscription among the members of a group.
 *
 * <pre>{@code
 * broker.connect();
 * Subscription s = broker.subscribe("events", event -> handle(event.message()), SubscribeOptions.queue("audit"));
 * broker.publish("events", new BrokerMessage(Metadata.of("Content-Type", "application/json"), body)).join();
 * }</pre>
 */
public interface Broker extends AutoCloseable {

    /** The plugin name, for example {@code http}; it goes into node metadata as {@code broker}. */
    String name();

    /** Where this broker can be reached, or {@code ""}. */
    String address();

    /** Connects; publishing and subscribing need a connected broker. */
    void connect();

    /** Unsubscribes everything and disconnects. */
    void disconnect();

    /**
     * Whether the broker can publish and deliver now: connected, and, for a broker that keeps a connection to a
     * server, while that connection is up (not while it reconnects). The readiness check reports it and is down while
     * it is {@code false}. The default suits a broker with no connection to lose once connected.
     */
    default boolean connected() {
        return true;
    }

    /** Publishes {@code message} to {@code topic}; completes when the broker accepted it. */
    CompletableFuture<Void> publish(String topic, BrokerMessage message);

    /** Delivers the messages of {@code topic} to {@code handler}. */
    Subscription subscribe(String topic, Handler handler, SubscribeOptions options);

    @Override
    default void close() {
        disconnect();
    }

    /** Handles delivered messages. */
    @FunctionalInterface
    interface Handler {

        /** Handles one message; throwing reports a failed delivery. */
        void handle(Event event) throws Exception;
    }
}
