package io.microcdi.broker.delivery;

import io.microcdi.broker.Broker;
import io.microcdi.broker.BrokerMessage;
import io.microcdi.broker.Event;

import java.lang.System.Logger.Level;
import java.util.concurrent.CompletableFuture;

/**
 * One message handed to one subscriber: the {@link Event} its handler receives, and the task that runs the handler
 * on a worker thread. Its {@link #outcome()} completes when the subscriber accepted the message, or fails with what
 * the handler threw.
 *
 * <pre>{@code
 * Delivery d = new Delivery("orders", message, handler, true);
 * workers.execute(d);
 * d.outcome().whenComplete((ok, error) -> answer(error));
 * }</pre>
 *
 * <p>With auto-ack the message is accepted when the handler returns. Without, it is accepted when the handler calls
 * {@link #ack()}, during the handler or later from any thread; a handler that throws before acknowledging fails the
 * delivery, and one that returns without ever acknowledging leaves it open until the publisher gives up on it.
 */
public final class Delivery implements Event, Runnable {

    private static final System.Logger LOG = System.getLogger(Delivery.class.getName());

    private final String topic;
    private final BrokerMessage message;
    private final Broker.Handler handler;
    private final boolean autoAck;
    private final CompletableFuture<Void> outcome = new CompletableFuture<>();

    public Delivery(String topic, BrokerMessage message, Broker.Handler handler, boolean autoAck) {
        this.topic = topic;
        this.message = message;
        this.handler = handler;
        this.autoAck = autoAck;
    }

    @Override
    public String topic() {
        return topic;
    }

    @Override
    public BrokerMessage message() {
        return message;
    }

    /** Accepts the message, when auto-ack is off; with auto-ack returning from the handler does it. */
    @Override
    public void ack() {
        if (!autoAck) {
            outcome.complete(null);
        }
    }

    /** Completes when the subscriber accepted the message; fails with the handler's exception. */
    public CompletableFuture<Void> outcome() {
        return outcome;
    }

    /** Runs the handler; call it on a worker thread. */
    @Override
    public void run() {
        try {
            handler.handle(this);
            if (autoAck) {
                outcome.complete(null);
            }
        } catch (Throwable e) {
            if (!outcome.completeExceptionally(e)) {
                LOG.log(Level.WARNING, "subscriber of " + topic + " failed after acknowledging the message", e);
            }
            if (e instanceof VirtualMachineError fatal) {
                throw fatal;
            }
        }
    }

    @Override
    public String toString() {
        return "delivery of a message of " + topic + " (" + message.body().length + " bytes)";
    }
}
