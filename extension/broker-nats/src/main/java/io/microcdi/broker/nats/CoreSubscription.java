package io.microcdi.broker.nats;

import io.microcdi.broker.Broker;
import io.microcdi.broker.BrokerMessage;
import io.microcdi.broker.SubscribeOptions;
import io.microcdi.broker.delivery.BrokerJson;
import io.microcdi.errors.MicroException;
import io.microcdi.broker.delivery.Publication;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Message;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * A core NATS subscription, as Go Micro's: a queue subscription for a queue group, a plain one for broadcast, on a
 * jnats dispatcher of its own whose thread runs the handler, one message at a time in the order NATS delivers them.
 * With {@code micro.broker.nats.concurrency} N above 1, a queue group member makes N queue subscriptions, each on its
 * own dispatcher (the server spreads the group's messages over them), and a broadcast subscriber hands its messages
 * to the broker's workers. At most once: a failed delivery is tried again on this member up to
 * {@code micro.broker.retries} times, then dead-lettered. Unsubscribing drains: the messages the client holds already
 * are delivered before it returns.
 *
 * <pre>{@code
 * CoreSubscription s = CoreSubscription.start(broker, running, "orders", handler, SubscribeOptions.queue("shipping"));
 * }</pre>
 */
final class CoreSubscription extends NatsSubscription {

    private static final System.Logger LOG = System.getLogger(CoreSubscription.class.getName());

    private final List<Dispatcher> dispatchers = new ArrayList<>();
    /** Whether handlers run on the dispatchers' threads, or on the broker's workers. */
    private final boolean here;
    /** On the workers: the deliveries (retries included) that may be under way at a time. */
    private final Semaphore slots;

    private CoreSubscription(NatsBroker broker, NatsBroker.Running running, String topic, Broker.Handler handler,
                             SubscribeOptions options) {
        super(broker, running, topic, handler, options);
        this.here = !options.queue().isEmpty() || broker.config().concurrency() == 1;
        this.slots = here ? null : new Semaphore(broker.config().concurrency());
    }

    /** Subscribes, and returns once the server has the subscription. */
    static CoreSubscription start(NatsBroker broker, NatsBroker.Running running, String topic,
                                  Broker.Handler handler, SubscribeOptions options) {
        CoreSubscription s = new CoreSubscription(broker, running, topic, handler, options);
        int n = options.queue().isEmpty() ? 1 : broker.config().concurrency();
        try {
            for (int i = 0; i < n; i++) {
                Dispatcher d = running.connection().createDispatcher(s::onMessage);
                s.dispatchers.add(d);
                if (options.queue().isEmpty()) {
                    d.subscribe(topic);
                } else {
                    d.subscribe(topic, options.queue());
                }
            }
            running.connection().flush(broker.config().delivery().publishTimeout()); // the server has it now
        } catch (TimeoutException | IllegalArgumentException | IllegalStateException e) {
            s.closeDispatchers();
            throw new MicroException(Publication.ID, e instanceof IllegalArgumentException ? 400 : 503,
                    "subscribe to " + topic + ": " + e.getMessage(), e instanceof IllegalArgumentException
                    ? "Bad Request" : "Service Unavailable", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            s.closeDispatchers();
            throw new MicroException(Publication.ID, 503, "subscribe to " + topic + ": interrupted",
                    "Service Unavailable", e);
        }
        return s;
    }

    private void onMessage(Message msg) {
        BrokerMessage m;
        try {
            m = BrokerJson.decode(msg.getData(), null).message();
        } catch (BrokerJson.MalformedException e) {
            LOG.log(Level.WARNING, "nats: dropped a message on {0}: not a Go Micro broker message ({1})",
                    msg.getSubject(), e.getMessage());
            return;
        }
        if (slots != null) {
            // the dispatcher waits for a free slot: what NATS sends meanwhile waits in the client
            slots.acquireUninterruptibly();
        }
        attempt(m, 1);
    }

    private void attempt(BrokerMessage m, int n) {
        Consumer<Throwable> then = failure -> {
            if (failure != null && n < broker.config().delivery().attempts() && retryable(failure)) {
                attempt(m, n + 1);
                return;
            }
            if (failure != null) {
                broker.deadLetter(running, topic, m, failure);
            }
            if (slots != null) {
                slots.release();
            }
        };
        if (here) {
            runHere(m, then);
        } else {
            run(m, then);
        }
    }

    @Override
    void stopIncoming(Duration wait) {
        List<CompletableFuture<Boolean>> drains = new ArrayList<>();
        for (Dispatcher d : dispatchers) {
            try {
                drains.add(d.drain(wait));
            } catch (RuntimeException | InterruptedException e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                LOG.log(Level.DEBUG, "nats: draining {0}: {1}", this, e.toString());
            }
        }
        try {
            CompletableFuture.allOf(drains.toArray(CompletableFuture[]::new)).get(wait.toMillis(),
                    TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            LOG.log(Level.DEBUG, "nats: draining {0}: {1}", this, e.toString());
            closeDispatchers();
        }
    }

    private void closeDispatchers() {
        closeQuietly(dispatchers);
    }
}
