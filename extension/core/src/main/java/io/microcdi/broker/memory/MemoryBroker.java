package io.microcdi.broker.memory;

import io.microcdi.broker.Broker;
import io.microcdi.broker.BrokerMessage;
import io.microcdi.broker.SubscribeOptions;
import io.microcdi.broker.Subscription;
import io.microcdi.errors.MicroException;
import io.microcdi.broker.delivery.Delivery;
import io.microcdi.broker.delivery.DeliveryConfig;
import io.microcdi.broker.delivery.Publication;
import io.microcdi.internal.exec.HandlerExecutors;

import java.lang.System.Logger.Level;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The {@code memory} broker: publish/subscribe within one JVM. Every broadcast subscriber of a topic gets each
 * message; each queue group gets it once, on one member, taking turns.
 *
 * <pre>{@code
 * Broker broker = MemoryBroker.shared(DeliveryConfig.defaults());   // what "micro.broker=memory" gives a container
 * broker.connect();
 * broker.subscribe("orders", event -> ship(event.message()), SubscribeOptions.queue("shipping"));
 * broker.publish("orders", new BrokerMessage(Metadata.of("Content-Type", "application/json"), body)).join();
 * }</pre>
 *
 * <p>Like {@link io.microcdi.registry.memory.MemoryRegistry}, each instance is a view: {@link #shared} ones see the
 * subscriptions of every other shared one in the JVM (two containers in one process), {@code new MemoryBroker(...)}
 * sees only its own. A handler runs on the workers of the broker it subscribed through (virtual threads, or
 * {@code micro.broker.handler-threads}), never on the publisher's thread.
 *
 * <p>{@link #publish} completes once every target accepted the message: the handler returned (or acknowledged, when
 * auto-ack is off). A handler that throws is retried on the next member of its queue group (the same subscriber for
 * broadcast), up to {@code micro.broker.retries} more attempts within {@code micro.broker.publish-timeout}; then the
 * publish fails with a {@link MicroException} naming the topic, the group and the handler's error. A topic without
 * subscribers is no error: the publish completes at once, and the message is gone (nothing is kept for later
 * subscribers, as with every broker here). Messages are not copied: subscribers share the body array.
 */
public final class MemoryBroker implements Broker {

    /** The plugin name. */
    public static final String NAME = "memory";

    private static final System.Logger LOG = System.getLogger(MemoryBroker.class.getName());
    private static final MemoryTopics SHARED = new MemoryTopics();
    private static final AtomicLong IDS = new AtomicLong();

    private final MemoryTopics topics;
    private final DeliveryConfig config;
    private final Set<MemorySubscription> mine = ConcurrentHashMap.newKeySet();
    /** The subscribers' workers while connected, else {@code null}. */
    private volatile ExecutorService workers;
    /** The shared pools (publish continuations, delivery timeouts) while connected; guarded by this. */
    private HandlerExecutors.Lease executors;

    /** A broker whose subscriptions no other instance sees. */
    public MemoryBroker(DeliveryConfig config) {
        this(new MemoryTopics(), config);
    }

    private MemoryBroker(MemoryTopics topics, DeliveryConfig config) {
        this.topics = topics;
        this.config = Objects.requireNonNull(config, "config");
    }

    /** A new view of the JVM-wide subscriptions: every shared broker delivers to the subscribers of every other. */
    public static MemoryBroker shared(DeliveryConfig config) {
        return new MemoryBroker(SHARED, config);
    }

    @Override
    public String name() {
        return NAME;
    }

    /** {@code ""}: nothing listens. */
    @Override
    public String address() {
        return "";
    }

    @Override
    public synchronized void connect() {
        if (workers == null) {
            executors = HandlerExecutors.lease();
            workers = HandlerExecutors.create("broker", config.handlerThreads(), config.virtualThreads());
        }
    }

    /** Whether it delivers: between {@link #connect()} and {@link #disconnect()}. */
    @Override
    public boolean connected() {
        return workers != null;
    }

    /** Unsubscribes what this broker subscribed, and waits (up to the publish timeout) for its handlers to end. */
    @Override
    public void disconnect() {
        ExecutorService w;
        HandlerExecutors.Lease lease;
        synchronized (this) {
            w = workers;
            workers = null;
            lease = executors;
            executors = null;
        }
        for (MemorySubscription s : mine) {
            s.unsubscribe();
        }
        if (w != null) {
            w.shutdown();
            try {
                if (!w.awaitTermination(config.publishTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                    LOG.log(Level.WARNING, "disconnecting with subscribers still running after {0} ms",
                            String.valueOf(config.publishTimeout().toMillis()));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (lease != null) {
            lease.close();
        }
    }

    @Override
    public CompletableFuture<Void> publish(String topic, BrokerMessage message) {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(message, "message");
        if (workers == null) {
            return CompletableFuture.failedFuture(notConnected("publish to " + topic));
        }
        MemoryTopics.Snapshot subscribers = topics.get(topic);
        if (subscribers == null) {
            return CompletableFuture.completedFuture(null); // nobody subscribes: nothing to deliver
        }
        long deadline = System.nanoTime() + config.publishTimeout().toNanos();
        Publication publication = new Publication(topic, subscribers.targets());
        for (MemorySubscription s : subscribers.broadcast) {
            new TargetDelivery(publication, message, new MemorySubscription[] {s}, 0,
                    "broadcast subscription " + s.id(), config, deadline).attempt();
        }
        for (MemoryTopics.QueueGroup g : subscribers.groups) {
            new TargetDelivery(publication, message, g.members, g.nextTurn(), Publication.groupName(g.name), config,
                    deadline).attempt();
        }
        return publication.future();
    }

    @Override
    public Subscription subscribe(String topic, Handler handler, SubscribeOptions options) {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(handler, "handler");
        Objects.requireNonNull(options, "options");
        if (workers == null) {
            throw notConnected("subscribe to " + topic);
        }
        MemorySubscription s = new MemorySubscription(this, "memory-" + IDS.incrementAndGet(), topic,
                options.queue(), handler, options.autoAck());
        mine.add(s);
        topics.add(s);
        if (workers == null) {
            // a disconnect ran meanwhile and may have missed it: no subscription may outlive its broker
            s.unsubscribe();
            throw notConnected("subscribe to " + topic);
        }
        return s;
    }

    /** Runs {@code delivery} on this broker's workers; {@code false} when disconnected or full. */
    boolean execute(Delivery delivery) {
        ExecutorService w = workers;
        if (w == null) {
            return false;
        }
        try {
            w.execute(delivery);
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    void forget(MemorySubscription s) {
        topics.remove(s);
        mine.remove(s);
    }

    private static MicroException notConnected(String what) {
        return new MicroException(Publication.ID, 503, what + ": the memory broker is not connected",
                MicroException.statusText(503));
    }

    @Override
    public String toString() {
        return "memory broker (" + mine.size() + " subscriptions)";
    }
}
