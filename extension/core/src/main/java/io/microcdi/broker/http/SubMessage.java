package io.microcdi.broker.http;

import io.microcdi.broker.BrokerMessage;
import io.microcdi.broker.delivery.BrokerJson;

/**
 * The body of Go Micro's {@code POST /_sub}: the broker message in Go Micro's JSON ({@link BrokerJson}) with the topic
 * in a {@code :topic} header, {@code {"Header":{...,":topic":"orders"},"Body":"<base64>"}}.
 *
 * <pre>{@code
 * byte[] json = SubMessage.encode("orders", message);         // once per publish, shared by every delivery
 * SubMessage.Received r = SubMessage.decode(json);            // r.topic() == "orders", ":topic" not in r.message()
 * }</pre>
 */
final class SubMessage {

    /** The header that carries the topic; the receiver removes it before the subscriber sees the message. */
    static final String TOPIC_HEADER = ":topic";

    private SubMessage() {
    }

    /** A message as received: its topic, and the message without the {@code :topic} header. */
    record Received(String topic, BrokerMessage message) {
    }

    /** The JSON of {@code message} published to {@code topic}, as Go Micro's HTTP broker sends it. */
    static byte[] encode(String topic, BrokerMessage message) {
        return BrokerJson.encode(message, TOPIC_HEADER, topic); // ":topic" replaces whatever the headers said
    }

    /**
     * Reads a {@code /_sub} body.
     *
     * @throws BrokerJson.MalformedException when it is not a JSON object of that shape, its body is not base64, or it
     *                                       names no topic
     */
    static Received decode(byte[] json) throws BrokerJson.MalformedException {
        BrokerJson.Decoded d = BrokerJson.decode(json, TOPIC_HEADER);
        if (d.extracted() == null || d.extracted().isEmpty()) {
            throw new BrokerJson.MalformedException("no " + TOPIC_HEADER + " header", null);
        }
        return new Received(d.extracted(), d.message());
    }
}
