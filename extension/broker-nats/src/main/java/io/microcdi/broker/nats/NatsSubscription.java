package io.microcdi.broker.nats;

import io.microcdi.broker.Broker;
import io.microcdi.broker.BrokerMessage;
import io.microcdi.broker.SubscribeOptions;
import io.microcdi.broker.Subscription;
import io.microcdi.broker.delivery.Delivery;
import io.microcdi.broker.delivery.Publication;
import io.microcdi.errors.MicroException;

import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * What core and JetStream subscriptions share: the handler runs on the thread of the jnats dispatcher that received
 * the message ({@link #runHere}: a thread per subscription, never the connection's I/O thread, so a slow handler
 * holds up only its own subscription, as in Go Micro), or on the broker's workers ({@link #run}: a broadcast
 * subscription handling several messages at a time). Deliveries acknowledged later (auto-ack off) are counted, so
 * that an unsubscribe or a disconnect returns only once they are finished (within
 * {@code micro.broker.publish-timeout}).
 *
 * <pre>{@code
 * runHere(message, failure -> { if (failure == null) msg.ack(); else retryOrDeadLetter(failure); });
 * }</pre>
 */
abstract class NatsSubscription implements Subscription {

    final NatsBroker broker;
    final NatsBroker.Running running;
    final String topic;
    final SubscribeOptions options;
    final Broker.Handler handler;
    private final AtomicInteger inHand = new AtomicInteger();
    private final Object idle = new Object();
    private volatile boolean closed;

    NatsSubscription(NatsBroker broker, NatsBroker.Running running, String topic, Broker.Handler handler,
                     SubscribeOptions options) {
        this.broker = broker;
        this.running = running;
        this.topic = topic;
        this.handler = handler;
        this.options = options;
    }

    @Override
    public String topic() {
        return topic;
    }

    @Override
    public String queue() {
        return options.queue();
    }

    boolean closed() {
        return closed;
    }

    @Override
    public void unsubscribe() {
        broker.forget(this);
        close(broker.config().delivery().publishTimeout());
    }

    /** Stops the messages coming in, then waits up to {@code wait} for the deliveries in hand. */
    final void close(Duration wait) {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        long deadline = System.nanoTime() + wait.toNanos();
        stopIncoming(wait);
        synchronized (idle) {
            long left;
            while (inHand.get() > 0 && (left = deadline - System.nanoTime()) > 0) {
                try {
                    TimeUnit.NANOSECONDS.timedWait(idle, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** Stops new messages; those the client holds already are delivered (core) or handed back (JetStream). */
    abstract void stopIncoming(Duration wait);

    /**
     * Runs the handler for {@code message} on this thread; {@code done} hears the failure, or {@code null}: at once,
     * or, when the handler returned without acknowledging (auto-ack off), once it does.
     */
    final void runHere(BrokerMessage message, Consumer<Throwable> done) {
        Delivery d = new Delivery(topic, message, handler, options.autoAck());
        d.run();
        CompletableFuture<Void> outcome = d.outcome();
        if (outcome.isDone()) {
            done.accept(failure(outcome));
            return;
        }
        inHand.incrementAndGet();
        outcome.whenComplete((ok, failure) -> {
            try {
                done.accept(unwrap(failure));
            } finally {
                finished();
            }
        });
    }

    private static Throwable failure(CompletableFuture<Void> done) {
        if (!done.isCompletedExceptionally()) {
            return null;
        }
        try {
            done.join();
            return null;
        } catch (CompletionException | CancellationException e) {
            return unwrap(e);
        }
    }

    private static Throwable unwrap(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }

    /** Runs the handler for {@code message} on a worker; {@code done} hears the failure, or {@code null}. */
    final void run(BrokerMessage message, Consumer<Throwable> done) {
        inHand.incrementAndGet();
        Delivery d = new Delivery(topic, message, handler, options.autoAck());
        try {
            running.workers().execute(d);
        } catch (RejectedExecutionException e) {
            finished();
            done.accept(new MicroException(Publication.ID, 503, "subscribers busy: their queue is full", "Service "
                    + "Unavailable", e));
            return;
        }
        d.outcome().whenComplete((ok, failure) -> {
            try {
                done.accept(unwrap(failure));
            } finally {
                finished();
            }
        });
    }

    private void finished() {
        if (inHand.decrementAndGet() == 0) {
            synchronized (idle) {
                idle.notifyAll();
            }
        }
    }

    /** Closes the subscription's dispatchers that are still open, unless the connection closed them all already. */
    final void closeQuietly(java.util.List<io.nats.client.Dispatcher> dispatchers) {
        for (io.nats.client.Dispatcher d : dispatchers) {
            if (running.connection().getStatus() != io.nats.client.Connection.Status.CLOSED && d.isActive()) {
                try {
                    running.connection().closeDispatcher(d);
                } catch (RuntimeException e) {
                    System.getLogger(NatsSubscription.class.getName()).log(System.Logger.Level.DEBUG,
                            "nats: closing a dispatcher of {0}: {1}", this, e.toString());
                }
            }
        }
    }

    /** Whether a delivery that failed with {@code failure} is worth another attempt. */
    final boolean retryable(Throwable failure) {
        if (!broker.config().delivery().retryHandlerErrors()) {
            return false;
        }
        return !(failure instanceof MicroException m && Publication.blamesMessage(m.code()));
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + " to " + topic + (queue().isEmpty() ? "" : " in queue group " + queue());
    }
}
