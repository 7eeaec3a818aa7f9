package io.microcdi.broker.http;

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
 * The body of Go Micro's {@code POST /_sub}: the broker message as Go's {@code encoding/json} writes it,
 * {@code {"Header":{...,":topic":"orders"},"Body":"<base64>"}}, byte for byte (keys sorted, {@code <>&} escaped as
 * {@code \u003c}...), and read the way Go reads it (field names in any case, unknown fields ignored).
 *
 * <pre>{@code
 * byte[] json = SubMessage.encode("orders", message);         // once per publish, shared by every delivery
 * SubMessage.Received r = SubMessage.decode(json);            // r.topic() == "orders", ":topic" not in r.message()
 * }</pre>
 *
 * <p>Reading uses Jackson's streaming parser: no reflection and no tree per message.
 */
final class SubMessage {

    /** The header that carries the topic; the receiver removes it before the subscriber sees the message. */
    static final String TOPIC_HEADER = ":topic";

    private static final JsonFactory JSON = JsonFactory.builder().build();

    private SubMessage() {
    }

    /** A message as received: its topic, and the message without the {@code :topic} header. */
    record Received(String topic, BrokerMessage message) {
    }

    /** A body that is not a Go Micro broker message. */
    static final class MalformedException extends Exception {
        private static final long serialVersionUID = 1L;

        MalformedException(String message, Throwable cause) {
            super(message, cause, false, false);
        }
    }

    /** The JSON of {@code message} published to {@code topic}, as Go Micro's HTTP broker sends it. */
    static byte[] encode(String topic, BrokerMessage message) {
        // Go marshals a map with its keys sorted; ":topic" replaces whatever the headers said
        Map<String, String> header = new TreeMap<>();
        message.header().forEach((k, v) -> {
            if (!k.equals(TOPIC_HEADER)) {
                header.put(k, v);
            }
        });
        header.put(TOPIC_HEADER, topic);
        StringBuilder sb = new StringBuilder(32 + header.size() * 40);
        sb.append("{\"Header\":{");
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
        sb.append("},\"Body\":\"");
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
     * Reads a {@code /_sub} body.
     *
     * @throws MalformedException when it is not a JSON object of that shape, its body is not base64, or it names no
     *                            topic
     */
    static Received decode(byte[] json) throws MalformedException {
        Metadata.Builder header = Metadata.builder(8);
        String topic = null;
        byte[] body = new byte[0];
        try (JsonParser p = JSON.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new MalformedException("expected a JSON object", null);
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if (field.equalsIgnoreCase("Header")) {
                    topic = readHeader(p, value, header, topic);
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
        if (topic == null || topic.isEmpty()) {
            throw new MalformedException("no " + TOPIC_HEADER + " header", null);
        }
        return new Received(topic, new BrokerMessage(header.build(), body));
    }

    private static String readHeader(JsonParser p, JsonToken value, Metadata.Builder header, String topic)
            throws IOException, MalformedException {
        if (value == JsonToken.VALUE_NULL) {
            return topic;
        }
        if (value != JsonToken.START_OBJECT) {
            throw new MalformedException("Header: expected an object of strings, got " + value, null);
        }
        String found = topic;
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
            if (key.equals(TOPIC_HEADER)) {
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
