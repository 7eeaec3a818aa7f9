package io.microcdi.internal.broker;

import io.microcdi.context.CallContext;
import io.microcdi.context.CallContexts;
import io.microcdi.internal.context.InboundHeaders;
import io.microcdi.broker.Broker;
import io.microcdi.broker.BrokerMessage;
import io.microcdi.broker.Event;
import io.microcdi.codec.Codec;
import io.microcdi.codec.CodecException;
import io.microcdi.codec.Codecs;
import io.microcdi.errors.MicroException;
import io.microcdi.metadata.Metadata;
import io.microcdi.telemetry.Observation;
import io.microcdi.telemetry.Telemetry;

import java.lang.invoke.MethodHandle;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One {@code @Subscribe} method, resolved once at start: its topic and queue, a decoder per codec and a method handle
 * bound to the bean. Delivering a message is a header read, a decode and an invocation: no reflection.
 *
 * <pre>{@code
 * SubscriberMethod m = SubscriberModel.define(Audit.class, audit, codecs, config).get(0);
 * broker.subscribe(m.topic(), m, m.options());
 * }</pre>
 *
 * <p>A delivery fails (the handler throws a {@link MicroException}) when the message's {@code Content-Type} has no
 * codec (415), its body does not decode into the payload type (400), or the method throws or its stage fails (the
 * method's {@code MicroException} as is, anything else as a 500 naming the method). What a failed delivery leads to
 * (a retry on another member of the group, a failed publish) is the broker's to decide.
 *
 * <p>The method (and its interceptors) runs with the message's {@link CallContext} attached: topic, subscriber,
 * publishing service and metadata, carried on by the calls and messages it sends.
 *
 * <p>It runs on the thread the broker calls it on: the brokers here call handlers on their worker pool (virtual
 * threads, or {@code micro.broker.handler-threads}), never on an I/O thread, so it does not hop again. A method
 * returning a stage keeps that worker until the stage completes: the broker learns the outcome from the return.
 */
public final class SubscriberMethod implements Broker.Handler {

    /** A message without {@code Content-Type} is read as JSON, as the RPC server reads requests. */
    public static final String DEFAULT_CONTENT_TYPE = "application/json";
    static final String ID = "go.micro.server";

    private final long waitNanos;
    private final String name;
    private final String topic;
    private final String queue;
    private final MethodHandle invoker;
    private final boolean async;
    private final Codecs codecs;
    private final Map<Codec, Codec.Decoder<?>> decoders;
    private final String service;
    private final String endpoint;
    /** Where deliveries are reported, as {@link #broker}'s; set once before subscribing. */
    private Telemetry telemetry = Telemetry.NONE;
    private String broker = "";
    private boolean observed;

    /**
     * @param name     {@code Class#method}, for errors
     * @param invoker  shaped {@code (Object payload, Metadata headers) -> Object}, bound to the bean
     * @param async    whether the result is a {@link CompletionStage} to wait for
     * @param decoders a decoder of the payload type for each codec of {@code codecs}
     * @param waitNanos how long a worker waits for an async subscriber's stage ({@code micro.broker.publish-timeout}:
     *                  no publisher waits longer)
     * @param service  the service of this process, for the message's {@link CallContext} ({@code ""}: none)
     * @param endpoint {@code Class.method}, for the message's {@link CallContext}
     */
    SubscriberMethod(String name, String topic, String queue, MethodHandle invoker, boolean async, Codecs codecs,
                     Map<Codec, Codec.Decoder<?>> decoders, long waitNanos, String service, String endpoint) {
        this.service = service;
        this.endpoint = endpoint;
        this.waitNanos = waitNanos;
        this.name = name;
        this.topic = topic;
        this.queue = queue;
        this.invoker = invoker;
        this.async = async;
        this.codecs = codecs;
        this.decoders = Map.copyOf(decoders);
    }

    /** {@code Class#method}. */
    public String name() {
        return name;
    }

    /** The topic, its expressions resolved. */
    public String topic() {
        return topic;
    }

    /** The queue group, its expressions resolved; {@code ""} for broadcast. */
    public String queue() {
        return queue;
    }

    /** Reports each delivery to {@code telemetry}, as one of {@code broker}'s; before the subscription is made. */
    void observe(Telemetry telemetry, String broker) {
        this.telemetry = telemetry;
        this.broker = broker;
        this.observed = telemetry.enabled();
    }

    @Override
    public void handle(Event event) throws Exception {
        BrokerMessage message = event.message();
        Metadata header = message.header();
        Metadata received = InboundHeaders.metadata(header);
        if (!observed) {
            deliver(header, message.body(), received, received);
            return;
        }
        Observation o = telemetry.deliver(broker, topic, queue, endpoint, header);
        try (Observation.Scope ignored = o.makeCurrent()) {
            deliver(header, message.body(), received, o.propagate(received));
        } catch (Exception | Error e) {
            o.end(e instanceof MicroException me ? me.code() : 500, e);
            throw e;
        }
        o.end(0, null);
    }

    /**
     * Decodes the payload and runs the method with the message attached as the current call: {@code received} is
     * what arrived, {@code metadata} what the method's calls carry on.
     */
    private void deliver(Metadata header, byte[] body, Metadata received, Metadata metadata) throws Exception {
        Object payload = decode(header, body);
        String from = header.get("Micro-From-Service");
        CallContext outer = CallContexts.attach(CallContexts.message(topic, service, endpoint,
                from != null ? from : header.get("X-Micro-From-Service"), "", received, metadata));
        try {
            Object result;
            try {
                result = (Object) invoker.invokeExact(payload, header);
            } catch (Throwable t) {
                throw failure(t);
            }
            if (async) {
                await(result);
            }
        } finally {
            CallContexts.restore(outer);
        }
    }

    private Object decode(Metadata header, byte[] body) {
        String contentType = header.getOrDefault("Content-Type", "");
        if (contentType.isBlank()) {
            contentType = DEFAULT_CONTENT_TYPE;
        }
        Codec codec = codecs.get(contentType);
        Codec.Decoder<?> decoder = codec == null ? null : decoders.get(codec);
        if (decoder == null) {
            throw new MicroException(ID, 415, name + ": topic " + topic + ": no codec for Content-Type " + contentType
                    + " (expected: one of " + String.join(", ", decoders.keySet().stream().map(Codec::contentType)
                    .sorted().toList()) + ")",
                    MicroException.statusText(415));
        }
        try {
            return decoder.decode(body);
        } catch (CodecException e) {
            throw new MicroException(ID, 400, name + ": topic " + topic + ": " + e.getMessage(),
                    MicroException.statusText(400), e);
        }
    }

    private void await(Object result) throws Exception {
        if (result == null) {
            throw new MicroException(ID, 500, name + " returned no CompletionStage", MicroException.statusText(500));
        }
        // whenComplete rather than toCompletableFuture: not every stage implements the latter
        CompletableFuture<Object> done = new CompletableFuture<>();
        ((CompletionStage<?>) result).whenComplete((v, e) -> {
            if (e != null) {
                done.completeExceptionally(e);
            } else {
                done.complete(v);
            }
        });
        try {
            // bounded: a stage that never completes must not hold a worker (64 of them on JDK 17) for ever
            done.get(waitNanos, TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            throw failure(e.getCause());
        } catch (TimeoutException e) {
            throw new MicroException(ID, 408, name + ": its CompletionStage did not complete within "
                    + TimeUnit.NANOSECONDS.toMillis(waitNanos) + " ms (micro.broker.publish-timeout)",
                    MicroException.statusText(408), e);
        }
    }

    private Exception failure(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof MicroException e) {
            return e;
        }
        if (t instanceof VirtualMachineError e) {
            throw e; // not the subscriber's failure: nothing to report to the publisher
        }
        String detail = t.getMessage() == null || t.getMessage().isEmpty() ? t.getClass().getName() : t.getMessage();
        return new MicroException(ID, 500, name + ": " + detail, MicroException.statusText(500), t);
    }

    @Override
    public String toString() {
        return name + " <- " + topic + (queue.isEmpty() ? "" : " (queue " + queue + ")");
    }
}
