package io.microcdi.errors;

import io.microcdi.codec.GoJson;

import java.nio.charset.StandardCharsets;

/**
 * The Go Micro error JSON {@code {"id","code","detail","status"}}, written and parsed by hand: it is on every error
 * path of the wire and must not depend on which codecs are installed. Transports and brokers put it in
 * {@code Micro-Error} and read it back from there, so a plugin speaking Go Micro's wire uses it too.
 *
 * <pre>{@code
 * String header = ErrorJson.write(MicroException.notFound("greeter", "endpoint Greeter.Nope"));
 * MicroException e = ErrorJson.parse(header);   // Go Micro's errors.Parse: non-JSON text lands in detail, code 0
 * }</pre>
 */
public final class ErrorJson {

    private static final String DEL = String.valueOf((char) 0x7f);

    private ErrorJson() {
    }

    /** {@code {"id":"...","code":404,"detail":"...","status":"Not Found"}}. */
    public static String write(MicroException e) {
        StringBuilder sb = new StringBuilder(64 + e.detail().length());
        sb.append("{\"id\":");
        GoJson.quote(sb, e.id());
        sb.append(",\"code\":").append(e.code()).append(",\"detail\":");
        GoJson.quote(sb, e.detail());
        sb.append(",\"status\":");
        GoJson.quote(sb, e.status());
        sb.append('}');
        // DEL is valid in a JSON string (Go writes it as is) but not in an HTTP header, where this JSON goes too and
        // a header writer would have to change it: escaped, the header and the body carry the same text
        for (int i = sb.indexOf(DEL); i >= 0; i = sb.indexOf(DEL, i + 6)) {
            sb.replace(i, i + 1, "\\u007f");
        }
        return sb.toString();
    }

    /** {@link #write} as UTF-8 bytes. */
    public static byte[] bytes(MicroException e) {
        return write(e).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Parses an error the way Go Micro's {@code errors.Parse} does: JSON of the error shape, or else any text, which
     * becomes the detail of an error with code 0. {@code text} may be {@code null}: an empty error with code 0.
     */
    public static MicroException parse(String text) {
        if (text == null) {
            return new MicroException("", 0, "", "");
        }
        String t = text.trim();
        if (t.startsWith("{")) {
            try {
                return new Parser(t).error();
            } catch (RuntimeException ignored) {
                // not our JSON: fall through to the plain-text form
            }
        }
        return new MicroException("", 0, text, "");
    }

    /** A small parser for one flat JSON object of strings and numbers; unknown fields are skipped. */
    private static final class Parser {
        private final String s;
        private int i;

        Parser(String s) {
            this.s = s;
        }

        MicroException error() {
            String id = "";
            String detail = "";
            String status = null;
            int code = 0;
            expect('{');
            skipWs();
            if (peek() != '}') {
                do {
                    skipWs();
                    String key = string();
                    skipWs();
                    expect(':');
                    skipWs();
                    switch (key) {
                        case "id" -> id = valueAsString();
                        case "detail" -> detail = valueAsString();
                        case "status" -> status = valueAsString();
                        case "code" -> code = (int) Double.parseDouble(valueAsString());
                        default -> valueAsString();
                    }
                    skipWs();
                } while (tryConsume(','));
            }
            expect('}');
            skipWs();
            if (i != s.length()) {
                throw new IllegalArgumentException("trailing text at " + i);
            }
            return new MicroException(id, code, detail, status == null ? MicroException.statusText(code) : status);
        }

        private String valueAsString() {
            char c = peek();
            if (c == '"') {
                return string();
            }
            if (c == '{' || c == '[') {
                skipNested();
                return "";
            }
            int start = i;
            while (i < s.length() && ",}] \t\r\n".indexOf(s.charAt(i)) < 0) {
                i++;
            }
            String raw = s.substring(start, i);
            if (raw.isEmpty()) {
                throw new IllegalArgumentException("missing value at " + start);
            }
            return raw.equals("null") ? "" : raw;
        }

        /** Skips an object or array that is not part of the error shape, strings and nesting included. */
        private void skipNested() {
            int depth = 0;
            do {
                char c = s.charAt(i);
                if (c == '"') {
                    string();
                    continue;
                }
                if (c == '{' || c == '[') {
                    depth++;
                } else if (c == '}' || c == ']') {
                    depth--;
                }
                i++;
            } while (depth > 0);
        }

        private String string() {
            expect('"');
            StringBuilder sb = new StringBuilder();
            while (true) {
                char c = s.charAt(i++);
                if (c == '"') {
                    return sb.toString();
                }
                if (c == '\\') {
                    char e = s.charAt(i++);
                    switch (e) {
                        case 'n' -> sb.append('\n');
                        case 'r' -> sb.append('\r');
                        case 't' -> sb.append('\t');
                        case 'b' -> sb.append('\b');
                        case 'f' -> sb.append('\f');
                        case 'u' -> {
                            sb.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                            i += 4;
                        }
                        default -> sb.append(e);
                    }
                } else {
                    sb.append(c);
                }
            }
        }

        private void skipWs() {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
        }

        private char peek() {
            return s.charAt(i);
        }

        private boolean tryConsume(char c) {
            if (i < s.length() && s.charAt(i) == c) {
                i++;
                return true;
            }
            return false;
        }

        private void expect(char c) {
            if (s.charAt(i++) != c) {
                throw new IllegalArgumentException("expected " + c + " at " + (i - 1));
            }
        }
    }
}
