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
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;

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
 * <p>Reading uses Jackson's streaming parser: no reflection and no tree per message.
 */
public final class BrokerJson {

    private static final JsonFactory JSON = JsonFactory.builder().build();

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
        // Go marshals a map with its keys sorted
        Map<String, String> header = new TreeMap<>();
        message.header().forEach((k, v) -> {
            if (!k.equals(extraKey)) {
                header.put(k, v);
            }
        });
        if (extraKey != null) {
            header.put(extraKey, extraValue);
        }
        StringBuilder sb = new StringBuilder(32 + header.size() * 40);
        sb.append("{\"Header\":");
        if (header.isEmpty()) {
            sb.append("null"); // Go's nil map
        } else {
            sb.append('{');
            boolean first = true;
            for (Map.Entry<String, String> e : header.entrySet()) {
                if (!first) {
                    sb.append(',');
                }
                first = false;
                GoJson.quote(sb, e.getKey());
                sb.append(':');
                GoJson.quote(sb, e.getValue());
            }
            sb.append('}');
        }
        sb.append(",\"Body\":\"");
        byte[] head = sb.toString().getBytes(StandardCharsets.UTF_8);
        byte[] body = Base64.getEncoder().encode(message.body());
        byte[] out = new byte[head.length + body.length + 2];
        System.arraycopy(head, 0, out, 0, head.length);
        System.arraycopy(body, 0, out, head.length, body.length);
        out[out.length - 2] = '"';
        out[out.length - 1] = '}';
        return out;
    }

    /**
     * Reads a message; header {@code extractKey} (when not {@code null}) is taken out into {@link Decoded#extracted()}.
     *
     * @throws MalformedException when it is not one JSON object of that shape, or its body is not base64
     */
    public static Decoded decode(byte[] json, String extractKey) throws MalformedException {
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
            if (key.equals(extractKey)) {
                found = text;
            } else {
                header.put(key, text);
            }
        }
        return found;
    }

    /** Jackson appends the source location on further lines: keep the reason. */
    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
