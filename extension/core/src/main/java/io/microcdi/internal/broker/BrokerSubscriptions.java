package io.microcdi.internal.broker;

import io.microcdi.broker.Broker;
import io.microcdi.broker.SubscribeOptions;
import io.microcdi.telemetry.Telemetry;
import io.microcdi.broker.Subscription;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;

/**
 * The live subscriptions of a process: one per {@code @Subscribe} method (methods sharing a queue name are members
 * of one group, even within a process, as in Go Micro and NATS), made at start and undone before the server stops.
 *
 * <pre>{@code
 * BrokerSubscriptions subs = BrokerSubscriptions.subscribe(broker, subscribers);
 * ...
 * subs.unsubscribe();   // the broker deregisters them first, so publishers stop choosing this process
 * }</pre>
 *
 * <p>Every subscription is auto-ack: a method that returns (or whose stage completes) acknowledges the message.
 */
public final class BrokerSubscriptions {

    private static final System.Logger LOG = System.getLogger(BrokerSubscriptions.class.getName());

    private final List<Subscription> subscriptions;

    private BrokerSubscriptions(List<Subscription> subscriptions) {
        this.subscriptions = List.copyOf(subscriptions);
    }

    /**
     * Subscribes each of {@code subscribers} to {@code broker}; when one fails, the ones made are undone and the
     * failure is thrown.
     */
    public static BrokerSubscriptions subscribe(Broker broker, List<SubscriberMethod> subscribers) {
        return subscribe(broker, subscribers, Telemetry.NONE);
    }

    /** As {@link #subscribe(Broker, List)}, each delivery reported to {@code telemetry}. */
    public static BrokerSubscriptions subscribe(Broker broker, List<SubscriberMethod> subscribers,
                                                Telemetry telemetry) {
        List<Subscription> made = new ArrayList<>(subscribers.size());
        try {
            for (SubscriberMethod s : subscribers) {
                s.observe(telemetry, broker.name());
                made.add(broker.subscribe(s.topic(), s, new SubscribeOptions(s.queue(), true)));
            }
        } catch (RuntimeException | Error e) {
            new BrokerSubscriptions(made).unsubscribe();
            throw e;
        }
        if (!made.isEmpty()) {
            LOG.log(Level.INFO, "subscribed {0} (broker {1})", subscribers, broker.name());
        }
        return new BrokerSubscriptions(made);
    }

    /** The subscriptions, in the order they were made. */
    public List<Subscription> subscriptions() {
        return subscriptions;
    }

    /** Unsubscribes every subscription; a failure is logged and the others are still undone. */
    public void unsubscribe() {
        for (Subscription s : subscriptions) {
            try {
                s.unsubscribe();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "unsubscribing from " + s.topic() + ": " + e.getMessage(), e);
            }
        }
    }
}
