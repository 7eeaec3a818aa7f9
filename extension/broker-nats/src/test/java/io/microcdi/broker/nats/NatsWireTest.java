package io.microcdi.broker.nats;

import io.microcdi.broker.BrokerMessage;
import io.microcdi.broker.delivery.BrokerJson;
import io.microcdi.metadata.Metadata;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The payload on a NATS subject, as Go Micro v1.10's {@code broker/nats} publishes it (seen live on nats-server 2.9). */
class NatsWireTest {

    /** {@code MSG greet.raw 1 68}: what a Go Micro publisher sent. */
    static final String GO_PAYLOAD = "{\"Header\":{\"Content-Type\":\"application/json\"},\"Body\":\"eyJpZCI6MH0=\"}";

    @Test
    void whatMicroCdiPublishesIsWhatGoMicroPublishes() {
        BrokerMessage m = new BrokerMessage(Metadata.of("Content-Type", "application/json"),
                "{\"id\":0}".getBytes(StandardCharsets.UTF_8));
        assertThat(new String(BrokerJson.encode(m, null, null), StandardCharsets.UTF_8)).isEqualTo(GO_PAYLOAD);
    }

    @Test
    void goMicrosPayloadReadsAsTheMessage() throws Exception {
        BrokerMessage m = BrokerJson.decode(GO_PAYLOAD.getBytes(StandardCharsets.UTF_8), null).message();
        assertThat(m.header().get("Content-Type")).isEqualTo("application/json");
        assertThat(new String(m.body(), StandardCharsets.UTF_8)).isEqualTo("{\"id\":0}");
    }

    @Test
    void readAsGoReadsIt() throws Exception {
        // Go's decoder matches field names in any case and takes a missing header as empty
        BrokerMessage m = BrokerJson.decode("{\"body\":\"aGk=\"}".getBytes(StandardCharsets.UTF_8), null).message();
        assertThat(m.header().isEmpty()).isTrue();
        assertThat(new String(m.body(), StandardCharsets.UTF_8)).isEqualTo("hi");
        assertThat(new String(BrokerJson.encode(m, null, null), StandardCharsets.UTF_8))
                .isEqualTo("{\"Header\":null,\"Body\":\"aGk=\"}");
    }

    @Test
    void whatIsNotABrokerMessageIsRefused() {
        assertThatThrownBy(() -> BrokerJson.decode("hello".getBytes(StandardCharsets.UTF_8), null))
                .isInstanceOf(BrokerJson.MalformedException.class);
        assertThatThrownBy(() -> BrokerJson.decode("{\"Body\":\"%%%\"}".getBytes(StandardCharsets.UTF_8), null))
                .isInstanceOf(BrokerJson.MalformedException.class);
    }
}
