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
        Optional<MeterRegistry> bean = beans.get(MeterRegistry.class);
        if (bean.isEmpty() && Metrics.globalRegistry.getRegistries().isEmpty()) {
            // nothing would keep what is recorded: no cost instead (a registry added to the global one before the
            // container starts, or a MeterRegistry bean, turns it on)
            return Optional.empty();
        }
        return Optional.of(new MicrometerTelemetry(bean.orElse(Metrics.globalRegistry), settings));
    }
}
