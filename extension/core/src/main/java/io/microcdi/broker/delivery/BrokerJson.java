package io.microcdi.broker.delivery;

import com.fasterxml.jackson.core.Base64Variants;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.microcdi.broker.BrokerMessage;
import io.microcdi.codec.GoJson;
import io.microcdi.metadata.Metadata;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Go Micro's broker message as Go's {@code encoding/json} writes it, {@code {"Header":{...},"Body":"<base64>"}}, byte
 * for byte (keys sorted, {@code <>&} escaped as {@code \u003c}...), and read the way Go reads it (field names in any
 * case, unknown fields ignored, a missing or {@code null} header empty): what Go Micro's HTTP broker posts to
 * {@code /_sub} (with the topic in a {@code :topic} header) and its NATS broker publishes on a subject.
 *
 * <pre>{@code
 * byte[] json = BrokerJson.encode(message, null, null);                 // NATS: the subject is the topic
 * BrokerJson.Decoded d = BrokerJson.decode(json, ":topic");             // HTTP: d.extracted() is the topic
 * }</pre>
 *
 * <p>What Go writes (its key order and spacing, printable ASCII headers) is read and written straight from and to
 * bytes; anything else Go would accept is read with Jackson's streaming parser. No reflection, no tree per message.
 */
public final class BrokerJson {

    private static final JsonFactory JSON = JsonFactory.builder().build();
    private static final byte[] HEAD = ascii("{\"Header\":");
    private static final byte[] NULL = ascii("null");
    private static final byte[] BODY = ascii(",\"Body\":\"");
    private static final byte[] ALPHABET = ascii("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/");
    private static final int[] SEXTETS = new int[128];

    static {
        java.util.Arrays.fill(SEXTETS, -1);
        for (int i = 0; i < ALPHABET.length; i++) {
            SEXTETS[ALPHABET[i]] = i;
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private BrokerJson() {
    }

    /**
     * A message read back, and the value of the header that was taken out of it.
     *
     * @param message   the message, without the extracted header
     * @param extracted the value of that header, or {@code null} when it was absent (or none was asked for)
     */
    public record Decoded(BrokerMessage message, String extracted) {
    }

    /** A payload that is not a Go Micro broker message. */
    public static final class MalformedException extends Exception {
        private static final long serialVersionUID = 1L;

        public MalformedException(String message, Throwable cause) {
            super(message, cause, false, false);
        }
    }

    /**
     * The JSON of {@code message}; when {@code extraKey} is not {@code null}, header {@code extraKey} is
     * {@code extraValue}, whatever the message said.
     */
    public static byte[] encode(BrokerMessage message, String extraKey, String extraValue) {
        // Go marshals a map with its keys sorted: headers are few, so an insertion sort over two arrays
        Metadata header = message.header();
        int n = 0;
        String[] keys = new String[header.size() + 1];
        String[] values = new String[keys.length];
        if (extraKey != null) {
            keys[0] = extraKey;
            values[0] = extraValue;
            n = 1;
        }
        Entries entries = new Entries(keys, values, n, extraKey);
        header.forEach(entries);
        n = entries.size;
        // {"Header":  null or {"k":"v",...}  ,"Body":"  base64  "}
        int size = HEAD.length + (n == 0 ? NULL.length : 1) + BODY.length + base64Length(message.body().length) + 2;
        for (int i = 0; i < n; i++) {
            int k = plainLength(keys[i]);
            int v = plainLength(values[i]);
            if (k < 0 || v < 0) {
                return encodeEscaped(keys, values, n, message.body());
            }
            size += k + v + 6; // "k":"v", (the last comma is the closing brace)
        }
        byte[] out = new byte[size];
        int at = put(out, 0, HEAD);
        if (n == 0) {
            at = put(out, at, NULL);
        } else {
            out[at++] = '{';
            for (int i = 0; i < n; i++) {
                at = putString(out, at, keys[i]);
                out[at++] = ':';
                at = putString(out, at, values[i]);
                out[at++] = (byte) (i == n - 1 ? '}' : ',');
            }
        }
        at = put(out, at, BODY);
        at = base64(message.body(), out, at);
        out[at++] = '"';
        out[at] = '}';
        return out;
    }

    /** Collects header entries, sorted by key, skipping the extracted key. */
    private static final class Entries implements java.util.function.BiConsumer<String, String> {
        final String[] keys;
        final String[] values;
        int size;
        final String skip;

        Entries(String[] keys, String[] values, int size, String skip) {
            this.keys = keys;
            this.values = values;
            this.size = size;
            this.skip = skip;
        }

        @Override
        public void accept(String key, String value) {
            if (key.equals(skip)) {
                return;
            }
            int i = size++;
            while (i > 0 && keys[i - 1].compareTo(key) > 0) {
                keys[i] = keys[i - 1];
                values[i] = values[i - 1];
                i--;
            }
            keys[i] = key;
            values[i] = value;
        }
    }

    /** The general encoding, for strings that Go escapes: through {@link GoJson#quote}. */
    private static byte[] encodeEscaped(String[] keys, String[] values, int n, byte[] body) {
        StringBuilder sb = new StringBuilder(32 + n * 40);
        sb.append("{\"Header\":{");
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                sb.append(',');
            }
            GoJson.quote(sb, keys[i]);
            sb.append(':');
            GoJson.quote(sb, values[i]);
        }
        sb.append("},\"Body\":\"");
        byte[] head = sb.toString().getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[head.length + base64Length(body.length) + 2];
        System.arraycopy(head, 0, out, 0, head.length);
        int at = base64(body, out, head.length);
        out[at++] = '"';
        out[at] = '}';
        return out;
    }

    /** The length of {@code s}, when Go writes it as it is (printable ASCII, no quote, backslash or {@code <>&}). */
    private static int plainLength(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c > 0x7e || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&') {
                return -1;
            }
        }
        return s.length();
    }

    private static int putString(byte[] out, int at, String plain) {
        out[at++] = '"';
        for (int i = 0; i < plain.length(); i++) {
            out[at++] = (byte) plain.charAt(i);
        }
        out[at++] = '"';
        return at;
    }

    private static int put(byte[] out, int at, byte[] what) {
        System.arraycopy(what, 0, out, at, what.length);
        return at + what.length;
    }

    private static int base64Length(int n) {
        return (n + 2) / 3 * 4;
    }

    /** Standard base64 with padding, as Go's {@code encoding/json} writes a {@code []byte}. */
    private static int base64(byte[] src, byte[] out, int at) {
        int i = 0;
        for (int full = src.length - src.length % 3; i < full; i += 3) {
            int bits = (src[i] & 0xff) << 16 | (src[i + 1] & 0xff) << 8 | src[i + 2] & 0xff;
            out[at++] = ALPHABET[bits >>> 18];
            out[at++] = ALPHABET[bits >>> 12 & 0x3f];
            out[at++] = ALPHABET[bits >>> 6 & 0x3f];
            out[at++] = ALPHABET[bits & 0x3f];
        }
        int left = src.length - i;
        if (left > 0) {
            int bits = (src[i] & 0xff) << 16 | (left == 2 ? (src[i + 1] & 0xff) << 8 : 0);
            out[at++] = ALPHABET[bits >>> 18];
            out[at++] = ALPHABET[bits >>> 12 & 0x3f];
            out[at++] = left == 2 ? ALPHABET[bits >>> 6 & 0x3f] : (byte) '=';
            out[at++] = '=';
        }
        return at;
    }

    /**
     * Reads a message; header {@code extractKey} (when not {@code null}) is taken out into {@link Decoded#extracted()}.
     *
     * @throws MalformedException when it is not one JSON object of that shape, or its body is not base64
     */
    public static Decoded decode(byte[] json, String extractKey) throws MalformedException {
        Decoded fast = decodeGoShape(json, extractKey);
        return fast != null ? fast : decodeAnyShape(json, extractKey);
    }

    /**
     * The exact bytes Go's encoder writes, with printable ASCII headers, read without a parser; {@code null} for
     * anything else (escapes, other spacing or order, other fields), which {@link #decodeAnyShape} reads.
     */
    static Decoded decodeGoShape(byte[] j, String extractKey) {
        if (!startsWith(j, 0, HEAD)) {
            return null;
        }
        int at = HEAD.length;
        Metadata.Builder header = null;
        String extracted = null;
        if (startsWith(j, at, NULL)) {
            at += NULL.length;
        } else if (at < j.length && j[at] == '{') {
            at++;
            header = Metadata.builder(4);
            if (at < j.length && j[at] == '}') {
                at++;
            } else {
                while (true) {
                    int keyEnd = plainEnd(j, at);
                    if (keyEnd < 0 || keyEnd + 2 >= j.length || j[keyEnd + 1] != ':') {
                        return null;
                    }
                    int valueEnd = plainEnd(j, keyEnd + 2);
                    if (valueEnd < 0 || valueEnd + 1 >= j.length) {
                        return null;
                    }
                    String key = ascii(j, at + 1, keyEnd);
                    String value = ascii(j, keyEnd + 3, valueEnd);
                    if (key.equals(extractKey)) {
                        extracted = value;
                    } else {
                        header.put(key, value);
                    }
                    at = valueEnd + 2;
                    if (j[valueEnd + 1] == '}') {
                        break;
                    }
                    if (j[valueEnd + 1] != ',') {
                        return null;
                    }
                }
            }
        } else {
            return null;
        }
        if (!startsWith(j, at, BODY)) {
            return null;
        }
        at += BODY.length;
        int end = j.length - 2; // "}
        if (end < at || j[end] != '"' || j[end + 1] != '}') {
            return null;
        }
        byte[] body = unbase64(j, at, end);
        if (body == null) {
            return null;
        }
        return new Decoded(new BrokerMessage(header == null ? Metadata.empty() : header.build(), body), extracted);
    }

    /** Where the plain string starting with a quote at {@code at} ends (its closing quote), or -1. */
    private static int plainEnd(byte[] j, int at) {
        if (at >= j.length || j[at] != '"') {
            return -1;
        }
        for (int i = at + 1; i < j.length; i++) {
            byte b = j[i];
            if (b == '"') {
                return i;
            }
            if (b < 0x20 || b == '\\') { // negative: not ASCII
                return -1;
            }
        }
        return -1;
    }

    /** ASCII bytes as a string: as Latin-1, copied as they are. */
    private static String ascii(byte[] j, int from, int to) {
        return new String(j, from, to - from, StandardCharsets.ISO_8859_1);
    }

    /** Standard base64 with padding in {@code j[from..to)}; {@code null} when it is not that. */
    private static byte[] unbase64(byte[] j, int from, int to) {
        int n = to - from;
        if (n % 4 != 0) {
            return null;
        }
        if (n == 0) {
            return new byte[0];
        }
        int pad = j[to - 1] == '=' ? j[to - 2] == '=' ? 2 : 1 : 0;
        byte[] out = new byte[n / 4 * 3 - pad];
        int o = 0;
        int last = to - 4;
        for (int i = from; i < last; i += 4) {
            int a = sextet(j[i]);
            int b = sextet(j[i + 1]);
            int c = sextet(j[i + 2]);
            int d = sextet(j[i + 3]);
            if ((a | b | c | d) < 0) {
                return null;
            }
            int bits = a << 18 | b << 12 | c << 6 | d;
            out[o++] = (byte) (bits >> 16);
            out[o++] = (byte) (bits >> 8);
            out[o++] = (byte) bits;
        }
        int a = sextet(j[last]);
        int b = sextet(j[last + 1]);
        int c = pad == 2 ? 0 : sextet(j[last + 2]);
        int d = pad >= 1 ? 0 : sextet(j[last + 3]);
        if ((a | b | c | d) < 0) {
            return null;
        }
        int bits = a << 18 | b << 12 | c << 6 | d;
        out[o++] = (byte) (bits >> 16);
        if (pad < 2) {
            out[o++] = (byte) (bits >> 8);
        }
        if (pad < 1) {
            out[o] = (byte) bits;
        }
        return out;
    }

    /** The 6 bits of a base64 character, or a negative number. */
    private static int sextet(byte b) {
        return b < 0 ? -1 : SEXTETS[b];
    }

    private static boolean startsWith(byte[] j, int at, byte[] prefix) {
        if (j.length - at < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (j[at + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    /** Any JSON Go would read as a broker message, through Jackson's streaming parser. */
    static Decoded decodeAnyShape(byte[] json, String extractKey) throws MalformedException {
        Metadata.Builder header = Metadata.builder(8);
        String extracted = null;
        byte[] body = new byte[0];
        try (JsonParser p = JSON.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new MalformedException("expected a JSON object", null);
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if (field.equalsIgnoreCase("Header")) {
                    extracted = readHeader(p, value, header, extractKey, extracted);
                } else if (field.equalsIgnoreCase("Body")) {
                    if (value == JsonToken.VALUE_STRING) {
                        body = p.getBinaryValue(Base64Variants.MIME_NO_LINEFEEDS);
                    } else if (value != JsonToken.VALUE_NULL) {
                        throw new MalformedException("Body: expected a base64 string, got " + value, null);
                    }
                } else {
                    p.skipChildren(); // Go ignores fields it does not know
                }
            }
            if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
                throw new MalformedException("expected one JSON object", null);
            }
        } catch (IOException | IllegalArgumentException e) {
            throw new MalformedException(e.getMessage() == null ? e.toString() : firstLine(e.getMessage()), e);
        }
        return new Decoded(new BrokerMessage(header.build(), body), extracted);
    }

    private static String readHeader(JsonParser p, JsonToken value, Metadata.Builder header, String extractKey,
                                     String extracted) throws IOException, MalformedException {
        if (value == JsonToken.VALUE_NULL) {
            return extracted;
        }
        if (value != JsonToken.START_OBJECT) {
            throw new MalformedException("Header: expected an object of strings, got " + value, null);
        }
        String found = extracted;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            JsonToken v = p.nextToken();
            String text;
            if (v == JsonToken.VALUE_STRING) {
                text = p.getText();
            } else if (v == JsonToken.VALUE_NULL) {
                text = "";
            } else {
                throw new MalformedException("Header " + key + ": expected a string, got " + v, null);
            }
            key = wellFormed(key);
            text = wellFormed(text);
            if (key.equals(extractKey)) {
                found = text;
            } else {
                header.put(key, text);
            }
        }
        return found;
    }

    /**
     * {@code s} with each half of a surrogate pair that has no other half replaced by U+FFFD, as Go reads bytes that
     * are not UTF-8 (Jackson reads some such sequences into unpaired surrogates, which no encoder writes back).
     */
    static String wellFormed(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isSurrogate(c)) {
                StringBuilder sb = new StringBuilder(s.length());
                for (int k = 0; k < s.length(); k++) {
                    char x = s.charAt(k);
                    if (Character.isHighSurrogate(x) && k + 1 < s.length() && Character.isLowSurrogate(s.charAt(k + 1))) {
                        sb.append(x).append(s.charAt(++k));
                    } else {
                        sb.append(Character.isSurrogate(x) ? '\ufffd' : x);
                    }
                }
                return sb.toString();
            }
        }
        return s;
    }

    /** Jackson appends the source location on further lines: keep the reason. */
    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
