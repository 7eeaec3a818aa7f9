package io.microcdi.broker;

/**
 * How to subscribe: a queue group (one member gets each message) or broadcast, and auto-ack.
 *
 * <pre>{@code
 * SubscribeOptions.queue("audit")
 * }</pre>
 *
 * @param queue   the queue group, {@code ""} for broadcast
 * @param autoAck acknowledge when the handler returns normally
 */
public record SubscribeOptions(String queue, boolean autoAck) {

    public SubscribeOptions {
        queue = queue == null ? "" : queue;
    }

    /** Broadcast, auto-ack. */
    public static SubscribeOptions broadcast() {
        return new SubscribeOptions("", true);
    }

    /** Queue group {@code name}, auto-ack. */
    public static SubscribeOptions queue(String name) {
        return new SubscribeOptions(name, true);
    }
}
