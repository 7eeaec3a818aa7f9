package io.microcdi.broker.http;

import io.microcdi.broker.BrokerMessage;
import io.microcdi.metadata.Metadata;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SubMessageTest {

    private static String json(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    @Test
    void encodesAsGoMicroDoesKeysSortedTopicAddedBodyInBase64() {
        BrokerMessage m = new BrokerMessage(Metadata.of("Micro-Topic", "orders", "Content-Type", "application/json",
                "Micro-Id", "42"), "{\"id\":42}".getBytes(StandardCharsets.UTF_8));

        // what Go's json.Marshal(&broker.Message{...}) writes for the same message, byte for byte
        assertThat(json(SubMessage.encode("orders", m))).isEqualTo("{\"Header\":{\":topic\":\"orders\","
                + "\"Content-Type\":\"application/json\",\"Micro-Id\":\"42\",\"Micro-Topic\":\"orders\"},"
                + "\"Body\":\"eyJpZCI6NDJ9\"}");
    }

    @Test
    void escapesStringsAsGoDoesHtmlCharactersIncluded() {
        BrokerMessage m = new BrokerMessage(Metadata.of("X", "a<b>&\"c\"\\\n\r\t\u0001\u2028é😀"), new byte[0]);

        assertThat(json(SubMessage.encode("t", m))).isEqualTo("{\"Header\":{\":topic\":\"t\",\"X\":"
                + "\"a\\u003cb\\u003e\\u0026\\\"c\\\"\\\\\\n\\r\\t\\u0001\\u2028é😀\"},\"Body\":\"\"}");
    }

    @Test
    void theTopicHeaderOfTheMessageIsReplaced() {
        BrokerMessage m = new BrokerMessage(Metadata.of(":topic", "elsewhere"), new byte[] {1, 2, 3});

        assertThat(json(SubMessage.encode("orders", m)))
                .isEqualTo("{\"Header\":{\":topic\":\"orders\"},\"Body\":\"AQID\"}");
    }

    @Test
    void decodesWhatItEncodesWithoutTheTopicHeader() throws Exception {
        byte[] body = new byte[256];
        for (int i = 0; i < body.length; i++) {
            body[i] = (byte) i;
        }
        BrokerMessage m = new BrokerMessage(Metadata.of("Content-Type", "application/octet-stream", "X-é", "ü<"),
                body);

        SubMessage.Received r = SubMessage.decode(SubMessage.encode("orders", m));

        assertThat(r.topic()).isEqualTo("orders");
        assertThat(r.message().header()).isEqualTo(m.header());
        assertThat(r.message().header().contains(":topic")).isFalse();
        assertThat(r.message().body()).isEqualTo(body);
    }

    @Test
    void readsAsGoDoesFieldNamesInAnyCaseUnknownFieldsAndNulls() throws Exception {
        SubMessage.Received r = SubMessage.decode(("{ \"extra\": [1, {\"a\": null}], \"header\": {\":topic\": \"t\", "
                + "\"A\": \"1\", \"B\": null}, \"BODY\": null }").getBytes(StandardCharsets.UTF_8));

        assertThat(r.topic()).isEqualTo("t");
        assertThat(r.message().header().asMap()).containsExactly(java.util.Map.entry("A", "1"),
                java.util.Map.entry("B", ""));
        assertThat(r.message().body()).isEmpty();
    }

    @Test
    void refusesWhatIsNotABrokerMessage() {
        for (String bad : new String[] {"", "not json", "[1,2]", "{", "{}", "{\"Header\":\"x\"}",
            "{\"Header\":{\":topic\":1}}", "{\"Header\":{\":topic\":\"\"}}", "{\"Header\":{\"a\":\"b\"}}",
            "{\"Header\":{\":topic\":\"t\"},\"Body\":\"!!!\"}", "{\"Header\":{\":topic\":\"t\"},\"Body\":7}",
            "{\"Header\":{\":topic\":\"t\"}} trailing", "{\"Header\":{\":topic\":\"t\"}}{}"}) {
            assertThatThrownBy(() -> SubMessage.decode(bad.getBytes(StandardCharsets.UTF_8)))
                    .as(bad)
                    .isInstanceOf(io.microcdi.broker.delivery.BrokerJson.MalformedException.class)
                    .hasMessageNotContaining("\n");
        }
    }
}
