package io.microcdi.codec.jsonrpc;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.microcdi.codec.Codec;
import io.microcdi.codec.CodecException;
import io.microcdi.codec.Envelope;
import io.microcdi.codec.json.JsonCodec;
import io.microcdi.codec.GoJson;

import java.io.IOException;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;

/**
 * {@code application/json-rpc}: Go Micro's JSON-RPC envelope around a JSON message, request
 * {@code {"method":"Greeter.Hello","params":[{"name":"John"}],"id":1}} and response
 * {@code {"id":1,"result":{"greeting":"Hello John"},"error":null}}.
 *
 * <pre>{@code
 * Envelope.Frame f = new JsonRpcCodec().readRequest(body);   // method Greeter.Hello, id 1, the message {"name":"John"}
 * }</pre>
 *
 * <p>Reading streams over the envelope once and points at the message in place; the message itself is read by the
 * JSON codec. The id is echoed as sent ({@code "1"} as a string, {@code 1.0} with its digits); {@code "params"} may
 * also be the message itself (an object, as JSON-RPC 2.0 allows) and only its first element is read when it is an
 * array. The body is UTF-8 and holds the envelope alone (whitespace after it aside).
 */
public final class JsonRpcCodec implements Envelope {

    /** The content type. */
    public static final String CONTENT_TYPE = "application/json-rpc";

    private static final JsonFactory FACTORY = new JsonFactory();
    private static final String SHAPE = "{\"method\":\"Handler.Method\",\"params\":[{...}],\"id\":1}";
    private static final byte[] NULL = ascii("null");
    private static final byte[] REQUEST_METHOD = ascii("{\"method\":");
    private static final byte[] REQUEST_PARAMS = ascii(",\"params\":[");
    private static final byte[] REQUEST_ID = ascii("],\"id\":");
    private static final byte[] RESPONSE_ID = ascii("{\"id\":");
    private static final byte[] RESPONSE_RESULT = ascii(",\"result\":");
    private static final byte[] RESPONSE_ERROR = ascii(",\"error\":");
    /** The JSON escapes of the ASCII characters Go escapes, by character; {@code null}: written as is. */
    private static final byte[][] ESCAPES = escapes();

    private final Codec json;

    /** The envelope around MicroCDI's JSON codec. */
    public JsonRpcCodec() {
        this(new JsonCodec());
    }

    /** The envelope around {@code json}, the codec of the message inside. */
    public JsonRpcCodec(Codec json) {
        this.json = json;
    }

    @Override
    public String name() {
        return "jsonrpc";
    }

    @Override
    public String contentType() {
        return CONTENT_TYPE;
    }

    @Override
    public <T> Decoder<T> decoder(Type type) {
        return json.decoder(type);
    }

    @Override
    public Encoder encoder(Type type) {
        return json.encoder(type);
    }

    @Override
    public Frame readRequest(byte[] data) {
        return read(data, "params");
    }

    @Override
    public Frame readResponse(byte[] data) {
        return read(data, "result");
    }

    @Override
    public byte[] writeRequest(String method, String id, byte[] message) {
        boolean idText = idText(id, false);
        byte[] m = nonAscii(method);
        byte[] i = idText ? nonAscii(id) : null;
        byte[] out = new byte[REQUEST_METHOD.length + size(method, m) + REQUEST_PARAMS.length + message.length
                + REQUEST_ID.length + idSize(id, idText, i) + 1];
        int at = put(out, 0, REQUEST_METHOD);
        at = string(out, at, method, m);
        at = put(out, at, REQUEST_PARAMS);
        at = put(out, at, message);
        at = put(out, at, REQUEST_ID);
        at = id(out, at, id, idText, i);
        out[at] = '}';
        return out;
    }

    /** The id as the request sent it: a string stays a string, a number keeps its digits. */
    @Override
    public byte[] writeResponse(String method, String id, boolean idString, String error, byte[] message) {
        boolean idText = idText(id, idString);
        byte[] i = idText ? nonAscii(id) : null;
        byte[] e = nonAscii(error);
        byte[] result = error != null || message.length == 0 ? NULL : message;
        byte[] out = new byte[RESPONSE_ID.length + idSize(id, idText, i) + RESPONSE_RESULT.length + result.length
                + RESPONSE_ERROR.length + size(error, e) + 1];
        int at = put(out, 0, RESPONSE_ID);
        at = id(out, at, id, idText, i);
        at = put(out, at, RESPONSE_RESULT);
        at = put(out, at, result);
        at = put(out, at, RESPONSE_ERROR);
        at = string(out, at, error, e);
        out[at] = '}';
        return out;
    }

    private static int put(byte[] out, int at, byte[] b) {
        System.arraycopy(b, 0, out, at, b.length);
        return at + b.length;
    }

    /**
     * Whether the id is written as a JSON string: when it was sent as one, or is neither a JSON number nor a literal
     * (a {@code Micro-Id} such as {@code abc}). Otherwise the text itself is written: the same digits back.
     */
    private static boolean idText(String id, boolean idString) {
        return id != null && (idString || !literal(id));
    }

    private static int idSize(String id, boolean idText, byte[] nonAscii) {
        return id == null ? NULL.length : idText ? size(id, nonAscii) : id.length();
    }

    private static int id(byte[] out, int at, String id, boolean idText, byte[] nonAscii) {
        if (id == null || idText) {
            return string(out, at, id, nonAscii);
        }
        for (int i = 0; i < id.length(); i++) {
            out[at++] = (byte) id.charAt(i); // a JSON number or literal: ASCII
        }
        return at;
    }

    /**
     * {@code s} quoted the way Go writes it (see {@link GoJson#quote}) when it holds more than ASCII, the rare case;
     * else {@code null}, and {@link #string} writes it in place.
     */
    private static byte[] nonAscii(String s) {
        if (s == null) {
            return null;
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                StringBuilder sb = new StringBuilder(s.length() + 8);
                GoJson.quote(sb, s);
                return sb.toString().getBytes(StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    /** The size of {@code s} as a JSON string, or of {@code null}. */
    private static int size(String s, byte[] nonAscii) {
        if (s == null) {
            return NULL.length;
        }
        if (nonAscii != null) {
            return nonAscii.length;
        }
        int n = 2;
        for (int i = 0; i < s.length(); i++) {
            byte[] esc = ESCAPES[s.charAt(i)];
            n += esc == null ? 1 : esc.length;
        }
        return n;
    }

    /** Writes {@code s} as a JSON string, or {@code null}, at {@code at}; returns the offset after it. */
    private static int string(byte[] out, int at, String s, byte[] nonAscii) {
        if (s == null) {
            return put(out, at, NULL);
        }
        if (nonAscii != null) {
            return put(out, at, nonAscii);
        }
        out[at++] = '"';
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            byte[] esc = ESCAPES[c];
            if (esc == null) {
                out[at++] = (byte) c;
            } else {
                at = put(out, at, esc);
            }
        }
        out[at++] = '"';
        return at;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[][] escapes() {
        byte[][] e = new byte[0x80][];
        for (char c = 0; c < 0x80; c++) {
            if (c < 0x20 || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&') {
                StringBuilder sb = new StringBuilder(8);
                GoJson.quote(sb, String.valueOf(c));
                e[c] = sb.substring(1, sb.length() - 1).getBytes(StandardCharsets.US_ASCII);
            }
        }
        return e;
    }

    /** Whether {@code s} is a JSON number ({@code -12}, {@code 1.0}, {@code 1e3}) or {@code true}/{@code false}. */
    static boolean literal(String s) {
        if (s.equals("true") || s.equals("false")) {
            return true;
        }
        int i = s.startsWith("-") ? 1 : 0;
        int n = s.length();
        int digits = i;
        while (i < n && isDigit(s.charAt(i))) {
            i++;
        }
        if (i == digits || (s.charAt(digits) == '0' && i > digits + 1)) {
            return false;
        }
        if (i < n && s.charAt(i) == '.') {
            int f = ++i;
            while (i < n && isDigit(s.charAt(i))) {
                i++;
            }
            if (i == f) {
                return false;
            }
        }
        if (i < n && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
            i++;
            if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
                i++;
            }
            int x = i;
            while (i < n && isDigit(s.charAt(i))) {
                i++;
            }
            if (i == x) {
                return false;
            }
        }
        return i == n;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /** One pass over the envelope: the known fields, the message located by its byte offsets. */
    private static Frame read(byte[] data, String messageField) {
        try (JsonParser p = FACTORY.createParser(data)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new CodecException("json-rpc: expected an object such as " + SHAPE + ", got "
                        + (data.length == 0 ? "an empty body" : String.valueOf(p.currentToken())), null);
            }
            start(p); // a body Jackson reads as UTF-16 or UTF-32 has no byte offsets: refused here
            String method = null;
            String id = null;
            boolean idString = false;
            String error = null;
            int offset = 0;
            int length = 0;
            for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
                String field = p.currentName();
                JsonToken v = p.nextToken();
                if (field.equals(messageField)) {
                    if (v == JsonToken.START_ARRAY && messageField.equals("params")) {
                        JsonToken first = p.nextToken();
                        if (first != JsonToken.END_ARRAY) {
                            offset = start(p);
                            length = end(p, first) - offset;
                            while (p.nextToken() != JsonToken.END_ARRAY) {
                                p.skipChildren();
                            }
                        }
                    } else if (v != JsonToken.VALUE_NULL) {
                        offset = start(p);
                        length = end(p, v) - offset;
                    }
                    continue;
                }
                switch (field) {
                    case "method" -> method = text(p, v, "method");
                    case "id" -> {
                        // kept as sent: a string's content, a number's digits (1.0 stays 1.0)
                        id = v == JsonToken.VALUE_NULL ? null : scalar(p, v, "id");
                        idString = v == JsonToken.VALUE_STRING;
                    }
                    case "error" -> {
                        if (v == JsonToken.VALUE_STRING) {
                            error = p.getText();
                        } else if (v != JsonToken.VALUE_NULL) {
                            // not Go Micro's string: keep the JSON as the error text
                            int from = start(p);
                            error = new String(data, from, end(p, v) - from, StandardCharsets.UTF_8);
                        }
                    }
                    default -> p.skipChildren();
                }
            }
            if (p.currentToken() != JsonToken.END_OBJECT) {
                throw new CodecException("json-rpc: the envelope ends early (expected: " + SHAPE + ")", null);
            }
            JsonToken after = p.nextToken();
            if (after != null) {
                throw new CodecException("json-rpc: " + after + " after the envelope at byte " + start(p)
                        + " (expected: the end of the body after " + SHAPE + ")", null);
            }
            return new Frame(method, id, error == null || error.isEmpty() ? null : error, data, offset, length,
                    idString);
        } catch (JsonProcessingException e) {
            throw new CodecException(describe(e), e);
        } catch (IOException e) {
            throw new CodecException("json-rpc: " + e.getMessage(), e);
        }
    }

    private static int start(JsonParser p) {
        return offset(p.currentTokenLocation().getByteOffset());
    }

    /** The offset just past the value whose first token is {@code t}. */
    private static int end(JsonParser p, JsonToken t) throws IOException {
        if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
            p.skipChildren();
        } else {
            p.finishToken();
        }
        return offset(p.currentLocation().getByteOffset());
    }

    /** Jackson has a byte offset only for a body it reads as UTF-8 (it detects UTF-16 and UTF-32 on its own). */
    private static int offset(long byteOffset) {
        if (byteOffset < 0) {
            throw new CodecException("json-rpc: expected UTF-8 (the body reads as UTF-16 or UTF-32)", null);
        }
        return (int) byteOffset;
    }

    private static String text(JsonParser p, JsonToken v, String field) throws IOException {
        if (v == JsonToken.VALUE_NULL) {
            return null;
        }
        if (v != JsonToken.VALUE_STRING) {
            throw new CodecException("json-rpc: \"" + field + "\" is " + v + " (expected: a string such as "
                    + "\"Greeter.Hello\")", null);
        }
        return p.getText();
    }

    private static String scalar(JsonParser p, JsonToken v, String field) throws IOException {
        if (!v.isScalarValue()) {
            throw new CodecException("json-rpc: \"" + field + "\" is " + v + " (expected: a number or a string)",
                    null);
        }
        return p.getText();
    }

    private static String describe(JsonProcessingException e) {
        String msg = e.getOriginalMessage();
        int nl = msg.indexOf('\n');
        StringBuilder sb = new StringBuilder("json-rpc: ").append(nl < 0 ? msg : msg.substring(0, nl));
        JsonLocation loc = e.getLocation();
        if (loc != null && loc.getByteOffset() >= 0) {
            sb.append(" at byte ").append(loc.getByteOffset());
        }
        return sb.toString();
    }
}
