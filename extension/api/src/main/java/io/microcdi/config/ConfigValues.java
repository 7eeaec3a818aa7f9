package io.microcdi.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The parsers behind {@link MicroConfig}'s typed readers; every failure names the key. */
final class ConfigValues {

    private ConfigValues() {
    }

    static Duration duration(String key, Optional<String> raw, Duration fallback) {
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

    static int integer(String key, Optional<String> raw, int fallback, int min, int max) {
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

    static long size(String key, Optional<String> raw, long fallback) {
        if (raw.isEmpty()) {
            return fallback;
        }
        String v = raw.get().toLowerCase(Locale.ROOT);
        long unit;
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

    static boolean bool(String key, Optional<String> raw, boolean fallback) {
        if (raw.isEmpty()) {
            return fallback;
        }
        return switch (raw.get().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw MicroConfig.invalid(key, raw.get(), "true or false");
        };
    }

    static String oneOf(String key, String value, List<String> allowed) {
        String v = value.toLowerCase(Locale.ROOT);
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
