package io.microcdi.gateway;

import io.microcdi.config.MicroConfig;
import io.microcdi.errors.MicroException;
import java.time.Duration;
import java.util.Map;

/**
 * The deadline a caller asks for with the {@code Timeout} header: Go Micro's form, decimal nanoseconds
 * ({@code Timeout: 2000000000}), or a duration with its unit ({@code Timeout: 2s}, {@code 500ms}); without one, the
 * client's timeout for the service ({@code micro.client.<service>.request-timeout}, 5 s by default). Never more than
 * {@code micro.gateway.max-timeout}.
 *
 * <pre>{@code
 * Deadlines.of("250ms", Duration.ofSeconds(5), Duration.ofSeconds(60));   // PT0.25S
 * }</pre>
 */
public final class Deadlines {

    /** The header, as Go Micro's clients send it. */
    public static final String HEADER = "Timeout";

    private Deadlines() {
    }

    /**
     * The deadline of a call whose {@code Timeout} header is {@code header} ({@code null}: none).
     *
     * @throws MicroException 400 when the header is neither a positive number of nanoseconds nor a duration
     */
    public static Duration of(String header, Duration fallback, Duration max) {
        Duration d = header == null || header.isBlank() ? fallback : parse(header.trim());
        return d.compareTo(max) > 0 ? max : d;
    }

    private static Duration parse(String v) {
        if (isDigits(v)) {
            try {
                long nanos = Long.parseLong(v);
                if (nanos > 0) {
                    return Duration.ofNanos(nanos);
                }
            } catch (NumberFormatException ignored) {
                // too long: reported below
            }
        } else {
            try {
                return MicroConfig.of(Map.of(HEADER, v)).duration(HEADER, Duration.ofSeconds(1));
            } catch (IllegalArgumentException ignored) {
                // reported below
            }
        }
        throw MicroException.badRequest(Reply.ID, "Timeout: %s (expected: nanoseconds > 0, or a duration such as "
                + "500ms or 2s)", v);
    }

    private static boolean isDigits(String v) {
        for (int i = 0; i < v.length(); i++) {
            if (v.charAt(i) < '0' || v.charAt(i) > '9') {
                return false;
            }
        }
        return !v.isEmpty();
    }
}
