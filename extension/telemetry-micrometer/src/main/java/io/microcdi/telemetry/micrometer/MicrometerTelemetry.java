package io.microcdi.telemetry.micrometer;

import io.microcdi.metadata.Metadata;
import io.microcdi.telemetry.Observation;
import io.microcdi.telemetry.Telemetry;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.http.Outcome;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.ToDoubleFunction;

/**
 * The framework's telemetry as Micrometer meters, named and tagged the way Micrometer's own instrumentation is
 * ({@code http.server.requests}): lower-case dotted names under {@code microcdi.} ({@code micro.} is the
 * configuration's), an {@code outcome} tag of {@code SUCCESS}, {@code CLIENT_ERROR}, {@code SERVER_ERROR} or
 * {@code UNKNOWN}, and a {@code code} tag holding the Go Micro error code ({@code 200} for a success).
 *
 * <pre>{@code
 * MeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
 * Telemetry telemetry = new MicrometerTelemetry(registry, MicrometerTelemetryConfig.DEFAULT);
 * // microcdi_server_requests_seconds_count{code="200",endpoint="Greeter.Hello",outcome="SUCCESS",...} 1
 * }</pre>
 *
 * <p>The meters of each service and endpoint (topic, subscriber) are registered once, on first use, and kept in
 * {@link MeterCache}s: a call finds them with a hash lookup keyed by a name it already has. A server call or a client
 * call then allocates one {@link Timing} (24 bytes with compressed references: the meters and the start time), an
 * attempt, a retry or an ejection nothing; what Micrometer allocates to record is its own. Timings do not carry trace
 * context: {@link Observation#propagate} keeps its default, the headers unchanged.
 *
 * <p>{@link #close} removes from the registry every meter this telemetry registered; the registry stays its owner's.
 */
public final class MicrometerTelemetry implements Telemetry {

    /** Timer: unary calls served, by protocol, service, endpoint, code and outcome. */
    public static final String SERVER_REQUESTS = "microcdi.server.requests";
    /** Gauge: calls being served now, by protocol, service and endpoint. */
    public static final String SERVER_ACTIVE = "microcdi.server.requests.active";
    /** Timer: calls made through the client, retries included, by service, endpoint, code and outcome. */
    public static final String CLIENT_REQUESTS = "microcdi.client.requests";
    /** Gauge: client calls in flight, by service and endpoint. */
    public static final String CLIENT_ACTIVE = "microcdi.client.requests.active";
    /** Counter: attempts of client calls (the first and each retry), by service and endpoint. */
    public static final String CLIENT_ATTEMPTS = "microcdi.client.attempts";
    /** Counter: retries after a failed attempt, by service, endpoint and the failure's code. */
    public static final String CLIENT_RETRIES = "microcdi.client.retries";
    /** Counter: nodes the selector ejected after failures, by service. */
    public static final String SELECTOR_EJECTIONS = "microcdi.selector.ejections";
    /** Timer: messages handed to the broker until it accepted them or failed to, by broker, topic and outcome. */
    public static final String BROKER_PUBLISH = "microcdi.broker.publish";
    /** Timer: messages delivered to subscriber methods, by broker, topic, queue, subscriber, code and outcome. */
    public static final String BROKER_DELIVER = "microcdi.broker.deliver";

    private final MeterRegistry registry;
    private final Clock clock;
    private final boolean histogram;
    private final boolean nodeTags;
    /** Everything registered here, for {@link #close}. */
    private final Set<Meter> registered = ConcurrentHashMap.newKeySet();

    /** Keyed by endpoint; then service, protocol. */
    private final MeterCache<Timed> server;
    /** Keyed by endpoint; then service. */
    private final MeterCache<Timed> client;
    /** Keyed by endpoint; then service, and the node's address when {@code node-tags} is on. */
    private final MeterCache<Counter> attempts;
    /** Keyed by endpoint; then service. */
    private final MeterCache<ByCode<Counter>> retries;
    /** Keyed by service. */
    private final MeterCache<Counter> ejections;
    /** Keyed by topic; then broker. */
    private final MeterCache<Timed> publishes;
    /** Keyed by subscriber; then broker, topic, queue. */
    private final MeterCache<Timed> deliveries;

    /** Records in {@code registry} as {@code config} says ({@link MicrometerTelemetryConfig#enabled} aside). */
    public MicrometerTelemetry(MeterRegistry registry, MicrometerTelemetryConfig config) {
        this.registry = registry;
        this.clock = registry.config().clock();
        this.histogram = config.histogram();
        this.nodeTags = config.nodeTags();
        this.server = new MeterCache<>((endpoint, service, protocol, unused) -> {
            Tags tags = Tags.of("protocol", protocol, "service", service, "endpoint", endpoint);
            return new Timed(this, SERVER_REQUESTS, "Unary calls served: from routing to the response", tags, true,
                    active(SERVER_ACTIVE, "Calls being served now", tags));
        });
        this.client = new MeterCache<>((endpoint, service, unused1, unused2) -> {
            Tags tags = Tags.of("service", service, "endpoint", endpoint);
            return new Timed(this, CLIENT_REQUESTS, "Calls made through the client, from their start to their "
                    + "outcome after any retries", tags, true, active(CLIENT_ACTIVE, "Client calls in flight", tags));
        });
        this.attempts = new MeterCache<>((endpoint, service, address, unused) -> {
            Tags tags = Tags.of("service", service, "endpoint", endpoint);
            return keep(Counter.builder(CLIENT_ATTEMPTS).description("Attempts of client calls: the first and each "
                    + "retry").tags(nodeTags ? tags.and("address", address) : tags).register(registry));
        });
        this.retries = new MeterCache<>((endpoint, service, unused1, unused2) -> {
            Tags tags = Tags.of("service", service, "endpoint", endpoint);
            return new ByCode<>(code -> keep(Counter.builder(CLIENT_RETRIES)
                    .description("Client calls retried after a failed attempt, by the failure's code")
                    .tags(tags.and("code", codeTag(code))).register(registry)));
        });
        this.ejections = new MeterCache<>((service, unused1, unused2, unused3) -> keep(
                Counter.builder(SELECTOR_EJECTIONS).description("Nodes the selector ejected after failures")
                        .tag("service", service).register(registry)));
        this.publishes = new MeterCache<>((topic, broker, unused1, unused2) -> new Timed(this, BROKER_PUBLISH,
                "Messages handed to the broker, until it accepted them or failed to",
                Tags.of("broker", broker, "topic", topic), false, null));
        this.deliveries = new MeterCache<>((subscriber, broker, topic, queue) -> new Timed(this, BROKER_DELIVER,
                "Messages delivered to subscriber methods, until the method returned",
                Tags.of("broker", broker, "topic", topic, "queue", queue, "subscriber", subscriber), true, null));
    }

    @Override
    public Observation serverCall(String protocol, String service, String endpoint, Metadata headers) {
        return server.get(endpoint, service, protocol, "").start();
    }

    @Override
    public Observation clientCall(String service, String endpoint) {
        return client.get(endpoint, service, "", "").start();
    }

    @Override
    public Observation clientAttempt(String protocol, String service, String endpoint, String address, int attempt,
                                     Metadata headers) {
        attempts.get(endpoint, service, nodeTags ? address : "", "").increment();
        return Observation.NONE;
    }

    @Override
    public void retried(String service, String endpoint, int code) {
        retries.get(endpoint, service, "", "").get(code).increment();
    }

    @Override
    public void ejected(String service) {
        ejections.get(service, "", "", "").increment();
    }

    @Override
    public Observation publish(String broker, String topic, Metadata headers) {
        return publishes.get(topic, broker, "", "").start();
    }

    @Override
    public Observation deliver(String broker, String topic, String queue, String subscriber, Metadata headers) {
        return deliveries.get(subscriber, broker, topic, queue).start();
    }

    /** Registered as is: Micrometer's gauge holds {@code owner} weakly, so {@code value} must not capture it. */
    @Override
    public <T> void gauge(String name, String description, Map<String, String> tags, T owner,
                          ToDoubleFunction<T> value) {
        Tags t = Tags.empty();
        for (Map.Entry<String, String> e : tags.entrySet()) {
            t = t.and(e.getKey(), e.getValue());
        }
        keep(Gauge.builder(name, owner, value).description(description).tags(t).register(registry));
    }

    /** Removes this telemetry's meters from the registry, which is left open. */
    @Override
    public void close() {
        for (MeterCache<?> c : new MeterCache<?>[] {server, client, attempts, retries, ejections, publishes,
                deliveries}) {
            c.clear();
        }
        for (Meter m : registered) {
            registry.remove(m);
        }
        registered.clear();
    }

    @Override
    public String toString() {
        return "MicrometerTelemetry[registry=" + registry.getClass().getSimpleName() + ", histogram=" + histogram
                + ", nodeTags=" + nodeTags + "]";
    }

    private <M extends Meter> M keep(M meter) {
        registered.add(meter);
        return meter;
    }

    private LongAdder active(String name, String description, Tags tags) {
        LongAdder inFlight = new LongAdder();
        // the Timed holding it keeps it from being collected (Micrometer holds a gauge's object weakly)
        keep(Gauge.builder(name, inFlight, LongAdder::sum).description(description).tags(tags).register(registry));
        return inFlight;
    }

    /** {@code 200} for a success (code 0), as Micrometer's HTTP instrumentation tags a status. */
    static String codeTag(int code) {
        return code == 0 ? "200" : code == ByCode.OTHER ? "other" : Integer.toString(code);
    }

    /** Micrometer's outcome of the HTTP status a Go Micro code is. */
    static String outcome(int code) {
        return Outcome.forStatus(code == 0 ? 200 : code).name();
    }

    /** The timers of one endpoint (topic, subscriber), by code, and its calls in flight. */
    static final class Timed {
        private final Clock clock;
        private final ByCode<Timer> timers;
        /** {@code null} when nothing counts the calls in flight. */
        private final LongAdder active;

        Timed(MicrometerTelemetry t, String name, String description, Tags tags, boolean codeTag, LongAdder active) {
            this.clock = t.clock;
            this.active = active;
            this.timers = new ByCode<>(code -> {
                Tags all = tags.and("outcome", outcome(code));
                Timer.Builder b = Timer.builder(name).description(description)
                        .tags(codeTag ? all.and("code", codeTag(code)) : all);
                if (t.histogram) {
                    b.publishPercentileHistogram(); // else the registry's MeterFilters decide
                }
                return t.keep(b.register(t.registry));
            });
        }

        Observation start() {
            if (active != null) {
                active.increment();
            }
            return new Timing(this, clock.monotonicTime());
        }

        void end(int code, long start) {
            // read before the timer is found: the first end with a code registers it, which the call did not take
            long elapsed = clock.monotonicTime() - start;
            if (active != null) {
                active.decrement();
            }
            timers.get(code).record(elapsed, TimeUnit.NANOSECONDS);
        }
    }

    /** One call, message or delivery being timed: all a call allocates here. */
    static final class Timing implements Observation {
        private final Timed meters;
        private final long start;

        Timing(Timed meters, long start) {
            this.meters = meters;
            this.start = start;
        }

        @Override
        public void end(int code, Throwable error) {
            meters.end(code, start);
        }
    }
}
