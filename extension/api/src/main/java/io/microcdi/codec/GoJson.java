package io.microcdi.codec;

/**
 * JSON strings written as Go's {@code encoding/json} writes them (HTML escaping included), for the bytes Go Micro
 * peers compare or log: the error JSON ({@link io.microcdi.errors.ErrorJson}), the JSON-RPC envelope and the HTTP
 * broker's message body.
 *
 * <pre>{@code
 * StringBuilder sb = new StringBuilder();
 * GoJson.quote(sb, "a<b");   // "a\u003cb"
 * }</pre>
 */
public final class GoJson {

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private GoJson() {
    }

    /** A JSON string as Go's encoder writes it, HTML escaping included. */
    public static void quote(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '<', '>', '&', '\u2028', '\u2029' -> unicode(sb, c);
                default -> {
                    if (c < 0x20) {
                        unicode(sb, c);
                    } else if (Character.isSurrogate(c) && !(Character.isHighSurrogate(c) && i + 1 < s.length()
                            && Character.isLowSurrogate(s.charAt(i + 1)))
                            && !(Character.isLowSurrogate(c) && i > 0 && Character.isHighSurrogate(s.charAt(i - 1)))) {
                        sb.append("\\ufffd"); // Go writes invalid UTF-8 as U+FFFD
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }

    private static void unicode(StringBuilder sb, char c) {
        sb.append("\\u").append(HEX[c >> 12 & 0xf]).append(HEX[c >> 8 & 0xf]).append(HEX[c >> 4 & 0xf])
                .append(HEX[c & 0xf]);
    }
}
