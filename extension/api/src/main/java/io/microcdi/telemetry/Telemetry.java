package io.microcdi.telemetry;

import io.microcdi.metadata.Metadata;

import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The hooks the framework calls as it serves, calls, publishes and delivers, for metrics and traces. Every method
 * has a default that observes nothing, so an implementation overrides only what it records.
 *
 * <pre>{@code
 * Telemetry t = telemetry.enabled() ? telemetry : Telemetry.NONE;          // call sites test enabled() once
 * Observation o = t.clientAttempt("mucp", "greeter", "Greeter.Hello", "127.0.0.1:8080", 1, headers);
 * }</pre>
 *
 * <p>Names in the arguments are low in cardinality by construction: a service and an endpoint the server serves (or
 * {@link #UNKNOWN} for a request it routed nowhere), a topic a subscriber or publisher was declared with, a
 * protocol ({@code mucp}, {@code grpc}), a broker plugin name. Node addresses are given where a library's conventions
 * record the peer (a span's {@code server.address}); metrics should leave them out unless asked.
 *
 * <p>Implementations are thread safe; {@link #close} is called once the container stops.
 */
public interface Telemetry extends AutoCloseable {

    /** The endpoint (and service) of a request that named none this server serves: one tag value for all of them. */
    String UNKNOWN = "unknown";

    /** No telemetry: every hook observes nothing, and {@link #enabled()} says so. */
    Telemetry NONE = new Telemetry() {
        @Override
        public boolean enabled() {
            return false;
        }

        @Override
        public String toString() {
            return "Telemetry.NONE";
        }
    };

    /**
     * Whether any hook records anything. Call sites keep {@link #NONE}'s {@code false} in a final field and skip the
     * hooks (and any allocation for them) on the hot path.
     */
    default boolean enabled() {
        return true;
    }

    /**
     * Whether this telemetry carries the W3C trace context itself (its observations' {@link Observation#propagate}
     * write {@code traceparent}): then the built-in {@code trace} wrappers step aside, so that every span id on the
     * wire is one the tracer knows.
     */
    default boolean traces() {
        return false;
    }

    /**
     * A unary call is about to be handled (after routing, before decoding): a server timer and span.
     *
     * @param protocol {@code mucp} (Go Micro's HTTP protocol, its codecs and envelopes) or {@code grpc}
     * @param headers  the request's headers as received, with the caller's trace context
     */
    default Observation serverCall(String protocol, String service, String endpoint, Metadata headers) {
        return Observation.NONE;
    }

    /**
     * A call made through the client, from its start to its outcome after any retries: a client timer. Its attempts
     * are {@link #clientAttempt}s.
     */
    default Observation clientCall(String service, String endpoint) {
        return Observation.NONE;
    }

    /**
     * One attempt of a call, on the node the selector chose: a client span (a retry is a new attempt).
     *
     * @param address the node's address, {@code host:port}
     * @param attempt 1 for the first attempt
     * @param headers the headers the attempt sends; {@link Observation#propagate} adds the trace context
     */
    default Observation clientAttempt(String protocol, String service, String endpoint, String address, int attempt,
                                      Metadata headers) {
        return Observation.NONE;
    }

    /** A call is retried after a failed attempt ({@code code}: the failure's code, 500 for an unreachable node). */
    default void retried(String service, String endpoint, int code) {
    }

    /** The selector ejected a node of {@code service} after failures (it returns to the rotation later). */
    default void ejected(String service) {
    }

    /**
     * A message is handed to the broker: a producer span and a publish counter, ended when the broker accepted it
     * or failed to.
     *
     * @param broker  the broker plugin's name ({@code http}, {@code nats}, {@code kafka}, ...)
     * @param headers the message's headers; {@link Observation#propagate} adds the trace context
     */
    default Observation publish(String broker, String topic, Metadata headers) {
        return Observation.NONE;
    }

    /**
     * A message is delivered to a subscriber method: a consumer span (a child of the producer's) and a delivery
     * timer.
     *
     * @param subscriber {@code Class.method}
     * @param queue      the queue group, {@code ""} for broadcast
     */
    default Observation deliver(String broker, String topic, String queue, String subscriber, Metadata headers) {
        return Observation.NONE;
    }

    /**
     * A value to sample while the container runs, such as the nodes the selector's cache holds or the connections
     * a transport has open. {@code value} is applied to {@code owner} at each sample; the telemetry holds
     * {@code owner} weakly, so a gauge never keeps a stopped part alive.
     *
     * @param name        the meter's name, dot separated, under {@code microcdi.} ({@code micro.} is configuration's):
     *                    {@code microcdi.selector.cache.nodes}
     * @param description what it measures, with its unit
     * @param tags        low-cardinality tags
     */
    default <T> void gauge(String name, String description, Map<String, String> tags, T owner,
                           ToDoubleFunction<T> value) {
    }

    /** Releases what the telemetry registered; the libraries' own registries are left to their owners. */
    @Override
    default void close() {
    }
}
