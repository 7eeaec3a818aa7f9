package io.microcdi.broker.kafka;

import io.microcdi.broker.BrokerMessage;
import io.microcdi.broker.delivery.BrokerJson;
import io.microcdi.metadata.Metadata;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.nio.charset.StandardCharsets;

/**
 * A message as a Kafka record and back: the value in the configured {@link KafkaBrokerConfig.Wire} form, the headers
 * as Kafka headers (UTF-8 values), {@code Micro-Key} as the record key.
 *
 * <pre>{@code
 * ProducerRecord<byte[], byte[]> r = Records.encode("orders", message, Wire.JSON);
 * BrokerMessage m = Records.decode(consumerRecord, Wire.JSON);   // throws MalformedException
 * }</pre>
 */
final class Records {

    private static final byte[] NO_BYTES = new byte[0];

    private Records() {
    }

    static ProducerRecord<byte[], byte[]> encode(String topic, BrokerMessage message, KafkaBrokerConfig.Wire wire) {
        Metadata header = message.header();
        String key = header.get(KafkaBroker.KEY_HEADER);
        byte[] value = wire == KafkaBrokerConfig.Wire.JSON ? BrokerJson.encode(message, null, null) : message.body();
        return new ProducerRecord<>(topic, null, key == null ? null : key.getBytes(StandardCharsets.UTF_8), value,
                headers(header));
    }

    private static RecordHeaders headers(Metadata header) {
        Header[] out = new Header[header.size()];
        int[] i = {0};
        header.forEach((k, v) -> out[i[0]++] = new RecordHeader(k, v.getBytes(StandardCharsets.UTF_8)));
        return new RecordHeaders(out);
    }

    /**
     * The message a record holds.
     *
     * @throws BrokerJson.MalformedException when, on the JSON wire, the value is not a Go Micro broker message
     */
    static BrokerMessage decode(ConsumerRecord<byte[], byte[]> record, KafkaBrokerConfig.Wire wire)
            throws BrokerJson.MalformedException {
        byte[] value = record.value() == null ? NO_BYTES : record.value();
        if (wire == KafkaBrokerConfig.Wire.JSON) {
            // the JSON's own headers are the message's (a Go Micro publisher sets no Kafka headers)
            return BrokerJson.decode(value, null).message();
        }
        Metadata.Builder b = Metadata.builder(8);
        for (Header h : record.headers()) {
            b.put(h.key(), h.value() == null ? "" : new String(h.value(), StandardCharsets.UTF_8));
        }
        return new BrokerMessage(b.build(), value);
    }

    /**
     * The dead letter of {@code in}: {@code message} with {@code Micro-Error} when it decoded, else the record's own
     * value and headers with a {@code Micro-Error} header added. The key stays, so the dead letters of one key keep
     * their order too.
     */
    static ProducerRecord<byte[], byte[]> deadLetter(String topic, ConsumerRecord<byte[], byte[]> in,
                                                     BrokerMessage message, String why,
                                                     KafkaBrokerConfig.Wire wire) {
        if (message != null) {
            ProducerRecord<byte[], byte[]> r = encode(topic, new BrokerMessage(message.header().with("Micro-Error", why),
                    message.body()), wire);
            return new ProducerRecord<>(topic, null, in.key(), r.value(), r.headers());
        }
        RecordHeaders headers = new RecordHeaders(in.headers().toArray());
        headers.remove("Micro-Error");
        headers.add("Micro-Error", why.getBytes(StandardCharsets.UTF_8));
        return new ProducerRecord<>(topic, null, in.key(), in.value(), headers);
    }
}
