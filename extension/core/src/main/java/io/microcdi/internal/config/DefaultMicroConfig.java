package io.microcdi.internal.config;

import io.microcdi.config.MicroConfig;
import org.eclipse.microprofile.config.Config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * {@link MicroConfig} over any key lookup: MicroProfile Config in a container, a map in tests.
 *
 * <pre>{@code
 * MicroConfig config = DefaultMicroConfig.of(ConfigProvider.getConfig());
 * MicroConfig test = DefaultMicroConfig.of(Map.of("micro.registry", "memory"));
 * }</pre>
 */
public final class DefaultMicroConfig implements MicroConfig {

    private final Function<String, Optional<String>> lookup;

    private DefaultMicroConfig(Function<String, Optional<String>> lookup) {
        this.lookup = lookup;
    }

    /** Reads MicroProfile Config (so {@code MICRO_REGISTRY} in the environment sets {@code micro.registry}). */
    public static MicroConfig of(Config config) {
        return new DefaultMicroConfig(key -> config.getOptionalValue(key, String.class));
    }

    /** Reads a fixed map. */
    public static MicroConfig of(Map<String, String> values) {
        Map<String, String> copy = Map.copyOf(values);
        return new DefaultMicroConfig(key -> Optional.ofNullable(copy.get(key)));
    }

    @Override
    public Optional<String> get(String key) {
        return lookup.apply(key).map(String::trim).filter(v -> !v.isEmpty());
    }

    @Override
    public Duration duration(String key, Duration fallback) {
        Optional<String> raw = get(key);
        if (raw.isEmpty()) {
            return fallback;
        }
        String v = raw.get();
        Duration d;
        try {
            d = parseDuration(v);
        } catch (RuntimeException e) {
            throw MicroConfig.invalid(key, v, "a duration such as 500ms, 5s, 1m, 2h or PT5S");
        }
        if (d.isNegative() || (d.isZero() && !fallback.isZero())) {
            throw MicroConfig.invalid(key, v, "a duration > 0");
        }
        return d;
    }

    @Override
    public int integer(String key, int fallback, int min, int max) {
        Optional<String> raw = get(key);
        if (raw.isEmpty()) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(raw.get());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below with the key
        }
        throw MicroConfig.invalid(key, raw.get(), "an integer in [" + min + ", " + max + "]");
    }

    @Override
    public long size(String key, long fallback) {
        Optional<String> raw = get(key);
        if (raw.isEmpty()) {
            return fallback;
        }
        String v = raw.get().toLowerCase(Locale.ROOT);
        long unit = 1;
        char last = v.charAt(v.length() - 1);
        if (last == 'b' && v.length() > 1 && Character.isLetter(v.charAt(v.length() - 2))) {
            v = v.substring(0, v.length() - 1); // 4mb -> 4m
            last = v.charAt(v.length() - 1);
        }
        switch (last) {
            case 'k' -> unit = 1024L;
            case 'm' -> unit = 1024L * 1024;
            case 'g' -> unit = 1024L * 1024 * 1024;
            default -> unit = 1;
        }
        String digits = unit == 1 ? v : v.substring(0, v.length() - 1);
        try {
            long n = Long.parseLong(digits.trim());
            if (n >= 1) {
                return Math.multiplyExact(n, unit);
            }
        } catch (NumberFormatException | ArithmeticException ignored) {
            // reported below with the key
        }
        throw MicroConfig.invalid(key, raw.get(), "a size >= 1 such as 512, 64k, 4m or 1g");
    }

    @Override
    public boolean bool(String key, boolean fallback) {
        Optional<String> raw = get(key);
        if (raw.isEmpty()) {
            return fallback;
        }
        return switch (raw.get().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw MicroConfig.invalid(key, raw.get(), "true or false");
        };
    }

    @Override
    public String oneOf(String key, String fallback, List<String> allowed) {
        String v = get(key).orElse(fallback).toLowerCase(Locale.ROOT);
        if (!allowed.contains(v)) {
            throw MicroConfig.invalid(key, v, "one of " + String.join(", ", allowed));
        }
        return v;
    }

    /** Parses {@code 500ms}, {@code 5s}, {@code 1m}, {@code 2h}, {@code 1d}, a bare number of seconds, or ISO-8601. */
    static Duration parseDuration(String v) {
        String s = v.trim().toLowerCase(Locale.ROOT);
        if (s.startsWith("p")) {
            try {
                return Duration.parse(s.toUpperCase(Locale.ROOT));
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException(v, e);
            }
        }
        int i = 0;
        while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) {
            i++;
        }
        if (i == 0) {
            throw new IllegalArgumentException(v);
        }
        double n = Double.parseDouble(s.substring(0, i));
        String unit = s.substring(i).trim();
        double nanos = switch (unit) {
            case "ns" -> n;
            case "us", "µs" -> n * 1e3;
            case "ms" -> n * 1e6;
            case "", "s" -> n * 1e9;
            case "m" -> n * 60e9;
            case "h" -> n * 3600e9;
            case "d" -> n * 86400e9;
            default -> throw new IllegalArgumentException(v);
        };
        return Duration.ofNanos((long) nanos);
    }
}
