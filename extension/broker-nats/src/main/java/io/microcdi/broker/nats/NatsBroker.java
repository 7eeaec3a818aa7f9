package io.microcdi.broker.nats;

import io.microcdi.broker.Broker;
import io.microcdi.broker.BrokerMessage;
import io.microcdi.broker.SubscribeOptions;
import io.microcdi.broker.Subscription;
import io.microcdi.broker.delivery.BrokerJson;
import io.microcdi.broker.delivery.Publication;
import io.microcdi.errors.MicroException;
import io.microcdi.internal.exec.HandlerExecutors;
import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.ErrorListener;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.impl.Headers;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The {@code nats} broker: pub/sub on a NATS server or cluster (jnats), in Go Micro's wire format, with an
 * at-least-once JetStream mode.
 *
 * <pre>{@code
 * Broker broker = new NatsBroker(NatsBrokerConfig.of("nats://127.0.0.1:4222"));
 * broker.connect();
 * broker.subscribe("orders", e -> ship(e.message()), SubscribeOptions.queue("shipping"));
 * broker.publish("orders", message).join();
 * }</pre>
 *
 * <p><b>Core NATS</b> (the default), as Go Micro v1.10's {@code broker/nats}: a topic is a subject, published as is; a
 * queue group is a NATS queue subscription, a broadcast subscriber a plain one; the payload is Go Micro's broker
 * message JSON ({@link BrokerJson}), no NATS headers. Delivery is at most once: a publish completes when the message
 * is handed to the connection. A subscriber that throws gets the message again, on the same member, up to
 * {@code micro.broker.retries} times; then it goes to the dead-letter subject {@code <prefix><topic>} and an error is
 * logged. While the connection is re-established, publishes are kept (up to {@code micro.broker.nats.reconnect-buffer}
 * bytes) and complete once sent after the reconnect; beyond the buffer, or not sent within
 * {@code micro.broker.publish-timeout}, or on a connection closed for good, they fail with a 503: never dropped
 * silently.
 *
 * <p><b>JetStream</b> ({@code micro.broker.nats.jetstream=true}, or listed in {@code .jetstream.topics}): see
 * {@link JetStreamTopics}. A publish completes when the stream stored the message.
 */
public final class NatsBroker implements Broker {

    /** The plugin name, {@code micro.broker=nats}. */
    public static final String NAME = "nats";

    private static final System.Logger LOG = System.getLogger(NatsBroker.class.getName());

    private final NatsBrokerConfig config;
    private final Set<NatsSubscription> subscriptions = ConcurrentHashMap.newKeySet();
    /** Publishes made while the connection was not up: completed after the reconnect's flush. */
    private final ConcurrentLinkedQueue<Pending> pending = new ConcurrentLinkedQueue<>();
    private volatile Running running;
    /** The server the connection last reached, for the messages about losing it (it is gone by then). */
    private volatile String lastServer;

    /** What a connected broker holds. */
    record Running(Connection connection, ExecutorService workers, ScheduledExecutorService timer,
                   JetStreamTopics jetStream, HandlerExecutors.Lease executors) {
    }

    private record Pending(CompletableFuture<Void> future, long deadline, String topic) {
    }

    public NatsBroker(NatsBrokerConfig config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    @Override
    public String name() {
        return NAME;
    }

    /** The server this broker is connected to, or the first configured. */
    @Override
    public String address() {
        Running r = running;
        String url = r == null ? null : r.connection().getConnectedUrl();
        return url != null ? url : config.servers().get(0);
    }

    /** The settings. */
    public NatsBrokerConfig config() {
        return config;
    }

    @Override
    public synchronized void connect() {
        if (running != null) {
            return;
        }
        Options.Builder o = new Options.Builder()
                .servers(config.servers().toArray(String[]::new))
                .connectionTimeout(config.connectTimeout())
                .maxReconnects(config.maxReconnects())
                .reconnectWait(config.reconnectWait())
                .reconnectBufferSize(config.reconnectBuffer())
                .connectionListener(this::connectionEvent)
                .errorListener(new Errors());
        if (config.connectionName() != null) {
            o.connectionName(config.connectionName());
        }
        NatsBrokerConfig.Auth auth = config.auth();
        if (auth != null) {
            if (auth.token() != null) {
                o.token(auth.token().toCharArray());
            } else if (auth.username() != null) {
                o.userInfo(auth.username().toCharArray(), auth.password().toCharArray());
            } else {
                o.authHandler(Nats.credentials(auth.credentials().toString()));
            }
        }
        if (config.tls() != null) {
            o.sslContext(PemTls.context(config.tls()));
        }
        Connection c;
        try {
            c = Nats.connect(o.build());
        } catch (IOException e) {
            throw new MicroException(Publication.ID, 503, "nats " + config.servers() + ": cannot connect: "
                    + e.getMessage(), MicroException.statusText(503), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MicroException(Publication.ID, 503, "nats: connect interrupted", "Service Unavailable", e);
        }
        ExecutorService workers = HandlerExecutors.create("nats-subscribers", config.delivery().handlerThreads(),
                config.delivery().virtualThreads());
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
                HandlerExecutors.daemonThreads("microcdi-nats-timer"));
        JetStreamTopics js = config.jetStream().used() ? new JetStreamTopics(c, config, timer) : null;
        lastServer = c.getConnectedUrl();
        // the shared callback pool runs publishers' continuations: held open while connected
        Running r = new Running(c, workers, timer, js, HandlerExecutors.lease());
        timer.scheduleWithFixedDelay(this::expirePending, 100, 100, TimeUnit.MILLISECONDS);
        running = r;
        LOG.log(Level.INFO, "nats broker connected to {0} ({1})", c.getConnectedUrl(),
                js == null ? "core NATS" : config.jetStream().all() ? "JetStream" : "JetStream for "
                        + config.jetStream().topics());
    }

    @Override
    public void disconnect() {
        Running r;
        synchronized (this) {
            r = running;
            running = null;
        }
        if (r == null) {
            return;
        }
        Duration wait = config.delivery().publishTimeout();
        for (NatsSubscription s : new ArrayList<>(subscriptions)) {
            s.close(wait); // no more messages in; the ones in hand are finished (or handed back)
        }
        subscriptions.clear();
        try {
            r.connection().flush(wait);
        } catch (TimeoutException | InterruptedException | RuntimeException e) {
            LOG.log(Level.DEBUG, "nats: flush before close: {0}", e.toString());
        }
        try {
            r.connection().close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        failPending("the broker disconnected before the message was sent");
        r.workers().shutdown();
        r.timer().shutdownNow();
        r.executors().close();
    }

    /** Connected, and the connection to NATS is up (not while it is re-established): what readiness reports. */
    @Override
    public boolean connected() {
        Running r = running;
        return r != null && r.connection().getStatus() == Connection.Status.CONNECTED;
    }

    // ---- publish ----

    @Override
    public CompletableFuture<Void> publish(String topic, BrokerMessage message) {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(message, "message");
        Running r = running;
        if (r == null) {
            return CompletableFuture.failedFuture(notConnected("publish to " + topic));
        }
        byte[] payload = BrokerJson.encode(message, null, null);
        if (r.jetStream() != null && config.jetStream().covers(topic)) {
            return r.jetStream().publish(topic, message, payload);
        }
        return publishCore(r, topic, payload, null);
    }

    /** A core NATS publish: complete once handed to a live connection, or sent after the reconnect. */
    CompletableFuture<Void> publishCore(Running r, String topic, byte[] payload, Headers headers) {
        try {
            r.connection().publish(topic, headers, payload);
        } catch (IllegalStateException e) {
            // the reconnect buffer is full, or the connection closed for good
            return CompletableFuture.failedFuture(Publication.failure(503, topic, "subscribers",
                    "not sent: " + e.getMessage() + " (" + NatsBrokerConfig.RECONNECT_BUFFER + "="
                            + config.reconnectBuffer() + " bytes)", e));
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(Publication.failure(400, topic, "subscribers",
                    "refused: " + e.getMessage(), e));
        }
        if (r.connection().getStatus() == Connection.Status.CONNECTED) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> f = new CompletableFuture<>();
        pending.add(new Pending(f, System.nanoTime() + config.delivery().publishTimeout().toNanos(), topic));
        if (r.connection().getStatus() == Connection.Status.CONNECTED) {
            completePending(r); // reconnected meanwhile: the reconnect event may have come before the add
        }
        return f;
    }

    private void connectionEvent(Connection c, ConnectionListener.Events event) {
        switch (event) {
            case DISCONNECTED -> LOG.log(Level.WARNING, "nats: disconnected from {0}; reconnecting, publishes are "
                    + "kept up to {1} bytes", lastServer, config.reconnectBuffer());
            case CONNECTED -> lastServer = String.valueOf(c.getConnectedUrl());
            case RECONNECTED -> {
                lastServer = String.valueOf(c.getConnectedUrl());
                LOG.log(Level.INFO, "nats: reconnected to {0}", lastServer);
                Running r = running;
                if (r != null) {
                    r.timer().execute(() -> completePending(r));
                }
            }
            case CLOSED -> failPending("the connection to NATS closed before the message was sent");
            default -> LOG.log(Level.DEBUG, "nats: {0}", event);
        }
    }

    /** After a reconnect: once the buffered messages are flushed, their publishes are done. */
    private void completePending(Running r) {
        if (pending.isEmpty()) {
            return;
        }
        try {
            r.connection().flush(config.delivery().publishTimeout());
        } catch (TimeoutException | InterruptedException | RuntimeException e) {
            return; // still not through: the timer fails them at their deadline
        }
        for (Pending p; (p = pending.poll()) != null; ) {
            p.future().complete(null);
        }
    }

    private void expirePending() {
        Running r = running;
        if (r != null && r.jetStream() != null) {
            try {
                r.jetStream().expireAttempts();
            } catch (RuntimeException e) { // a publisher's continuation: the timer goes on
                LOG.log(Level.WARNING, "nats: a JetStream publish timeout's callback failed", e);
            }
        }
        long now = System.nanoTime();
        for (Pending p : pending) {
            if (now - p.deadline() >= 0 && pending.remove(p)) {
                p.future().completeExceptionally(Publication.failure(408, p.topic(), "subscribers",
                        "not sent within " + config.delivery().publishTimeout().toMillis()
                                + " ms: no connection to NATS (it may still be sent when the connection is back)",
                        null));
            }
        }
    }

    private void failPending(String why) {
        for (Pending p; (p = pending.poll()) != null; ) {
            p.future().completeExceptionally(Publication.failure(503, p.topic(), "subscribers", why, null));
        }
    }

    // ---- subscribe ----

    @Override
    public Subscription subscribe(String topic, Handler handler, SubscribeOptions options) {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(handler, "handler");
        Objects.requireNonNull(options, "options");
        Running r = running;
        if (r == null) {
            throw notConnected("subscribe to " + topic);
        }
        NatsSubscription s = r.jetStream() != null && config.jetStream().covers(topic)
                ? r.jetStream().subscribe(this, r, topic, handler, options)
                : CoreSubscription.start(this, r, topic, handler, options);
        subscriptions.add(s);
        return s;
    }

    void forget(NatsSubscription s) {
        subscriptions.remove(s);
    }

    /**
     * A message no subscriber accepted after its attempts: published to {@code <prefix><topic>} with the error in the
     * {@code Micro-Error} header (kept in a stream when the topic is), and logged.
     */
    CompletableFuture<Void> deadLetter(Running r, String topic, BrokerMessage message, Throwable error) {
        String subject = config.deadLetterPrefix() + topic;
        String why = error == null ? "not acknowledged" : error.getMessage() == null ? error.toString()
                : error.getMessage();
        LOG.log(Level.ERROR, "nats: a message of {0} was not accepted after its last attempt ({1}); sent to {2}",
                topic, why, subject);
        BrokerMessage dead = new BrokerMessage(message.header().with("Micro-Error", why), message.body());
        byte[] payload = BrokerJson.encode(dead, null, null);
        if (r.jetStream() != null && config.jetStream().covers(topic)) {
            return r.jetStream().publishDeadLetter(subject, dead, payload);
        }
        return publishCore(r, subject, payload, null);
    }

    static MicroException notConnected(String what) {
        return new MicroException(Publication.ID, 503, what + ": the nats broker is not connected",
                MicroException.statusText(503));
    }

    @Override
    public String toString() {
        return "nats broker " + config.servers();
    }

    /** jnats' asynchronous errors, logged: a slow consumer loses messages, which must not pass unseen. */
    private static final class Errors implements ErrorListener {

        @Override
        public void errorOccurred(Connection conn, String error) {
            LOG.log(Level.WARNING, "nats server error: {0}", error);
        }

        @Override
        public void exceptionOccurred(Connection conn, Exception exp) {
            LOG.log(Level.DEBUG, "nats: {0}", exp.toString());
        }

        @Override
        public void slowConsumerDetected(Connection conn, io.nats.client.Consumer consumer) {
            LOG.log(Level.ERROR, "nats: a subscriber is too slow: the client drops messages for it ({0} so far)",
                    consumer.getDroppedCount());
        }
    }

    /** What the connected broker holds, or {@code null} (tests read the connection's status). */
    Running running() {
        return running;
    }
}
