package io.microcdi.telemetry.otel;

import io.microcdi.metadata.Metadata;
import io.microcdi.telemetry.Observation;
import io.microcdi.telemetry.Telemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.TracerBuilder;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapPropagator;

import java.util.concurrent.ConcurrentHashMap;

/**
 * MicroCDI's calls and messages as OpenTelemetry spans: a SERVER span per call served, a CLIENT span per attempt, a
 * PRODUCER span per publish and a CONSUMER span per delivery, their trace context carried in Go Micro's metadata by
 * the {@link OpenTelemetry}'s propagators (W3C {@code traceparent} and {@code tracestate} by default).
 *
 * <pre>{@code
 * Telemetry t = new OtelTelemetry(openTelemetry, Conventions.V1_37);   // what OtelTelemetryProvider makes
 * Observation o = t.serverCall("mucp", "greeter", "Greeter.Hello", headers);
 * }</pre>
 *
 * <p>Names and attributes are made once per endpoint, topic and node address and looked up without allocating; a
 * hook allocates the span, its context and, for {@link Observation#propagate}, the headers it returns.
 */
final class OtelTelemetry implements Telemetry {

    /** The instrumentation scope of every span. */
    static final String SCOPE = "io.microcdi";

    private final Tracer tracer;
    private final TextMapPropagator propagator;
    /** The headers the propagator writes: a copy of the headers is sized for those they lack. */
    private final String[] fields;
    private final Conventions conventions;
    /** Per protocol: per service and endpoint. */
    private final ConcurrentHashMap<String, Memo<RpcNames>> rpc = new ConcurrentHashMap<>();
    /** Per broker plugin and topic. */
    private final Memo<MessagingNames> publishes = new Memo<>();
    /** Per broker plugin: per topic and subscriber. */
    private final ConcurrentHashMap<String, Memo<MessagingNames>> deliveries = new ConcurrentHashMap<>();
    /** {@code server.address} and {@code server.port} per node address ({@code host:port}), under {@code ""}. */
    private final Memo<Attributes> peers = new Memo<>();

    OtelTelemetry(OpenTelemetry openTelemetry, Conventions conventions) {
        TracerBuilder b = openTelemetry.tracerBuilder(SCOPE).setSchemaUrl(conventions.schemaUrl());
        String version = OtelTelemetry.class.getPackage().getImplementationVersion();
        if (version != null) {
            b.setInstrumentationVersion(version);
        }
        this.tracer = b.build();
        this.propagator = openTelemetry.getPropagators().getTextMapPropagator();
        this.fields = propagator.fields().toArray(new String[0]);
        this.conventions = conventions;
    }

    /** Its observations write {@code traceparent}: the built-in {@code trace} wrappers step aside. */
    @Override
    public boolean traces() {
        return true;
    }

    @Override
    public Observation serverCall(String protocol, String service, String endpoint, Metadata headers) {
        RpcNames n = rpcNames(protocol, service, endpoint);
        Context parent = propagator.extract(Context.current(), headers, MetadataCarrier.GETTER);
        Span span = tracer.spanBuilder(n.name()).setSpanKind(SpanKind.SERVER).setParent(parent)
                .setAllAttributes(n.attributes()).startSpan();
        return new OtelObservation(this, span, parent.with(span), OtelObservation.Role.SERVER, n.grpc(), true);
    }

    @Override
    public Observation clientAttempt(String protocol, String service, String endpoint, String address, int attempt,
                                     Metadata headers) {
        RpcNames n = rpcNames(protocol, service, endpoint);
        Context parent = callerContext(headers);
        Span span = tracer.spanBuilder(n.name()).setSpanKind(SpanKind.CLIENT).setParent(parent)
                .setAllAttributes(n.attributes()).setAllAttributes(peer(address))
                .setAttribute(Conventions.ATTEMPT, (long) attempt).startSpan();
        return new OtelObservation(this, span, parent.with(span), OtelObservation.Role.CLIENT, n.grpc(), true);
    }

    @Override
    public Observation publish(String broker, String topic, Metadata headers) {
        MessagingNames n = publishes.find(broker, topic);
        if (n == null) {
            n = publishes.keep(broker, topic, MessagingNames.publish(broker, topic));
        }
        Context parent = callerContext(headers);
        Span span = tracer.spanBuilder(n.name()).setSpanKind(SpanKind.PRODUCER).setParent(parent)
                .setAllAttributes(n.attributes()).startSpan();
        return new OtelObservation(this, span, parent.with(span), OtelObservation.Role.CLIENT, false, false);
    }

    /**
     * The span is a child of the message's creation context (the producer's span, carried in its headers), as the
     * messaging conventions allow for a single message; a span current on the delivering thread becomes a link.
     * Without a creation context, the current span (if any) is the parent.
     */
    @Override
    public Observation deliver(String broker, String topic, String queue, String subscriber, Metadata headers) {
        MessagingNames n = deliveryNames(broker, topic, queue, subscriber);
        Context created = propagator.extract(Context.root(), headers, MetadataCarrier.GETTER);
        SpanContext creation = Span.fromContext(created).getSpanContext();
        Context parent = creation.isValid() ? created : Context.current();
        SpanBuilder builder = tracer.spanBuilder(n.name()).setSpanKind(SpanKind.CONSUMER).setParent(parent)
                .setAllAttributes(n.attributes());
        SpanContext ambient = Span.current().getSpanContext();
        if (creation.isValid() && ambient.isValid() && !ambient.equals(creation)) {
            builder.addLink(ambient);
        }
        Span span = builder.startSpan();
        return new OtelObservation(this, span, parent.with(span), OtelObservation.Role.CLIENT, false, false);
    }

    /** {@code headers} with {@code context} written in by the propagator. */
    Metadata inject(Context context, Metadata headers) {
        int missing = 0;
        for (String f : fields) {
            if (!headers.contains(f)) {
                missing++;
            }
        }
        Metadata.Builder b = headers.toBuilder(missing);
        propagator.inject(context, b, MetadataCarrier.SETTER);
        return b.build();
    }

    Conventions conventions() {
        return conventions;
    }

    /**
     * The parent of an outgoing call or message: the current span when there is one (the handler's, made current
     * around it), else the span the headers carry (a handler's metadata carries its span, so a call made on
     * another thread is still its child), else none: a new trace.
     */
    private Context callerContext(Metadata headers) {
        Context current = Context.current();
        if (Span.fromContext(current).getSpanContext().isValid()) {
            return current;
        }
        return propagator.extract(current, headers, MetadataCarrier.GETTER);
    }

    private RpcNames rpcNames(String protocol, String service, String endpoint) {
        Memo<RpcNames> byService = rpc.get(protocol);
        if (byService == null) {
            byService = rpc.computeIfAbsent(protocol, p -> new Memo<>());
        }
        RpcNames n = byService.find(service, endpoint);
        return n != null ? n : byService.keep(service, endpoint, RpcNames.of(protocol, service, endpoint, conventions));
    }

    private MessagingNames deliveryNames(String broker, String topic, String queue, String subscriber) {
        Memo<MessagingNames> byTopic = deliveries.get(broker);
        if (byTopic == null) {
            byTopic = deliveries.computeIfAbsent(broker, b -> new Memo<>());
        }
        MessagingNames n = byTopic.find(topic, subscriber);
        // a subscriber has one queue per topic: another one replaces it
        return n != null && n.queue().equals(queue) ? n
                : byTopic.keep(topic, subscriber, MessagingNames.deliver(broker, topic, queue, subscriber));
    }

    private Attributes peer(String address) {
        Attributes a = peers.find("", address);
        return a != null ? a : peers.keep("", address, peerOf(address));
    }

    /** {@code server.address} and {@code server.port} of {@code host:port} ({@code [v6]:port} too). */
    static Attributes peerOf(String address) {
        AttributesBuilder a = Attributes.builder();
        int colon = address.lastIndexOf(':');
        String host = colon < 0 ? address : address.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        if (!host.isEmpty()) {
            a.put(Conventions.SERVER_ADDRESS, host);
        }
        if (colon >= 0) {
            try {
                a.put(Conventions.SERVER_PORT, Long.parseLong(address.substring(colon + 1)));
            } catch (NumberFormatException notAPort) {
                // an address without a port (a path, a name): the address alone
            }
        }
        return a.build();
    }

    @Override
    public String toString() {
        return "OtelTelemetry[" + tracer + ", " + propagator + ", " + conventions + "]";
    }
}
