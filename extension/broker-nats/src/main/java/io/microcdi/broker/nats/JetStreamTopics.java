package io.microcdi.broker.nats;

import io.microcdi.broker.Broker;
import io.microcdi.broker.BrokerMessage;
import io.microcdi.broker.SubscribeOptions;
import io.microcdi.broker.delivery.Publication;
import io.microcdi.errors.MicroException;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.NUID;
import io.nats.client.api.PublishAck;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.StreamInfo;
import io.nats.client.impl.Headers;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;

/**
 * The topics kept in JetStream: one stream per topic, {@code <prefix><TOPIC>} (the topic upper-cased, what a stream
 * name cannot hold replaced by {@code _}, and a checksum of the topic added when anything was replaced), holding that
 * one subject; made on first use with {@code micro.broker.nats.jetstream.*} (replicas, storage, max age), or taken as
 * it is when it exists.
 *
 * <pre>{@code
 * orders          -> stream MICRO-ORDERS, subject orders
 * orders.placed   -> stream MICRO-ORDERS_PLACED_1a2b3c4d, subject orders.placed
 * }</pre>
 *
 * <ul>
 *   <li>A publish completes when the stream stored the message (its acknowledgement), within
 *       {@code micro.broker.publish-timeout}; a {@code Micro-Id} header becomes {@code Nats-Msg-Id} (a random one
 *       without it), so an attempt repeated after no answer, or a publish retried within the stream's duplicate window
 *       (two minutes), is stored once.</li>
 *   <li>A queue group is a durable consumer named after the group: its members share it, and it keeps its place while
 *       every member is down. A broadcast subscriber is an ephemeral consumer of the new messages.</li>
 *   <li>A message is acknowledged when the subscriber returned (or acknowledged it); one that failed is delivered
 *       again after a back-off (20 ms doubling up to 1 s), to any member, and one not acknowledged within
 *       {@code .jetstream.ack-wait} is delivered again too, up to {@code .jetstream.max-deliver} deliveries in all
 *       (not {@code micro.broker.retries}: a member that keeps failing must not spend a message's attempts alone);
 *       after the last it goes to the dead-letter subject, itself kept in a stream, and is terminated.</li>
 * </ul>
 */
final class JetStreamTopics {

    /** The longest one publish attempt waits for the stream's acknowledgement before it is sent again. */
    private static final long ATTEMPT_MILLIS = 2_000;

    private final Connection connection;
    private final ScheduledExecutorService timer;
    private final NatsBrokerConfig config;
    private final JetStream js;
    private final JetStreamManagement jsm;
    /** Subject to its stream's name, once the stream is known to exist. */
    private final ConcurrentHashMap<String, String> streams = new ConcurrentHashMap<>();
    /** Publish attempts not yet answered, in the order sent. */
    private final java.util.concurrent.ConcurrentLinkedQueue<InFlight> inFlight =
            new java.util.concurrent.ConcurrentLinkedQueue<>();

    JetStreamTopics(Connection connection, NatsBrokerConfig config, ScheduledExecutorService timer) {
        this.connection = connection;
        this.timer = timer;
        this.config = config;
        try {
            this.js = connection.jetStream();
            this.jsm = connection.jetStreamManagement();
        } catch (IOException e) {
            throw new MicroException(Publication.ID, 503, "nats: JetStream unavailable: " + e.getMessage(),
                    "Service Unavailable", e);
        }
    }

    JetStream jetStream() {
        return js;
    }

    /** The stream name of {@code subject}. */
    String streamName(String subject) {
        String upper = subject.toUpperCase(Locale.ROOT);
        String clean = upper.replaceAll("[^A-Z0-9_-]", "_");
        if (clean.equals(upper)) {
            return config.jetStream().streamPrefix() + clean;
        }
        CRC32 crc = new CRC32();
        crc.update(subject.getBytes(StandardCharsets.UTF_8));
        return config.jetStream().streamPrefix() + clean + "_" + Long.toHexString(crc.getValue());
    }

    /**
     * Makes sure the stream of {@code subject} exists; its name.
     *
     * @throws MicroException 503 when JetStream cannot be reached or refuses
     */
    String ensure(String subject) {
        String known = streams.get(subject);
        if (known != null) {
            return known;
        }
        String name = streamName(subject);
        try {
            try {
                StreamInfo info = jsm.getStreamInfo(name);
                if (!info.getConfiguration().getSubjects().contains(subject)) {
                    throw new MicroException(Publication.ID, 500, "nats: stream " + name + " exists without subject "
                            + subject + " (subjects " + info.getConfiguration().getSubjects() + ")",
                            "Internal Server Error");
                }
            } catch (JetStreamApiException missing) {
                if (missing.getApiErrorCode() != 10059) { // stream not found
                    throw missing;
                }
                create(name, subject);
            }
        } catch (IOException | JetStreamApiException e) {
            throw new MicroException(Publication.ID, 503, "nats: stream " + name + " for " + subject + ": "
                    + e.getMessage(), "Service Unavailable", e);
        }
        streams.put(subject, name);
        return name;
    }

    private void create(String name, String subject) throws IOException, JetStreamApiException {
        StreamConfiguration sc = StreamConfiguration.builder()
                .name(name)
                .subjects(subject)
                .storageType(config.jetStream().memory() ? StorageType.Memory : StorageType.File)
                .replicas(config.jetStream().replicas())
                .maxAge(config.jetStream().maxAge())
                .build();
        try {
            jsm.addStream(sc);
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() != 10058) { // made meanwhile by another process: fine
                throw e;
            }
        }
    }

    /**
     * Publishes to the stream of {@code topic}; completes when it stored the message. An attempt that gets no answer
     * (a stream just made whose leader the other nodes do not know yet, a leader being elected after a node died) is
     * repeated under the same {@code Nats-Msg-Id} until {@code micro.broker.nats.jetstream.publish-timeout} (15 s,
     * longer than an election): the stream stores it once.
     */
    CompletableFuture<Void> publish(String topic, BrokerMessage message, byte[] payload) {
        String id = message.header().get("Micro-Id");
        Headers headers = new Headers().put("Nats-Msg-Id", id != null && !id.isEmpty() ? id : NUID.nextGlobal());
        CompletableFuture<Void> result = new CompletableFuture<>();
        long deadline = System.nanoTime() + config.jetStream().publishTimeout().toNanos();
        attempt(topic, headers, payload, deadline, 1, result);
        return result;
    }

    private void attempt(String topic, Headers headers, byte[] payload, long deadline, int n,
                         CompletableFuture<Void> result) {
        long left = deadline - System.nanoTime();
        CompletableFuture<PublishAck> ack;
        try {
            ensure(topic); // once known, a map lookup; made or looked up again after a failed attempt
            ack = js.publishAsync(topic, headers, payload);
            if (!ack.isDone()) {
                inFlight.add(new InFlight(ack, System.nanoTime() + Math.min(left,
                        TimeUnit.MILLISECONDS.toNanos(ATTEMPT_MILLIS))));
            }
        } catch (RuntimeException e) {
            ack = CompletableFuture.failedFuture(e);
        }
        ack.whenComplete((ok, failure) -> {
            if (failure == null) {
                result.complete(null);
                return;
            }
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure;
            long pause = Math.min(500, 25L << Math.min(n, 5));
            if (!refusal(cause) && deadline - System.nanoTime() > TimeUnit.MILLISECONDS.toNanos(pause)) {
                // on the broker's timer, which ends with the broker (the JDK's delayer thread would outlive it)
                try {
                    timer.schedule(() -> attempt(topic, headers, payload, deadline, n + 1, result), pause,
                            TimeUnit.MILLISECONDS);
                    return;
                } catch (java.util.concurrent.RejectedExecutionException disconnected) {
                    cause = new IllegalStateException("the broker disconnected", cause);
                }
            }
            boolean timedOut = cause instanceof java.util.concurrent.TimeoutException;
            result.completeExceptionally(Publication.failure(timedOut ? 408 : 503, topic,
                    "stream " + streamName(topic), (timedOut ? "not stored within "
                            + config.jetStream().publishTimeout().toMillis() + " ms" : "not stored: "
                            + cause.getMessage()) + " (" + n + " attempt(s))", cause));
        });
    }

    /** An attempt waiting for the stream's acknowledgement, and when it stops waiting. */
    private record InFlight(CompletableFuture<PublishAck> ack, long deadline) {
    }

    /**
     * Fails the attempts whose acknowledgement is late, and forgets the answered ones; run every 100 ms by the broker's
     * timer (a timeout scheduled per publish would cost more than the publish). Attempts are queued in the order they
     * were sent, so the sweep stops at the first one still in time; one sent later with an earlier deadline (the last
     * of a publish) fails at most one attempt's length late.
     */
    void expireAttempts() {
        long now = System.nanoTime();
        for (InFlight f; (f = inFlight.peek()) != null; ) {
            if (!f.ack().isDone()) {
                if (now - f.deadline() < 0) {
                    return;
                }
                f.ack().completeExceptionally(new java.util.concurrent.TimeoutException());
            }
            inFlight.poll();
        }
    }

    /** An answer that another attempt would get too: the stream refused the message (too large, say). */
    private static boolean refusal(Throwable cause) {
        return cause instanceof JetStreamApiException || cause instanceof IllegalArgumentException;
    }

    /** A dead letter, kept in a stream of its own subject. */
    CompletableFuture<Void> publishDeadLetter(String subject, BrokerMessage message, byte[] payload) {
        return publish(subject, message, payload);
    }

    NatsSubscription subscribe(NatsBroker broker, NatsBroker.Running running, String topic, Broker.Handler handler,
                               SubscribeOptions options) {
        return JetStreamSubscription.start(broker, running, this, topic, handler, options);
    }

    Connection connection() {
        return connection;
    }
}
