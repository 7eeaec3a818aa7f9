package io.microcdi.broker.kafka;

import io.microcdi.broker.Broker;
import io.microcdi.broker.BrokerMessage;
import io.microcdi.broker.SubscribeOptions;
import io.microcdi.broker.Subscription;
import io.microcdi.broker.delivery.Publication;
import io.microcdi.config.MicroConfig;
import io.microcdi.errors.MicroException;
import io.microcdi.internal.exec.HandlerExecutors;
import io.microcdi.telemetry.Observed;
import io.microcdi.telemetry.Telemetry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The {@code kafka} broker: pub/sub on a Kafka cluster (the official {@code kafka-clients}), at least once, with
 * consumer groups, per-key order and a dead-letter topic.
 *
 * <pre>{@code
 * Broker broker = new KafkaBroker(KafkaBrokerConfig.of("127.0.0.1:9092"));
 * broker.connect();
 * broker.subscribe("orders", e -> ship(e.message()), SubscribeOptions.queue("shipping"));
 * broker.publish("orders", new BrokerMessage(Metadata.of("Micro-Key", "customer-42"), body)).join();
 * }</pre>
 *
 * <ul>
 *   <li>A topic is a Kafka topic, created on first use ({@code micro.broker.kafka.topic.*}) unless it exists.</li>
 *   <li>A queue group is a consumer group of that name; a broadcast subscriber is a group of its own, named
 *       {@code micro-broadcast-<uuid>}, as Go Micro's broker names it, that commits nothing and starts at the end.</li>
 *   <li>A publish completes when the cluster acknowledged the record ({@code micro.broker.kafka.acks}, {@code all} by
 *       default), within {@code micro.broker.publish-timeout}.</li>
 *   <li>The {@code Micro-Key} header is the record key: messages with one key go to one partition and are handled in
 *       the order published. Without it Kafka spreads the messages and keeps no order between them.</li>
 *   <li>Each partition is handled one message at a time, on the subscriber workers; an offset is committed only after
 *       the subscriber returned (or acknowledged), so a crash delivers again what was not committed: at least
 *       once. A failed delivery is retried on the same member after a back-off, {@code micro.broker.retries} times;
 *       then the message goes to the dead-letter topic ({@code dead.<topic>}) with its error in {@code Micro-Error},
 *       and the partition moves on. See {@link KafkaSubscription}.</li>
 *   <li>The record holds Go Micro's broker message JSON ({@link KafkaBrokerConfig.Wire#JSON}), so Go Micro's
 *       {@code broker/kafka} peers read it, and its headers as Kafka headers too.</li>
 *   <li>Under {@link Observed#observe telemetry}, each topic and queue subscribed gets a {@value #LAG} gauge: the
 *       messages not handled yet on its most behind partition ({@link KafkaSubscription#lag}).</li>
 * </ul>
 */
public final class KafkaBroker implements Broker, Observed {

    /** The plugin name, {@code micro.broker=kafka}. */
    public static final String NAME = "kafka";

    /** The metadata header whose value becomes the record key. */
    public static final String KEY_HEADER = "Micro-Key";

    /** The gauge of the messages a topic's subscriptions in one queue have not handled yet. */
    public static final String LAG = "microcdi.broker.lag";

    private static final System.Logger LOG = System.getLogger(KafkaBroker.class.getName());
    private static final Duration HEALTH_PERIOD = Duration.ofSeconds(5);

    private final KafkaBrokerConfig config;
    private final Set<KafkaSubscription> subscriptions = ConcurrentHashMap.newKeySet();
    private volatile Running running;
    private volatile Telemetry telemetry = Telemetry.NONE;
    /**
     * What each topic and queue's lag gauge samples, kept as long as this broker: a gauge cannot be removed, and one
     * registered again with the same name and tags is the first one, so a topic subscribed again reuses its own.
     */
    private final ConcurrentHashMap<String, Lag> lags = new ConcurrentHashMap<>();

    /** What a connected broker holds. */
    record Running(KafkaProducer<byte[], byte[]> producer, Admin admin, ExecutorService workers,
                   ScheduledExecutorService timer, Topics topics, HandlerExecutors.Lease executors,
                   java.util.concurrent.atomic.AtomicBoolean up) {
    }

    public KafkaBroker(KafkaBrokerConfig config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    /** A broker from {@code micro.broker.kafka.*}. */
    public static KafkaBroker from(MicroConfig config) {
        return new KafkaBroker(KafkaBrokerConfig.from(config));
    }

    @Override
    public String name() {
        return NAME;
    }

    /** The bootstrap servers. */
    @Override
    public String address() {
        return config.bootstrapServers();
    }

    /** The settings. */
    public KafkaBrokerConfig config() {
        return config;
    }

    /**
     * Reports, for the subscriptions made from now on, the {@value #LAG} gauge of each topic and queue (tags
     * {@code broker}, {@code topic}, {@code queue}, {@code ""} for broadcast).
     */
    @Override
    public void observe(Telemetry telemetry) {
        this.telemetry = Objects.requireNonNull(telemetry, "telemetry");
    }

    /**
     * Makes the producer and the admin client, and returns once the cluster answered.
     *
     * @throws MicroException 503 when no broker of the cluster answers within {@code micro.broker.publish-timeout};
     *                        401 when the cluster refused the credentials or the TLS handshake failed, naming the
     *                        keys to check
     * @throws io.microcdi.config.ConfigException when Kafka refuses a pass-through property's value
     */
    @Override
    public synchronized void connect() {
        if (running != null) {
            return;
        }
        Admin admin = null;
        KafkaProducer<byte[], byte[]> producer = null;
        try {
            admin = Admin.create(config.adminProperties());
            admin.describeCluster().nodes().get(config.delivery().publishTimeout().toMillis(), TimeUnit.MILLISECONDS);
            producer = new KafkaProducer<>(config.producerProperties(), new ByteArraySerializer(),
                    new ByteArraySerializer());
        } catch (ConfigException e) {
            closeQuietly(admin, producer);
            throw config.invalid(e);
        } catch (ExecutionException | java.util.concurrent.TimeoutException | KafkaException e) {
            closeQuietly(admin, producer);
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            if (cause instanceof AuthenticationException) {
                throw refused(cause);
            }
            throw new MicroException(Publication.ID, 503, "kafka " + config.bootstrapServers()
                    + ": cannot connect: " + (e instanceof java.util.concurrent.TimeoutException
                    // the admin client's own timeout (the same length) may come first: the same failure, said so
                    || cause instanceof TimeoutException ? "no broker answered within " + config.delivery().publishTimeout().toMillis() + " ms"
                    : cause.getMessage()), MicroException.statusText(503), cause);
        } catch (InterruptedException e) {
            closeQuietly(admin, producer);
            Thread.currentThread().interrupt();
            throw new MicroException(Publication.ID, 503, "kafka: connect interrupted", "Service Unavailable", e);
        }
        ExecutorService workers = HandlerExecutors.create("kafka-subscribers", config.delivery().handlerThreads(),
                config.delivery().virtualThreads());
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
                HandlerExecutors.daemonThreads("microcdi-kafka-timer"));
        Running r = new Running(producer, admin, workers, timer, new Topics(admin, config),
                HandlerExecutors.lease(), new java.util.concurrent.atomic.AtomicBoolean(true));
        timer.scheduleWithFixedDelay(() -> checkHealth(r), HEALTH_PERIOD.toMillis(), HEALTH_PERIOD.toMillis(),
                TimeUnit.MILLISECONDS);
        running = r;
        LOG.log(Level.INFO, "kafka broker connected to {0} ({1})", config.bootstrapServers(), config);
    }

    /**
     * The cluster refused this client: a wrong SASL user or password, or a TLS handshake that failed (a broker
     * certificate of another CA, no client certificate where the broker wants one). A setting to fix, so a 401 that
     * says which keys, and why in the handshake's own words.
     */
    private MicroException refused(Throwable cause) {
        String keys = cause instanceof SslAuthenticationException
                ? KafkaBrokerConfig.TLS_CA + " (the CA of the brokers' certificates), " + KafkaBrokerConfig.TLS_CERT
                + " and " + KafkaBrokerConfig.TLS_KEY + " (when the brokers verify clients)"
                : KafkaBrokerConfig.SASL_MECHANISM + ", " + KafkaBrokerConfig.SASL_USERNAME + " and "
                + KafkaBrokerConfig.SASL_PASSWORD + " (or " + KafkaBrokerConfig.SASL_JAAS_CONFIG + ")";
        StringBuilder why = new StringBuilder(String.valueOf(cause.getMessage()));
        for (Throwable c = cause.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
            if (c.getMessage() != null && !why.toString().contains(c.getMessage())) {
                why.append(": ").append(c.getMessage());
            }
        }
        return new MicroException(Publication.ID, 401, "kafka " + config.bootstrapServers() + " ("
                + config.security().getOrDefault("security.protocol", "PLAINTEXT") + "): cannot connect: " + why
                + "; check " + keys, MicroException.statusText(401), cause);
    }

    private static void closeQuietly(Admin admin, KafkaProducer<byte[], byte[]> producer) {
        if (producer != null) {
            producer.close(Duration.ZERO);
        }
        if (admin != null) {
            admin.close(Duration.ZERO);
        }
    }

    /** Whether the cluster still answers: what {@link #connected()} reports between checks. */
    private void checkHealth(Running r) {
        r.admin().describeCluster().nodes().whenComplete((nodes, error) -> {
            boolean up = error == null && !nodes.isEmpty();
            if (r.up().getAndSet(up) != up) {
                LOG.log(up ? Level.INFO : Level.WARNING, up ? "kafka: {0} answers again"
                        : "kafka: {0} does not answer ({1})", config.bootstrapServers(), String.valueOf(error));
            }
        });
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
        List<KafkaSubscription> all = new ArrayList<>(subscriptions);
        subscriptions.clear();
        // in parallel, each on its poll thread: waits for its deliveries in hand, commits, and leaves its group
        for (KafkaSubscription s : all) {
            s.stopPolling();
        }
        for (KafkaSubscription s : all) {
            s.awaitClosed();
        }
        r.producer().close(config.delivery().publishTimeout());
        r.admin().close(Duration.ofSeconds(1));
        r.workers().shutdown();
        r.timer().shutdownNow();
        r.executors().close();
    }

    /** Connected, and the cluster answered the last check (every 5 s): what readiness reports. */
    @Override
    public boolean connected() {
        Running r = running;
        return r != null && r.up().get();
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
        ProducerRecord<byte[], byte[]> record;
        try {
            record = Records.encode(topic, message, config.wire());
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(Publication.failure(400, topic, "subscribers",
                    "refused: " + e.getMessage(), e));
        }
        return send(r, record);
    }

    /** Sends {@code record} once its topic is known to exist; completes (on a callback thread) when acknowledged. */
    CompletableFuture<Void> send(Running r, ProducerRecord<byte[], byte[]> record) {
        if (r.topics().known(record.topic())) {
            return sendNow(r, record);
        }
        // the first publishes to a topic wait, in order, until it is made
        CompletableFuture<Void> f = new CompletableFuture<>();
        r.topics().whenMade(record.topic(), () -> sendNow(r, record).whenComplete((ok, error) -> {
            if (error == null) {
                f.complete(null);
            } else {
                f.completeExceptionally(error);
            }
        }), error -> f.completeExceptionally(failure(record.topic(), error)));
        return f;
    }

    private CompletableFuture<Void> sendNow(Running r, ProducerRecord<byte[], byte[]> record) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        try {
            r.producer().send(record, (meta, error) -> {
                // the producer's I/O thread: continuations run elsewhere
                if (error == null) {
                    HandlerExecutors.callbacks().execute(() -> f.complete(null));
                } else {
                    HandlerExecutors.callbacks().execute(() -> f.completeExceptionally(failure(record.topic(), error)));
                }
            });
        } catch (KafkaException | IllegalStateException e) {
            f.completeExceptionally(failure(record.topic(), e));
        }
        return f;
    }

    /** A publish's error as a {@link MicroException}: 408 for a timeout, 400 for a refused record, 503 else. */
    static MicroException failure(String topic, Throwable error) {
        Throwable e = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (e instanceof MicroException m) {
            return m;
        }
        int code = e instanceof TimeoutException ? 408
                : e instanceof RecordTooLargeException || e instanceof InvalidTopicException ? 400
                : e instanceof AuthorizationException || e instanceof AuthenticationException ? 403
                : e instanceof UnknownTopicOrPartitionException ? 404
                : 503;
        return Publication.failure(code, topic, "subscribers", "not stored: " + e.getMessage(), e);
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
        try {
            r.topics().ensure(topic).get(config.delivery().publishTimeout().toMillis() + 1_000,
                    TimeUnit.MILLISECONDS);
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new MicroException(Publication.ID, e instanceof ExecutionException ? failure(topic, e.getCause())
                    .code() : 503, "subscribe to " + topic + ": " + (e instanceof ExecutionException
                    ? e.getCause().getMessage() : "the topic was not made in time"), "Service Unavailable", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MicroException(Publication.ID, 503, "subscribe to " + topic + ": interrupted",
                    "Service Unavailable", e);
        }
        KafkaSubscription s = KafkaSubscription.start(this, r, topic, handler, options);
        subscriptions.add(s);
        Telemetry t = telemetry;
        if (t.enabled()) {
            String key = topic + '\0' + options.queue();
            if (!lags.containsKey(key) && lags.putIfAbsent(key, new Lag(this, topic, options.queue())) == null) {
                // held weakly by the telemetry, strongly by this broker: sampled while the broker lives
                t.gauge(LAG, "Messages of the topic not handled yet by this process's subscriptions in the queue, "
                                + "on their most behind partition (NaN before a fetch)",
                        Map.of("broker", NAME, "topic", topic, "queue", options.queue()), lags.get(key), Lag::max);
            }
        }
        return s;
    }

    /**
     * The subscriptions of one topic and queue, as the lag gauge samples them: those subscribed now, so that an
     * unsubscribed one is no longer read (nor held), and the gauge is {@code NaN} without any.
     */
    private record Lag(KafkaBroker broker, String topic, String queue) {
        double max() {
            double max = Double.NaN;
            for (KafkaSubscription s : broker.subscriptions) {
                if (s.topic().equals(topic) && s.queue().equals(queue)) {
                    double lag = s.lag();
                    max = Double.isNaN(max) || lag > max ? lag : max;
                }
            }
            return max;
        }
    }

    void forget(KafkaSubscription s) {
        subscriptions.remove(s);
    }

    /**
     * A message no attempt delivered: published to the dead-letter topic with the error in {@code Micro-Error} (the
     * record's own bytes when they did not decode), and logged.
     */
    CompletableFuture<Void> deadLetter(Running r, org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]> in,
                                       BrokerMessage message, String why) {
        String dead = config.deadLetterTopicOf(in.topic());
        LOG.log(Level.ERROR, "kafka: a message of {0} (partition {1}, offset {2}) was not accepted ({3}); sent to {4}",
                in.topic(), in.partition(), in.offset(), why, dead);
        return send(r, Records.deadLetter(dead, in, message, why, config.wire()));
    }

    static MicroException notConnected(String what) {
        return new MicroException(Publication.ID, 503, what + ": the kafka broker is not connected",
                MicroException.statusText(503));
    }

    /** What the connected broker holds, or {@code null}. */
    Running running() {
        return running;
    }

    @Override
    public String toString() {
        return "kafka broker " + config.bootstrapServers();
    }

    /** The topics known to exist, and those being made. */
    static final class Topics {

        private final Admin admin;
        private final KafkaBrokerConfig config;
        private final Set<String> known = ConcurrentHashMap.newKeySet();
        private final ConcurrentHashMap<String, CompletableFuture<Void>> making = new ConcurrentHashMap<>();

        Topics(Admin admin, KafkaBrokerConfig config) {
            this.admin = admin;
            this.config = config;
        }

        /** Sends waiting for their topic to be made, in the order published; guarded by this. */
        private final Map<String, ArrayDeque<Waiting>> waiting = new HashMap<>();

        private record Waiting(Runnable send, Consumer<Throwable> fail) {
        }

        boolean known(String topic) {
            return known.contains(topic);
        }

        /**
         * Runs {@code send} once {@code topic} exists (at once when it is known), after the sends that came before it
         * for that topic, on a callback thread (a send may wait for the topic's metadata); {@code fail} hears why the
         * topic could not be made.
         */
        void whenMade(String topic, Runnable send, Consumer<Throwable> fail) {
            boolean first;
            synchronized (this) {
                if (!known.contains(topic)) {
                    ArrayDeque<Waiting> queue = waiting.get(topic);
                    first = queue == null;
                    if (first) {
                        waiting.put(topic, queue = new ArrayDeque<>());
                    }
                    queue.add(new Waiting(send, fail));
                    if (!first) {
                        return;
                    }
                } else {
                    first = false;
                }
            }
            if (!first) {
                send.run();
                return;
            }
            ensure(topic).whenCompleteAsync((ok, error) -> drain(topic, error), HandlerExecutors.callbacks());
        }

        /** Runs (or fails) the waiting sends in order, until none is left; then the topic is known (or not). */
        private void drain(String topic, Throwable error) {
            while (true) {
                ArrayDeque<Waiting> batch;
                synchronized (this) {
                    batch = waiting.remove(topic);
                    if (batch == null || batch.isEmpty()) {
                        if (error == null) {
                            known.add(topic);
                        }
                        return;
                    }
                    waiting.put(topic, new ArrayDeque<>()); // later sends queue behind this batch
                }
                for (Waiting w : batch) {
                    if (error == null) {
                        w.send().run();
                    } else {
                        w.fail().accept(error instanceof CompletionException && error.getCause() != null
                                ? error.getCause() : error);
                    }
                }
            }
        }

        /** Completes once {@code topic} exists: made with the configured partitions and replicas when missing. */
        CompletableFuture<Void> ensure(String topic) {
            if (known.contains(topic)) {
                return CompletableFuture.completedFuture(null);
            }
            CompletableFuture<Void> f = making.computeIfAbsent(topic, this::make);
            f.whenComplete((ok, error) -> making.remove(topic, f)); // a failure is tried again by the next use
            return f;
        }

        private CompletableFuture<Void> make(String topic) {
            CompletableFuture<Void> made;
            if (config.autoCreateTopics()) {
                NewTopic t = new NewTopic(topic,
                        config.partitions() < 0 ? Optional.empty() : Optional.of(config.partitions()),
                        config.replicationFactor() < 0 ? Optional.empty()
                                : Optional.of((short) config.replicationFactor()));
                made = admin.createTopics(List.of(t)).all().toCompletionStage().toCompletableFuture()
                        .exceptionallyCompose(e -> {
                            Throwable cause = e instanceof CompletionException && e.getCause() != null
                                    ? e.getCause() : e;
                            return cause instanceof TopicExistsException ? CompletableFuture.completedFuture(null)
                                    : CompletableFuture.failedFuture(cause);
                        });
            } else {
                made = admin.describeTopics(List.of(topic)).allTopicNames().toCompletionStage().toCompletableFuture()
                        .thenApply(d -> (Void) null)
                        .exceptionallyCompose(e -> {
                            Throwable cause = e instanceof CompletionException && e.getCause() != null
                                    ? e.getCause() : e;
                            return CompletableFuture.failedFuture(cause instanceof UnknownTopicOrPartitionException
                                    ? new UnknownTopicOrPartitionException("topic " + topic + " does not exist, and "
                                    + KafkaBrokerConfig.TOPIC_AUTO_CREATE + "=false") : cause);
                        });
            }
            return made;
        }
    }
}
