package io.microcdi.telemetry.micrometer;

import io.microcdi.config.MicroConfig;

/**
 * Settings of the {@code micrometer} telemetry, read once from {@code micro.telemetry.micrometer.*}; a bad value fails
 * at start, naming its key and what it accepts.
 *
 * <pre>{@code
 * micro.telemetry.micrometer.histogram=false     # the registry's MeterFilters decide on buckets
 * micro.telemetry.micrometer.node-tags=true      # attempts counted per node address
 * }</pre>
 *
 * @param enabled   whether the telemetry records anything
 * @param histogram whether the timers publish percentile histograms (Prometheus' {@code _bucket} series); when
 *                  {@code false} the registry's own configuration decides
 * @param nodeTags  whether the client's attempts carry the node's address as a tag: one series per node, so off
 *                  unless asked
 */
public record MicrometerTelemetryConfig(boolean enabled, boolean histogram, boolean nodeTags) {

    public static final String ENABLED = "micro.telemetry.micrometer.enabled";
    public static final String HISTOGRAM = "micro.telemetry.micrometer.histogram";
    public static final String NODE_TAGS = "micro.telemetry.micrometer.node-tags";

    /** On, with histograms, without node addresses. */
    public static final MicrometerTelemetryConfig DEFAULT = new MicrometerTelemetryConfig(true, true, false);

    /** Reads the keys; every one is checked, even when {@code enabled=false}, so that a typo never waits. */
    public static MicrometerTelemetryConfig from(MicroConfig config) {
        return new MicrometerTelemetryConfig(config.bool(ENABLED, DEFAULT.enabled()),
                config.bool(HISTOGRAM, DEFAULT.histogram()), config.bool(NODE_TAGS, DEFAULT.nodeTags()));
    }
}
