package io.microcdi.wrappers;

import io.microcdi.context.CallContexts;

import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A W3C Trace Context {@code traceparent} (level 1): {@code 00-<trace id>-<span id>-<flags>}, lower-case hex.
 *
 * <pre>{@code
 * TraceParent in = TraceParent.parse("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01").orElseThrow();
 * TraceParent mine = in.child();          // same trace and flags, a new span id
 * request.metadata().with(TraceParent.HEADER, mine.toString());
 *
 * TraceParent.current();                  // the span of the call being handled, set by @TraceContext
 * }</pre>
 *
 * @param version {@code 00}, or the higher version a received header had
 * @param traceId 32 lower-case hex digits, not all zero
 * @param spanId  16 lower-case hex digits, not all zero (the header's {@code parent-id})
 * @param flags   2 lower-case hex digits; {@code 01}: sampled
 */
public record TraceParent(String version, String traceId, String spanId, String flags) {

    /** The header carrying it. */
    public static final String HEADER = "traceparent";
    /** The vendors' header that goes with it. */
    public static final String STATE = "tracestate";

    private static final int LENGTH = 55;
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    public TraceParent {
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(traceId, "traceId");
        Objects.requireNonNull(spanId, "spanId");
        Objects.requireNonNull(flags, "flags");
        if (version.length() != 2 || !hex(version, 0, 2) || version.equals("ff")
                || traceId.length() != 32 || !id(traceId, 0, 32) || spanId.length() != 16 || !id(spanId, 0, 16)
                || flags.length() != 2 || !hex(flags, 0, 2)) {
            throw new IllegalArgumentException("traceparent " + version + "-" + traceId + "-" + spanId + "-" + flags
                    + " (expected: version, 32 and 16 lower-case hex digits not all zero, 2 hex digits of flags)");
        }
    }

    /**
     * The {@code traceparent} in {@code header}, or empty when it is not valid: version {@code 00} is exactly 55
     * characters; a higher version (not {@code ff}) is read by its first four fields, as level 1 asks.
     */
    public static Optional<TraceParent> parse(String header) {
        return Optional.ofNullable(parseOrNull(header));
    }

    /** {@link #parse}, {@code null} for not valid. */
    static TraceParent parseOrNull(String header) {
        if (header == null || header.length() < LENGTH || !hex(header, 0, 2)) {
            return null;
        }
        boolean v00 = header.startsWith("00");
        if (v00 ? header.length() != LENGTH : header.startsWith("ff")
                || header.length() > LENGTH && header.charAt(LENGTH) != '-') {
            return null;
        }
        if (header.charAt(2) != '-' || header.charAt(35) != '-' || header.charAt(52) != '-'
                || !id(header, 3, 32) || !id(header, 36, 16) || !hex(header, 53, 2)) {
            return null;
        }
        return new TraceParent(header.substring(0, 2), header.substring(3, 35), header.substring(36, 52),
                header.substring(53, 55));
    }

    /** The span of the call or message the current thread handles, if it carries a valid {@code traceparent}. */
    public static Optional<TraceParent> current() {
        return parse(CallContexts.current().metadata().get(HEADER));
    }

    /** A new trace: a random trace id and span id, sampled ({@code 01}). */
    public static TraceParent newRoot() {
        return new TraceParent("00", randomId(2), randomId(1), "01");
    }

    /** A new span of this trace: a random span id, the same trace id and flags, version {@code 00}. */
    public TraceParent child() {
        return new TraceParent("00", traceId, randomId(1), flags);
    }

    /** The header value: {@code 00-<trace id>-<span id>-<flags>}. */
    @Override
    public String toString() {
        return version + "-" + traceId + "-" + spanId + "-" + flags;
    }

    /** {@code longs} random longs as hex, not all zero. */
    private static String randomId(int longs) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        char[] out = new char[longs * 16];
        long any = 0;
        do {
            for (int i = 0; i < longs; i++) {
                long v = random.nextLong();
                any |= v;
                for (int j = 15; j >= 0; j--) {
                    out[i * 16 + j] = HEX[(int) (v & 0xf)];
                    v >>>= 4;
                }
            }
        } while (any == 0);
        return new String(out);
    }

    /** {@code length} lower-case hex digits at {@code from}, not all zero. */
    private static boolean id(String s, int from, int length) {
        if (!hex(s, from, length)) {
            return false;
        }
        for (int i = from; i < from + length; i++) {
            if (s.charAt(i) != '0') {
                return true;
            }
        }
        return false;
    }

    /** {@code length} lower-case hex digits at {@code from}. */
    private static boolean hex(String s, int from, int length) {
        if (s.length() < from + length) {
            return false;
        }
        for (int i = from; i < from + length; i++) {
            char c = s.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        return true;
    }
}
