package io.microcdi.telemetry;

import io.microcdi.config.MicroConfig;

import java.util.Optional;

/**
 * Makes a {@link Telemetry} for one library, when the application has it: found by {@link java.util.ServiceLoader}
 * ({@code META-INF/services/io.microcdi.telemetry.TelemetryProvider}) in the telemetry modules. Every provider whose
 * {@link #create} gives one is used; the framework combines them.
 *
 * <pre>{@code
 * public Optional<Telemetry> create(MicroConfig config, Beans beans) {
 *     MeterRegistry registry = beans.get(MeterRegistry.class).orElse(Metrics.globalRegistry);
 *     return Optional.of(new MicrometerTelemetry(registry, config));
 * }
 * }</pre>
 */
public interface TelemetryProvider {

    /** The name in {@code micro.telemetry.<name>.enabled} and in messages: {@code micrometer}, {@code otel}. */
    String name();

    /**
     * This library's telemetry, or empty when it is off ({@code micro.telemetry.<name>.enabled=false}) or has nothing
     * to report to.
     *
     * @param beans the container's beans of a type (a {@code MeterRegistry}, an {@code OpenTelemetry}), when there is
     *              a container; {@link Beans#NONE} otherwise
     */
    Optional<Telemetry> create(MicroConfig config, Beans beans);

    /** Looks up the one bean of a type in the container the framework runs in. */
    interface Beans {

        /** No container: no beans. */
        Beans NONE = new Beans() {
            @Override
            public <T> Optional<T> get(Class<T> type) {
                return Optional.empty();
            }
        };

        /** The bean of {@code type} if exactly one resolves (an ambiguous type gives none). */
        <T> Optional<T> get(Class<T> type);
    }
}
