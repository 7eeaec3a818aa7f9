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
import io.microcdi.internal.GoJson;

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
 * JSON codec. A numeric id is echoed as a number, any other as a string; {@code "params"} may also be the message
 * itself (an object, as JSON-RPC 2.0 allows) and only its first element is read when it is an array.
 */
public final class JsonRpcCodec implements Envelope {

    /** The content type. */
    public static final String CONTENT_TYPE = "application/json-rpc";

    private static final JsonFactory FACTORY = new JsonFactory();
    private static final String SHAPE = "{\"method\":\"Handler.Method\",\"params\":[{...}],\"id\":1}";
    private static final byte[] NULL = {'n', 'u', 'l', 'l'};

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
        StringBuilder head = new StringBuilder(32 + (method == null ? 0 : method.length()));
        head.append("{\"method\":");
        quoteOrNull(head, method);
        head.append(",\"params\":[");
        StringBuilder tail = new StringBuilder(24).append("],\"id\":");
        id(tail, id);
        tail.append('}');
        return join(head, message, tail);
    }

    @Override
    public byte[] writeResponse(String method, String id, String error, byte[] message) {
        StringBuilder head = new StringBuilder(32).append("{\"id\":");
        id(head, id);
        head.append(",\"result\":");
        StringBuilder tail = new StringBuilder(error == null ? 16 : 24 + error.length()).append(",\"error\":");
        quoteOrNull(tail, error);
        tail.append('}');
        return join(head, error != null || message.length == 0 ? NULL : message, tail);
    }

    private static byte[] join(StringBuilder head, byte[] message, StringBuilder tail) {
        byte[] h = head.toString().getBytes(StandardCharsets.UTF_8);
        byte[] t = tail.toString().getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[h.length + message.length + t.length];
        System.arraycopy(h, 0, out, 0, h.length);
        System.arraycopy(message, 0, out, h.length, message.length);
        System.arraycopy(t, 0, out, h.length + message.length, t.length);
        return out;
    }

    private static void quoteOrNull(StringBuilder sb, String s) {
        if (s == null) {
            sb.append("null");
        } else {
            GoJson.quote(sb, s);
        }
    }

    /** A numeric id as a number (Go Micro's sequence), any other as a string. */
    private static void id(StringBuilder sb, String id) {
        if (id == null) {
            sb.append("null");
        } else if (numeric(id)) {
            sb.append(id);
        } else {
            GoJson.quote(sb, id);
        }
    }

    static boolean numeric(String s) {
        int start = s.startsWith("-") ? 1 : 0;
        if (s.length() == start || s.length() - start > 19 || (s.charAt(start) == '0' && s.length() > start + 1)) {
            return false;
        }
        for (int i = start; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    /** One pass over the envelope: the known fields, the message located by its byte offsets. */
    private static Frame read(byte[] data, String messageField) {
        try (JsonParser p = FACTORY.createParser(data)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new CodecException("json-rpc: expected an object such as " + SHAPE + ", got "
                        + (data.length == 0 ? "an empty body" : String.valueOf(p.currentToken())), null);
            }
            String method = null;
            String id = null;
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
                    case "id" -> id = v == JsonToken.VALUE_NULL ? null : scalar(p, v, "id");
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
            return new Frame(method, id, error == null || error.isEmpty() ? null : error, data, offset, length);
        } catch (JsonProcessingException e) {
            throw new CodecException(describe(e), e);
        } catch (IOException e) {
            throw new CodecException("json-rpc: " + e.getMessage(), e);
        }
    }

    private static int start(JsonParser p) {
        return (int) p.currentTokenLocation().getByteOffset();
    }

    /** The offset just past the value whose first token is {@code t}. */
    private static int end(JsonParser p, JsonToken t) throws IOException {
        if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
            p.skipChildren();
        } else {
            p.finishToken();
        }
        return (int) p.currentLocation().getByteOffset();
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
