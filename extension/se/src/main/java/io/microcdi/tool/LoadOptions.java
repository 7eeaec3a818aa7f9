package io.microcdi.tool;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The command line of {@link Load}, parsed and checked: a bad or missing option fails naming the option and the
 * form it expects.
 *
 * <pre>{@code
 * LoadOptions o = LoadOptions.parse(new String[] {"--service", "greeter", "--endpoint", "Greeter.Hello",
 *         "--concurrency", "32", "--duration", "10s"});
 * LoadOptions.parse(new String[] {"--duration", "soon"});
 * // IllegalArgumentException: --duration: soon (expected: a duration such as 500ms, 10s, 2m or 1h)
 * }</pre>
 *
 * @param service     the service to call
 * @param endpoint    its endpoint, {@code Handler.Method}
 * @param body        the encoded request body, sent as is on every call
 * @param contentType the content type of {@code body}
 * @param concurrency how many threads call, each with one call in flight
 * @param duration    how long the measured part lasts
 * @param calls       the most measured calls, or 0 for no limit but {@code duration}
 * @param timeout     the budget of each call, or {@code null} for the client's default
 * @param warmup      how long to call before measuring
 * @param quiet       no progress lines
 * @param help        {@code --help} was given: the other fields are defaults
 */
record LoadOptions(String service, String endpoint, byte[] body, String contentType, int concurrency,
                   Duration duration, long calls, Duration timeout, Duration warmup, boolean quiet, boolean help) {

    static final int MAX_CONCURRENCY = 4096;
    static final Duration MAX_DURATION = Duration.ofHours(24);
    static final Duration DEFAULT_DURATION = Duration.ofSeconds(10);
    static final String DEFAULT_BODY = "{}";
    static final String DEFAULT_CONTENT_TYPE = "application/json";

    static final String USAGE = """
            usage: load --service NAME --endpoint Handler.Method [options]

            Calls one endpoint back to back from N threads (a closed loop) through the MicroCDI client, then prints
            the calls made, the failures, the rate and the latency percentiles. Finds the service through the
            registry in micro.registry (mDNS on loopback by default).

              --service NAME        the service, as registered (required)
              --endpoint NAME       the endpoint, Handler.Method (required)
              --body TEXT           the request body (default: {})
              --body-file PATH      read the request body from a file instead
              --content-type TYPE   the content type of the body (default: application/json)
              --concurrency N       threads, each with one call in flight (default: 1; at most 4096)
              --duration D          how long to measure (default: 10s); D is 500ms, 10s, 2m or 1h, at most 24h
              --calls N             stop after N measured calls if that comes before the end of --duration
              --timeout D           the budget of each call (default: micro.client.request-timeout, 5s)
              --warmup D            call for D before measuring; not counted (default: 0s)
              --quiet               no progress lines on stderr
              --help                this text

            The last line on stdout is: calls=N failures=N rps=N p50_ms=N.NNN p99_ms=N.NNN
            """;

    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m|h)");
    private static final String DURATION_FORM = "a duration such as 500ms, 10s, 2m or 1h";

    /** Parses {@code args}; {@code --name value} and {@code --name=value} are both accepted. */
    static LoadOptions parse(String[] args) {
        String service = null;
        String endpoint = null;
        String bodyText = null;
        String bodyFile = null;
        String contentType = DEFAULT_CONTENT_TYPE;
        int concurrency = 1;
        Duration duration = DEFAULT_DURATION;
        long calls = 0;
        Duration timeout = null;
        Duration warmup = Duration.ZERO;
        boolean quiet = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String name = arg;
            String value = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                name = arg.substring(0, eq);
                value = arg.substring(eq + 1);
            }
            switch (name) {
                case "--help", "-h" -> {
                    return defaults(true);
                }
                case "--quiet" -> quiet = true;
                case "--service", "--endpoint", "--body", "--body-file", "--content-type", "--concurrency",
                     "--duration", "--calls", "--timeout", "--warmup" -> {
                    if (value == null) {
                        if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
                            throw new IllegalArgumentException(name + ": missing value (expected: " + name + " "
                                    + form(name) + ")");
                        }
                        value = args[++i];
                    }
                    switch (name) {
                        case "--service" -> service = text(name, value);
                        case "--endpoint" -> endpoint = text(name, value);
                        case "--body" -> bodyText = value;
                        case "--body-file" -> bodyFile = text(name, value);
                        case "--content-type" -> contentType = text(name, value);
                        case "--concurrency" -> concurrency = (int) number(name, value, MAX_CONCURRENCY);
                        case "--duration" -> duration = duration(name, value, false);
                        case "--calls" -> calls = number(name, value, Long.MAX_VALUE);
                        case "--timeout" -> timeout = duration(name, value, false);
                        default -> warmup = duration(name, value, true);
                    }
                }
                default -> throw new IllegalArgumentException(arg.startsWith("-")
                        ? arg + ": unknown option (expected: one of those below)"
                        : arg + ": unexpected argument (expected: options only, such as --service NAME)");
            }
        }
        if (service == null) {
            throw new IllegalArgumentException("--service: missing (expected: --service NAME)");
        }
        if (endpoint == null) {
            throw new IllegalArgumentException("--endpoint: missing (expected: --endpoint Handler.Method)");
        }
        if (bodyText != null && bodyFile != null) {
            throw new IllegalArgumentException("--body-file: given with --body (expected: one of them)");
        }
        byte[] body = bodyFile != null ? read(bodyFile)
                : (bodyText != null ? bodyText : DEFAULT_BODY).getBytes(StandardCharsets.UTF_8);
        return new LoadOptions(service, endpoint, body, contentType, concurrency, duration, calls, timeout, warmup,
                quiet, false);
    }

    private static LoadOptions defaults(boolean help) {
        return new LoadOptions("", "", DEFAULT_BODY.getBytes(StandardCharsets.UTF_8), DEFAULT_CONTENT_TYPE, 1,
                DEFAULT_DURATION, 0, null, Duration.ZERO, false, help);
    }

    /**
     * Parses {@code 500ms}, {@code 10s}, {@code 2m} or {@code 1h}; the result is at most {@link #MAX_DURATION} and
     * above zero, or zero too when {@code zeroAllowed} ({@code 0} alone is then accepted).
     */
    static Duration duration(String option, String value, boolean zeroAllowed) {
        Duration d;
        Matcher m = DURATION.matcher(value);
        if (zeroAllowed && value.equals("0")) {
            d = Duration.ZERO;
        } else if (m.matches()) {
            ChronoUnit unit = switch (m.group(2)) {
                case "ms" -> ChronoUnit.MILLIS;
                case "s" -> ChronoUnit.SECONDS;
                case "m" -> ChronoUnit.MINUTES;
                default -> ChronoUnit.HOURS;
            };
            d = Duration.of(Long.parseLong(m.group(1)), unit); // at most 999,999,999 hours: no overflow
        } else {
            throw new IllegalArgumentException(option + ": " + value + " (expected: " + DURATION_FORM + ")");
        }
        if (d.compareTo(MAX_DURATION) > 0 || (d.isZero() && !zeroAllowed)) {
            throw new IllegalArgumentException(option + ": " + value + " (expected: "
                    + (zeroAllowed ? "from 0s to 24h" : "more than 0s and at most 24h") + ")");
        }
        return d;
    }

    /** {@code d} in the form {@link #duration} reads: {@code 2m}, {@code 10s}, {@code 500ms}. */
    static String format(Duration d) {
        long ms = d.toMillis();
        if (ms != 0 && ms % 3_600_000 == 0) {
            return ms / 3_600_000 + "h";
        } else if (ms != 0 && ms % 60_000 == 0) {
            return ms / 60_000 + "m";
        } else if (ms % 1000 == 0) {
            return ms / 1000 + "s";
        }
        return ms + "ms";
    }

    private static long number(String option, String value, long max) {
        long n;
        try {
            n = Long.parseLong(value);
        } catch (NumberFormatException e) {
            n = -1;
        }
        if (n < 1 || n > max) {
            throw new IllegalArgumentException(option + ": " + value + " (expected: "
                    + (max == Long.MAX_VALUE ? "an integer above 0" : "an integer from 1 to " + max) + ")");
        }
        return n;
    }

    private static String text(String option, String value) {
        if (value.isBlank()) {
            throw new IllegalArgumentException(option + ": empty (expected: " + option + " " + form(option) + ")");
        }
        return value;
    }

    private static byte[] read(String file) {
        try {
            return Files.readAllBytes(Path.of(file));
        } catch (IOException | InvalidPathException e) {
            throw new IllegalArgumentException("--body-file: cannot read " + file + " (" + e + ")");
        }
    }

    private static String form(String option) {
        return switch (option) {
            case "--service" -> "NAME";
            case "--endpoint" -> "Handler.Method";
            case "--body" -> "TEXT";
            case "--body-file" -> "PATH";
            case "--content-type" -> "TYPE, such as application/json";
            case "--concurrency", "--calls" -> "N";
            default -> "D, " + DURATION_FORM;
        };
    }
}
