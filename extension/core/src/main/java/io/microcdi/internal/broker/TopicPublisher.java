package io.microcdi.internal.broker;

import io.microcdi.context.CallContext;
import io.microcdi.context.CallContexts;
import io.microcdi.broker.Broker;
import io.microcdi.broker.BrokerMessage;
import io.microcdi.broker.Publisher;
import io.microcdi.codec.Codec;
import io.microcdi.codec.CodecException;
import io.microcdi.errors.MicroException;
import io.microcdi.internal.context.OutboundHeaders;
import io.microcdi.internal.exec.HandlerExecutors;
import io.microcdi.metadata.Metadata;
import io.microcdi.telemetry.Observation;
import io.microcdi.telemetry.Telemetry;

import java.lang.reflect.Type;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The {@link Publisher} behind {@code @Inject @Topic("orders") Publisher<OrderPlaced>}: encodes with one codec (its
 * encoder made once), sets {@code Content-Type}, {@code Micro-Topic} and a new {@code Micro-Id} over the caller's
 * metadata, as Go Micro's client does, and publishes through the broker.
 *
 * <pre>{@code
 * Publisher<OrderPlaced> orders = new TopicPublisher<>("orders", OrderPlaced.class, broker, json, Duration.ofSeconds(5));
 * orders.publish(new OrderPlaced(42, "book"), Metadata.of("X-Tenant", "acme"));
 * }</pre>
 *
 * <p>{@code publish} waits for the broker up to the publish timeout plus a margin (the broker bounds its own work by
 * the same timeout; the margin only guards against a stalled broker). Errors are {@link MicroException}s: the
 * broker's as is, others as a 500 naming the topic, a timeout as a 408. The stages of {@code publishAsync} complete
 * on a callback executor, never on an I/O thread.
 *
 * @param <T> the payload type
 */
public final class TopicPublisher<T> implements Publisher<T> {

    /** The key and default of the publish timeout. */
    public static final String PUBLISH_TIMEOUT = "micro.broker.publish-timeout";
    public static final Duration DEFAULT_PUBLISH_TIMEOUT = Duration.ofSeconds(5);

    static final String ID = "go.micro.client";
    private static final long STALL_MARGIN_MILLIS = 1000;

    /** Where publishes are reported; {@link Telemetry#NONE} when not observed. */
    private final Telemetry telemetry;
    private final boolean observed;
    private final String topic;
    private final Broker broker;
    private final String contentType;
    private final Codec.Encoder encoder;
    private final Duration timeout;
    private final long waitMillis;
    /** Content-Type and Micro-Topic, the headers of a message without caller metadata but its id. */
    private final Metadata base;

    /** A publisher of {@code payloadType} values to {@code topic}, encoding with {@code codec}. */
    public TopicPublisher(String topic, Type payloadType, Broker broker, Codec codec, Duration timeout) {
        this(topic, payloadType, broker, codec, timeout, Telemetry.NONE);
    }

    /** As {@link #TopicPublisher(String, Type, Broker, Codec, Duration)}, each publish reported to {@code telemetry}. */
    public TopicPublisher(String topic, Type payloadType, Broker broker, Codec codec, Duration timeout,
                          Telemetry telemetry) {
        this.telemetry = telemetry;
        this.observed = telemetry.enabled();
        this.topic = topic;
        this.broker = broker;
        this.contentType = codec.contentType();
        this.encoder = codec.encoder(payloadType);
        this.timeout = timeout;
        this.waitMillis = timeout.toMillis() + STALL_MARGIN_MILLIS;
        this.base = Metadata.of("Content-Type", contentType, "Micro-Topic", topic);
    }

    @Override
    public String topic() {
        return topic;
    }

    @Override
    public void publish(T message) {
        publish(message, Metadata.empty());
    }

    @Override
    public void publish(T message, Metadata metadata) {
        CompletableFuture<Void> f = send(message, metadata);
        try {
            f.get(waitMillis, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw failure(e.getCause());
        } catch (TimeoutException e) {
            f.cancel(false);
            throw timedOut(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            f.cancel(false);
            throw new MicroException(ID, 408, "interrupted while publishing to " + topic,
                    MicroException.statusText(408), e);
        }
    }

    @Override
    public CompletionStage<Void> publishAsync(T message) {
        return publishAsync(message, Metadata.empty());
    }

    @Override
    public CompletionStage<Void> publishAsync(T message, Metadata metadata) {
        CompletableFuture<Void> f;
        try {
            f = send(message, metadata);
        } catch (MicroException e) {
            return CompletableFuture.failedFuture(e);
        }
        // a copy carries the timeout, so the broker's own future is left alone; the broker completes on an I/O
        // thread: handleAsync moves the caller's continuations off it (thenApplyAsync would not for a failure)
        return HandlerExecutors.orTimeout(f.copy(), TimeUnit.MILLISECONDS.toNanos(waitMillis)).handleAsync((ok, error) -> {
            if (error != null) {
                Throwable cause = unwrap(error);
                throw new CompletionException(cause instanceof TimeoutException t ? timedOut(t) : failure(cause));
            }
            return null;
        }, HandlerExecutors.callbacks(CallContexts.current()));
    }

    /** Encodes and hands the message to the broker. */
    private CompletableFuture<Void> send(T message, Metadata metadata) {
        byte[] body;
        try {
            body = encoder.encode(message);
        } catch (CodecException e) {
            throw new MicroException(ID + ".codec", 500, "publish to " + topic + ": " + e.getMessage(),
                    MicroException.statusText(500), e);
        }
        CallContext inbound = CallContexts.current();
        if (inbound.active()) {
            metadata = OutboundHeaders.metadata(metadata, inbound);
        }
        Metadata header = metadata.isEmpty()
                ? base.toBuilder(1).put("Micro-Id", newId()).build()
                : metadata.toBuilder(3).put("Content-Type", contentType).put("Micro-Topic", topic)
                        .put("Micro-Id", newId()).build();
        if (!observed) {
            try {
                return broker.publish(topic, new BrokerMessage(header, body));
            } catch (RuntimeException e) {
                throw failure(e);
            }
        }
        Observation o = telemetry.publish(broker.name(), topic, header);
        CompletableFuture<Void> f;
        try {
            f = broker.publish(topic, new BrokerMessage(o.propagate(header), body));
        } catch (RuntimeException e) {
            MicroException m = failure(e);
            o.end(m.code(), m);
            throw m;
        }
        f.whenComplete((ok, error) -> {
            if (error == null) {
                o.end(0, null);
            } else {
                MicroException m = failure(error);
                o.end(m.code(), m);
            }
        });
        return f;
    }

    private MicroException failure(Throwable t) {
        Throwable cause = unwrap(t);
        if (cause instanceof MicroException e) {
            return e;
        }
        String detail = cause.getMessage() == null || cause.getMessage().isEmpty()
                ? cause.getClass().getName() : cause.getMessage();
        return new MicroException(ID, 500, "publish to " + topic + ": " + detail, MicroException.statusText(500),
                cause);
    }

    private MicroException timedOut(TimeoutException e) {
        return new MicroException(ID, 408, "publish to " + topic + ": not accepted within " + timeout,
                MicroException.statusText(408), e);
    }

    private static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /** A random (version 4) UUID, as Go Micro's {@code Micro-Id}; drawn without SecureRandom's lock. */
    static String newId() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        long hi = (r.nextLong() & ~0xF000L) | 0x4000L;
        long lo = (r.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(hi, lo).toString();
    }

    @Override
    public String toString() {
        return "Publisher(" + topic + ", " + contentType + ")";
    }
}
