package io.microcdi.telemetry.micrometer;

import io.microcdi.config.MicroConfig;
import io.microcdi.telemetry.Telemetry;
import io.microcdi.telemetry.TelemetryProvider;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;

import java.util.Optional;

/**
 * Makes the {@code micrometer} telemetry when this module is on the class path: it records in the container's
 * {@link MeterRegistry} bean when there is exactly one, else in {@link Metrics#globalRegistry}.
 *
 * <pre>{@code
 * Telemetry t = new MicrometerTelemetryProvider().create(config, TelemetryProvider.Beans.NONE).orElseThrow();
 * }</pre>
 */
public final class MicrometerTelemetryProvider implements TelemetryProvider {

    /** The name in {@code micro.telemetry.micrometer.*}. */
    public static final String NAME = "micrometer";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Optional<Telemetry> create(MicroConfig config, Beans beans) {
        MicrometerTelemetryConfig settings = MicrometerTelemetryConfig.from(config);
        if (!settings.enabled()) {
            return Optional.empty();
        }
        MeterRegistry registry = beans.get(MeterRegistry.class).orElse(Metrics.globalRegistry);
        return Optional.of(new MicrometerTelemetry(registry, settings));
    }
}
