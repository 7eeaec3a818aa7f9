package io.microcdi.broker.nats;

import io.microcdi.broker.Broker;
import io.microcdi.broker.BrokerMessage;
import io.microcdi.broker.SubscribeOptions;
import io.microcdi.broker.delivery.BrokerJson;
import io.microcdi.broker.delivery.Publication;
import io.microcdi.errors.MicroException;
import io.nats.client.ConsumeOptions;
import io.nats.client.Connection;
import io.nats.client.ConsumerContext;
import io.nats.client.Dispatcher;
import io.nats.client.JetStreamApiException;
import io.nats.client.Message;
import io.nats.client.MessageConsumer;
import io.nats.client.StreamContext;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.DeliverPolicy;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A subscription to a topic kept in JetStream: a durable consumer per queue group, an ephemeral one per broadcast
 * subscriber, pulled by jnats' {@code consume}, acknowledged after the subscriber returned ({@link JetStreamTopics}).
 * The handler runs on the thread of the pull's dispatcher, one message at a time; with
 * {@code micro.broker.nats.concurrency} N, N pulls share the consumer, each with its own thread.
 *
 * <pre>{@code
 * JetStreamSubscription.start(broker, running, topics, "orders", handler, SubscribeOptions.queue("shipping"));
 * }</pre>
 */
final class JetStreamSubscription extends NatsSubscription {

    private static final System.Logger LOG = System.getLogger(JetStreamSubscription.class.getName());
    /**
     * Small pulls that expire soon: a member holds few messages it has not started, and a stopped member's last pull
     * ends within two seconds, so that what it would have got goes to the others instead of waiting for the ack wait.
     */
    private static final ConsumeOptions CONSUME = ConsumeOptions.builder().batchSize(64).expiresIn(2_000).build();

    private final JetStreamTopics topics;
    private StreamContext stream;
    private String consumerName;
    private final List<MessageConsumer> pulls = new ArrayList<>();
    private final List<Dispatcher> dispatchers = new ArrayList<>();

    private JetStreamSubscription(NatsBroker broker, NatsBroker.Running running, JetStreamTopics topics, String topic,
                                  Broker.Handler handler, SubscribeOptions options) {
        super(broker, running, topic, handler, options);
        this.topics = topics;
    }

    static JetStreamSubscription start(NatsBroker broker, NatsBroker.Running running, JetStreamTopics topics,
                                       String topic, Broker.Handler handler, SubscribeOptions options) {
        JetStreamSubscription s = new JetStreamSubscription(broker, running, topics, topic, handler, options);
        String streamName = topics.streamName(topic);
        NatsBrokerConfig config = broker.config();
        ConsumerConfiguration.Builder cc = ConsumerConfiguration.builder()
                .ackPolicy(AckPolicy.Explicit)
                .ackWait(config.jetStream().ackWait())
                .filterSubject(topic)
                .maxDeliver(-1); // the attempts are counted here, so that the last failure is dead-lettered
        if (options.queue().isEmpty()) {
            cc.deliverPolicy(DeliverPolicy.New).inactiveThreshold(Duration.ofMinutes(1));
        } else {
            cc.durable(durableName(options.queue())).deliverPolicy(DeliverPolicy.All);
        }
        // a stream's leader being elected (a node died, or the stream is new) does not answer for a few seconds:
        // asked again until the JetStream publish timeout; an API error (a refusal) is final at once
        long deadline = System.nanoTime() + config.jetStream().publishTimeout().toNanos();
        for (int attempt = 1; ; attempt++) {
            try {
                topics.ensure(topic);
                s.stream = topics.jetStream().getStreamContext(streamName);
                ConsumerContext consumer = s.stream.createOrUpdateConsumer(cc.build());
                s.consumerName = consumer.getConsumerName();
                for (int i = 0; i < config.concurrency(); i++) {
                    // a dispatcher (a thread) per pull: the consumer context's own would serve them all on one
                    Dispatcher d = running.connection().createDispatcher();
                    s.dispatchers.add(d);
                    s.pulls.add(consumer.consume(CONSUME, d, s::onMessage));
                }
                return s;
            } catch (IOException | RuntimeException e) {
                s.stopPulls();
                s.closeDispatchers();
                if (System.nanoTime() - deadline >= 0) {
                    throw new MicroException(Publication.ID, 503, "subscribe to " + topic + " (stream " + streamName
                            + "): " + e.getMessage() + " (" + attempt + " attempt(s))", "Service Unavailable", e);
                }
                LOG.log(Level.DEBUG, "nats: subscribe to {0}: {1}; again", topic, e.getMessage());
                try {
                    Thread.sleep(Math.min(500, 25L << Math.min(attempt, 5)));
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new MicroException(Publication.ID, 503, "subscribe to " + topic + ": interrupted",
                            "Service Unavailable", interrupted);
                }
            } catch (JetStreamApiException e) {
                s.stopPulls();
                s.closeDispatchers();
                throw new MicroException(Publication.ID, 503, "subscribe to " + topic + " (stream " + streamName
                        + "): " + e.getMessage(), "Service Unavailable", e);
            }
        }
    }

    /** A consumer name from a queue group: what a name cannot hold becomes {@code _}. */
    static String durableName(String queue) {
        return queue.replaceAll("[^A-Za-z0-9_-]", "_");
    }

    private void onMessage(Message msg) {
        if (closed()) {
            msg.nak(); // pulled before the stop: another member (or this one, later) takes it now
            return;
        }
        BrokerMessage m;
        try {
            m = BrokerJson.decode(msg.getData(), null).message();
        } catch (BrokerJson.MalformedException e) {
            LOG.log(Level.WARNING, "nats: a message on {0} is not a Go Micro broker message ({1}): terminated",
                    msg.getSubject(), e.getMessage());
            msg.term();
            return;
        }
        long delivered = msg.metaData().deliveredCount();
        int attempts = broker.config().jetStream().maxDeliver();
        if (delivered > attempts) {
            // delivered again because its acknowledgement did not come in time, more often than allowed
            deadLetter(msg, m, new MicroException(Publication.ID, 408, "not acknowledged within "
                    + broker.config().jetStream().ackWait().toMillis() + " ms, " + (delivered - 1) + " times",
                    "Request Timeout"));
            return;
        }
        runHere(m, failure -> {
            if (failure == null) {
                msg.ack();
            } else if (delivered < attempts && retryable(failure)) {
                msg.nakWithDelay(Duration.ofMillis(Math.min(1_000, 10L << Math.min(delivered, 7))));
            } else {
                deadLetter(msg, m, failure);
            }
        });
    }

    private void deadLetter(Message msg, BrokerMessage m, Throwable failure) {
        broker.deadLetter(running, topic, m, failure).whenComplete((ok, error) -> {
            if (error == null) {
                msg.term();
            } else {
                LOG.log(Level.WARNING, "nats: dead-lettering a message of {0} failed ({1}): delivered again",
                        topic, error.getMessage());
                msg.nakWithDelay(Duration.ofSeconds(1));
            }
        });
    }

    private void stopPulls() {
        for (MessageConsumer pull : pulls) {
            try {
                pull.stop();
            } catch (RuntimeException e) {
                LOG.log(Level.DEBUG, "nats: stopping a pull of {0}: {1}", this, e.toString());
            }
        }
    }

    private void closeDispatchers() {
        pulls.clear();
        closeQuietly(dispatchers);
        dispatchers.clear();
    }

    @Override
    void stopIncoming(Duration wait) {
        try {
            stopPulls();
            // the pull in progress still brings messages (handed back with a nak) until it expires
            long deadline = System.nanoTime() + wait.toNanos();
            while (!pulls.stream().allMatch(MessageConsumer::isFinished) && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            closeDispatchers();
            if (options.queue().isEmpty()) {
                stream.deleteConsumer(consumerName); // an ephemeral consumer has nobody else
            }
        } catch (IOException | JetStreamApiException | RuntimeException e) {
            LOG.log(Level.DEBUG, "nats: stopping {0}: {1}", this, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
