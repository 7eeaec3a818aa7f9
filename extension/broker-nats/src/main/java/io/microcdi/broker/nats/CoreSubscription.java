package io.microcdi.broker.nats;

import io.microcdi.broker.Broker;
import io.microcdi.broker.BrokerMessage;
import io.microcdi.broker.SubscribeOptions;
import io.microcdi.broker.delivery.BrokerJson;
import io.microcdi.errors.MicroException;
import io.microcdi.broker.delivery.Publication;
import io.nats.client.Dispatcher;
import io.nats.client.Message;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A core NATS subscription, as Go Micro's: a queue subscription for a queue group, a plain one for broadcast, on a
 * dispatcher of its own. At most once: a failed delivery is tried again on this member up to
 * {@code micro.broker.retries} times, then dead-lettered. Unsubscribing drains: the messages the client holds already
 * are delivered before it returns.
 *
 * <pre>{@code
 * CoreSubscription s = CoreSubscription.start(broker, running, "orders", handler, SubscribeOptions.queue("shipping"));
 * }</pre>
 */
final class CoreSubscription extends NatsSubscription {

    private static final System.Logger LOG = System.getLogger(CoreSubscription.class.getName());

    private Dispatcher dispatcher;

    private CoreSubscription(NatsBroker broker, NatsBroker.Running running, String topic, Broker.Handler handler,
                             SubscribeOptions options) {
        super(broker, running, topic, handler, options);
    }

    /** Subscribes, and returns once the server has the subscription. */
    static CoreSubscription start(NatsBroker broker, NatsBroker.Running running, String topic,
                                  Broker.Handler handler, SubscribeOptions options) {
        CoreSubscription s = new CoreSubscription(broker, running, topic, handler, options);
        s.dispatcher = running.connection().createDispatcher(s::onMessage);
        try {
            if (options.queue().isEmpty()) {
                s.dispatcher.subscribe(topic);
            } else {
                s.dispatcher.subscribe(topic, options.queue());
            }
            running.connection().flush(broker.config().delivery().publishTimeout()); // the server has it now
        } catch (TimeoutException | IllegalArgumentException | IllegalStateException e) {
            running.connection().closeDispatcher(s.dispatcher);
            throw new MicroException(Publication.ID, e instanceof IllegalArgumentException ? 400 : 503,
                    "subscribe to " + topic + ": " + e.getMessage(), e instanceof IllegalArgumentException
                    ? "Bad Request" : "Service Unavailable", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running.connection().closeDispatcher(s.dispatcher);
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
        attempt(m, 1);
    }

    private void attempt(BrokerMessage m, int n) {
        run(m, failure -> {
            if (failure == null) {
                return;
            }
            if (n < broker.config().delivery().attempts() && retryable(failure)) {
                attempt(m, n + 1);
            } else {
                broker.deadLetter(running, topic, m, failure);
            }
        });
    }

    @Override
    void stopIncoming(Duration wait) {
        try {
            dispatcher.drain(wait).get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            LOG.log(Level.DEBUG, "nats: draining {0}: {1}", this, e.toString());
            if (running.connection().getStatus() != io.nats.client.Connection.Status.CLOSED) {
                running.connection().closeDispatcher(dispatcher);
            }
        }
    }
}
