package io.microcdi.broker.kafka;

import io.microcdi.broker.Broker;
import io.microcdi.broker.SubscribeOptions;
import io.microcdi.broker.Subscription;
import io.microcdi.broker.delivery.Publication;
import io.microcdi.errors.MicroException;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One subscription: a {@link KafkaConsumer} of its own in the group of its queue (or a group of its own for a
 * broadcast subscriber), driven by one poll thread that hands each partition's records to that partition's
 * {@link Lane}, which runs the handler on the broker's workers, one record at a time, in offset order.
 *
 * <pre>{@code
 * KafkaSubscription s = KafkaSubscription.start(broker, running, "orders", handler, SubscribeOptions.queue("a"));
 * }</pre>
 *
 * <p>The poll thread never waits for a handler, so a slow subscriber cannot make the group drop this member
 * ({@code max.poll.interval.ms}): a partition holding {@code max-poll-records} records not yet handled is paused,
 * and resumed once half of them are done. It commits, every {@code commit-interval}, the offset after the last record
 * each lane finished (handled, or dead-lettered). When the group takes partitions away, their lanes stop starting
 * records, the poll thread waits (up to {@code drain-timeout}) for the record in hand, and commits what was handled:
 * never a record that was not, and the next owner starts right after the last handled one. A queue group's partition
 * that has no committed offset yet gets its first position committed when assigned, so a group sees every message
 * published after its first member subscribed, whatever rebalances follow.
 */
final class KafkaSubscription implements Subscription, ConsumerRebalanceListener {

    private static final System.Logger LOG = System.getLogger(KafkaSubscription.class.getName());

    private final KafkaBroker broker;
    private final KafkaBroker.Running running;
    private final KafkaBrokerConfig config;
    private final String topic;
    final Broker.Handler handler;
    final SubscribeOptions options;
    /** A queue group's offsets are committed; a broadcast subscriber's group is its own and commits nothing. */
    private final boolean durable;
    private final String group;
    private final KafkaConsumer<byte[], byte[]> consumer;
    /** The lanes of the partitions assigned now: changed by the poll thread only. */
    private final Map<TopicPartition, Lane> lanes = new java.util.concurrent.ConcurrentHashMap<>();
    private final CompletableFuture<Void> firstAssignment = new CompletableFuture<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Thread poller;
    private volatile boolean closing;
    private long lastCommit = System.nanoTime();

    private KafkaSubscription(KafkaBroker broker, KafkaBroker.Running running, String topic, Broker.Handler handler,
                              SubscribeOptions options) {
        this.broker = broker;
        this.running = running;
        this.config = broker.config();
        this.topic = topic;
        this.handler = handler;
        this.options = options;
        this.durable = !options.queue().isEmpty();
        this.group = durable ? options.queue() : "micro-broadcast-" + UUID.randomUUID();
        String suffix = (durable ? options.queue() : "broadcast") + "-" + topic;
        this.consumer = new KafkaConsumer<>(config.consumerProperties(group, suffix), new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        this.poller = new Thread(this::pollLoop, "microcdi-kafka-" + topic + (durable ? "-" + group : ""));
        this.poller.setDaemon(true);
    }

    /**
     * Joins the group, and returns once this member was given its partitions (none, when the group has more members
     * than the topic partitions), or after {@code session-timeout} with a warning (the group goes on forming).
     */
    static KafkaSubscription start(KafkaBroker broker, KafkaBroker.Running running, String topic,
                                   Broker.Handler handler, SubscribeOptions options) {
        KafkaSubscription s;
        try {
            s = new KafkaSubscription(broker, running, topic, handler, options);
        } catch (KafkaException e) {
            throw new MicroException(Publication.ID, 503, "subscribe to " + topic + ": " + e.getMessage(),
                    "Service Unavailable", e);
        }
        s.consumer.subscribe(List.of(topic), s);
        s.poller.start();
        Duration wait = s.config.sessionTimeout().plus(s.config.drainTimeout());
        try {
            s.firstAssignment.get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            LOG.log(Level.WARNING, "kafka: {0} was given no partitions within {1} ms; it goes on joining", s,
                    wait.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException e) {
            s.close();
            throw new MicroException(Publication.ID, 503, "subscribe to " + topic + ": " + e.getCause().getMessage(),
                    "Service Unavailable", e.getCause());
        }
        return s;
    }

    @Override
    public String topic() {
        return topic;
    }

    @Override
    public String queue() {
        return options.queue();
    }

    KafkaBroker broker() {
        return broker;
    }

    KafkaBroker.Running running() {
        return running;
    }

    KafkaBrokerConfig config() {
        return config;
    }

    @Override
    public void unsubscribe() {
        broker.forget(this);
        close();
    }

    /** Stops polling; the poll thread finishes the records in hand (up to the drain timeout), commits, and leaves. */
    void close() {
        closing = true;
        awaitClosed();
    }

    /** Tells the poll thread to stop; it finishes, commits and leaves the group on its own. */
    void stopPolling() {
        closing = true;
    }

    /** Waits for the poll thread to have left the group. */
    void awaitClosed() {
        closing = true;
        if (Thread.currentThread() == poller) {
            return;
        }
        try {
            if (!stopped.await(config.drainTimeout().toMillis() + config.pollTimeout().toMillis() + 10_000,
                    TimeUnit.MILLISECONDS)) {
                LOG.log(Level.WARNING, "kafka: {0} did not stop in time", this);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- the poll thread ----

    private void pollLoop() {
        try {
            while (!closing) {
                boolean paused = false;
                for (Lane lane : lanes.values()) {
                    paused |= lane.paused;
                }
                ConsumerRecords<byte[], byte[]> records;
                try {
                    // while some partition waits for its lane, come back soon to resume it
                    records = consumer.poll(paused ? Duration.ofMillis(Math.min(10, config.pollTimeout().toMillis()))
                            : config.pollTimeout());
                } catch (InterruptException e) {
                    break;
                } catch (KafkaException e) {
                    if (!firstAssignment.isDone() && isFatal(e)) {
                        firstAssignment.completeExceptionally(e);
                        break;
                    }
                    LOG.log(Level.WARNING, "kafka: {0}: poll failed: {1}", this, e.toString());
                    pause(config.retryBackoffMax());
                    continue;
                }
                if (!records.isEmpty()) {
                    for (TopicPartition tp : records.partitions()) {
                        Lane lane = lanes.get(tp);
                        if (lane != null) {
                            lane.offer(records.records(tp));
                        }
                    }
                }
                flowControl();
                if (durable && System.nanoTime() - lastCommit >= config.commitInterval().toNanos()) {
                    commitAsync();
                }
            }
        } catch (RuntimeException | Error e) {
            LOG.log(Level.ERROR, "kafka: " + this + ": the poll thread failed", e);
        } finally {
            try {
                // leaving the group revokes every partition: onPartitionsRevoked drains and commits them
                consumer.close(config.drainTimeout().plusSeconds(5));
            } catch (RuntimeException e) {
                LOG.log(Level.DEBUG, "kafka: closing {0}: {1}", this, e.toString());
            }
            for (Lane lane : lanes.values()) {
                lane.stop();
            }
            lanes.clear();
            firstAssignment.complete(null);
            stopped.countDown();
        }
    }

    private static boolean isFatal(KafkaException e) {
        return e instanceof org.apache.kafka.common.errors.AuthorizationException
                || e instanceof org.apache.kafka.common.errors.AuthenticationException
                || e instanceof org.apache.kafka.common.errors.InvalidTopicException
                || e instanceof org.apache.kafka.common.errors.InvalidGroupIdException;
    }

    private static void pause(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Pauses partitions whose lanes hold too much, resumes those that caught up. */
    private void flowControl() {
        List<TopicPartition> pause = null;
        List<TopicPartition> resume = null;
        int high = config.maxPollRecords();
        for (Lane lane : lanes.values()) {
            int queued = lane.queued();
            if (!lane.paused && queued >= high) {
                lane.paused = true;
                (pause == null ? pause = new ArrayList<>() : pause).add(lane.partition);
            } else if (lane.paused && queued <= high / 2) {
                lane.paused = false;
                (resume == null ? resume = new ArrayList<>() : resume).add(lane.partition);
            }
        }
        if (pause != null) {
            consumer.pause(pause);
        }
        if (resume != null) {
            consumer.resume(resume);
        }
    }

    /** Commits, without waiting, the offsets handled since the last commit. */
    private void commitAsync() {
        lastCommit = System.nanoTime();
        Map<TopicPartition, OffsetAndMetadata> offsets = handledOffsets(lanes.values());
        if (offsets.isEmpty()) {
            return;
        }
        consumer.commitAsync(offsets, (done, error) -> {
            if (error != null) {
                // a later commit carries a later offset; at worst a crash delivers these again
                LOG.log(Level.DEBUG, "kafka: {0}: commit failed: {1}", this, error.toString());
                for (TopicPartition tp : offsets.keySet()) {
                    Lane lane = lanes.get(tp);
                    if (lane != null) {
                        lane.committed = -1;
                    }
                }
            }
        });
    }

    private static Map<TopicPartition, OffsetAndMetadata> handledOffsets(Collection<Lane> some) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (Lane lane : some) {
            long handled = lane.handled();
            if (handled > lane.committed) {
                offsets.put(lane.partition, new OffsetAndMetadata(handled));
                lane.committed = handled;
            }
        }
        return offsets;
    }

    // ---- rebalances (called on the poll thread, inside poll() or close()) ----

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        try {
            if (!partitions.isEmpty()) {
                if (durable) {
                    commitFirstPositions(partitions);
                } else {
                    for (TopicPartition tp : partitions) {
                        consumer.position(tp); // where it starts is fixed now, not at the first fetch
                    }
                }
                for (TopicPartition tp : partitions) {
                    lanes.put(tp, new Lane(this, tp));
                }
            }
            LOG.log(Level.DEBUG, "kafka: {0} assigned {1}", this, partitions);
        } catch (KafkaException e) {
            LOG.log(Level.WARNING, "kafka: {0}: assignment of {1}: {2}", this, partitions, e.toString());
            for (TopicPartition tp : partitions) {
                lanes.putIfAbsent(tp, new Lane(this, tp));
            }
        } finally {
            firstAssignment.complete(null);
        }
    }

    /**
     * The partitions of this queue group that have no committed offset get their position (the end, or the start
     * with {@code auto-offset-reset=earliest}) committed: a member that takes one over later starts there, not at
     * the end of what was published meanwhile.
     */
    private void commitFirstPositions(Collection<TopicPartition> partitions) {
        Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(new HashSet<>(partitions));
        Map<TopicPartition, OffsetAndMetadata> first = new HashMap<>();
        for (TopicPartition tp : partitions) {
            if (committed.get(tp) == null) {
                first.put(tp, new OffsetAndMetadata(consumer.position(tp)));
            }
        }
        if (!first.isEmpty()) {
            consumer.commitSync(first);
        }
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        List<Lane> revoked = new ArrayList<>();
        for (TopicPartition tp : partitions) {
            Lane lane = lanes.remove(tp);
            if (lane != null) {
                lane.stop();
                revoked.add(lane);
            }
        }
        if (revoked.isEmpty()) {
            return;
        }
        long deadline = System.nanoTime() + config.drainTimeout().toNanos();
        for (Lane lane : revoked) {
            if (!lane.awaitIdle(deadline)) {
                LOG.log(Level.WARNING, "kafka: {0}: the record in hand of {1} was not finished within {2} ms; "
                        + "not committed, its next owner gets it again", this, lane.partition,
                        config.drainTimeout().toMillis());
            }
        }
        if (durable) {
            Map<TopicPartition, OffsetAndMetadata> offsets = handledOffsets(revoked);
            if (!offsets.isEmpty()) {
                try {
                    consumer.commitSync(offsets, config.drainTimeout());
                } catch (KafkaException e) {
                    LOG.log(Level.WARNING, "kafka: {0}: commit of revoked {1} failed ({2}): their next owner may "
                            + "deliver some again", this, offsets.keySet(), e.toString());
                }
            }
        }
        LOG.log(Level.DEBUG, "kafka: {0} revoked {1}", this, partitions);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
        // owned by another member already: nothing can be committed; what is in hand may be delivered twice
        for (TopicPartition tp : partitions) {
            Lane lane = lanes.remove(tp);
            if (lane != null) {
                lane.stop();
            }
        }
        LOG.log(Level.WARNING, "kafka: {0} lost {1} (this member was out of the group)", this, partitions);
    }

    /**
     * The messages of the topic this subscription has not finished, on the partition where most wait: those Kafka
     * still holds past the fetch position (the consumer's own {@code records-lag} of the partition, as of its last
     * fetch) and those fetched but not handled yet (queued in the lane, in hand, waiting for a retry). {@code NaN}
     * while no partition was fetched from. Called from the sampling thread: {@link KafkaConsumer#metrics()}, unlike
     * the consumer's other methods, takes no lock of the poll thread's (kafka-clients 4.3), and a metric's value is
     * read under the metric's own lock.
     */
    double lag() {
        double max = Double.NaN;
        for (Map.Entry<MetricName, ? extends Metric> e : consumer.metrics().entrySet()) {
            MetricName name = e.getKey();
            if (!name.name().equals("records-lag") || !name.group().equals("consumer-fetch-manager-metrics")
                    || !topic.equals(name.tags().get("topic"))) {
                continue;
            }
            String partition = name.tags().get("partition");
            Lane lane = partition == null ? null : lanes.get(new TopicPartition(topic, Integer.parseInt(partition)));
            if (lane != null && e.getValue().metricValue() instanceof Double held && !held.isNaN()) {
                double lag = held + lane.unfinished();
                max = Double.isNaN(max) ? lag : Math.max(max, lag);
            }
        }
        return max;
    }

    /** The partitions with a lane now, for tests. */
    Set<TopicPartition> assigned() {
        return Set.copyOf(lanes.keySet());
    }

    @Override
    public String toString() {
        return "subscription to " + topic + " (" + (durable ? "queue group " + group : "broadcast") + ")";
    }
}
