package io.microcdi.broker.kafka;

import io.microcdi.config.ConfigException;
import io.microcdi.config.MicroConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The {@code micro.broker.kafka.*} keys: defaults, the client properties they make, and bad values failing by key. */
class KafkaBrokerConfigTest {

    private static KafkaBrokerConfig config(String... kv) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return KafkaBrokerConfig.from(MicroConfig.of(m));
    }

    private static void fails(String key, String expected, String... kv) {
        assertThatThrownBy(() -> config(kv)).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(key + "=").hasMessageContaining(expected);
    }

    @Test
    void defaults() {
        KafkaBrokerConfig c = config();
        assertThat(c.bootstrapServers()).isEqualTo("127.0.0.1:9092");
        assertThat(c.acks()).isEqualTo("all");
        assertThat(c.idempotence()).isTrue();
        assertThat(c.autoOffsetReset()).isEqualTo("latest");
        assertThat(c.partitions()).isEqualTo(6);
        assertThat(c.replicationFactor()).isEqualTo(-1);
        assertThat(c.deadLetterTopicOf("orders")).isEqualTo("dead.orders");
        assertThat(c.wire()).isEqualTo(KafkaBrokerConfig.Wire.JSON);
        assertThat(c.commitInterval()).isEqualTo(Duration.ofMillis(500));
        assertThat(c.producerProperties()).containsEntry("acks", "all").containsEntry("enable.idempotence", true)
                .containsEntry("security.protocol", "PLAINTEXT").containsEntry("max.block.ms", 5000);
        assertThat(c.consumerProperties("g", "x")).containsEntry("group.id", "g")
                .containsEntry("enable.auto.commit", false).containsEntry("auto.offset.reset", "latest");
    }

    @Test
    void badValuesFailNamingTheKeyAndWhatIsAllowed() {
        fails(KafkaBrokerConfig.ACKS, "one of all, 1, 0", KafkaBrokerConfig.ACKS, "most");
        fails(KafkaBrokerConfig.IDEMPOTENCE, "acks=all", KafkaBrokerConfig.ACKS, "1",
                KafkaBrokerConfig.IDEMPOTENCE, "true");
        fails(KafkaBrokerConfig.BOOTSTRAP_SERVERS, "host:port", KafkaBrokerConfig.BOOTSTRAP_SERVERS,
                "kafka://10.0.0.1:9092");
        fails(KafkaBrokerConfig.SECURITY_PROTOCOL, "one of plaintext, ssl", KafkaBrokerConfig.SECURITY_PROTOCOL,
                "tls");
        fails(KafkaBrokerConfig.AUTO_OFFSET_RESET, "latest, earliest", KafkaBrokerConfig.AUTO_OFFSET_RESET, "none");
        fails(KafkaBrokerConfig.WIRE, "json, headers", KafkaBrokerConfig.WIRE, "avro");
        fails(KafkaBrokerConfig.TOPIC_PARTITIONS, "-1 for the cluster's default", KafkaBrokerConfig.TOPIC_PARTITIONS,
                "0");
        fails(KafkaBrokerConfig.DEAD_LETTER_TOPIC, "{topic}", KafkaBrokerConfig.DEAD_LETTER_TOPIC, "dead");
        fails(KafkaBrokerConfig.HEARTBEAT_INTERVAL, "less than micro.broker.kafka.session-timeout",
                KafkaBrokerConfig.SESSION_TIMEOUT, "3s", KafkaBrokerConfig.HEARTBEAT_INTERVAL, "3s");
        fails(KafkaBrokerConfig.DRAIN_TIMEOUT, "less than micro.broker.kafka.max-poll-interval",
                KafkaBrokerConfig.MAX_POLL_INTERVAL, "10s", KafkaBrokerConfig.DRAIN_TIMEOUT, "10s");
        fails(KafkaBrokerConfig.SASL_USERNAME, "set together with micro.broker.kafka.sasl.password",
                KafkaBrokerConfig.SASL_USERNAME, "alice");
    }

    @Test
    void passThroughPropertiesReachTheirClientAndUnknownOrOwnedOnesFail() {
        KafkaBrokerConfig c = config("micro.broker.kafka.producer.linger.ms", "20",
                "micro.broker.kafka.consumer.fetch.min.bytes", "1024",
                "micro.broker.kafka.client.reconnect.backoff.ms", "77");
        assertThat(c.producerProperties()).containsEntry("linger.ms", "20").containsEntry("reconnect.backoff.ms", "77")
                .doesNotContainKey("fetch.min.bytes");
        assertThat(c.consumerProperties("g", "x")).containsEntry("fetch.min.bytes", "1024")
                .containsEntry("reconnect.backoff.ms", "77").doesNotContainKey("linger.ms");
        assertThat(c.adminProperties()).containsEntry("reconnect.backoff.ms", "77");

        fails("micro.broker.kafka.producer.linger.msec", "a property of Kafka's producer",
                "micro.broker.kafka.producer.linger.msec", "20");
        fails("micro.broker.kafka.consumer.enable.auto.commit", "the broker sets enable.auto.commit itself",
                "micro.broker.kafka.consumer.enable.auto.commit", "true");
        fails("micro.broker.kafka.producer.linger.ms", "a value Kafka accepts",
                "micro.broker.kafka.producer.linger.ms", "soon");
    }

    @Test
    void saslAndTlsBecomeClientProperties(@TempDir Path dir) throws IOException {
        Path ca = Files.writeString(dir.resolve("ca.pem"), "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
        KafkaBrokerConfig c = config(KafkaBrokerConfig.SASL_USERNAME, "alice", KafkaBrokerConfig.SASL_PASSWORD,
                "s\"cret", KafkaBrokerConfig.SASL_MECHANISM, "scram-sha-512", KafkaBrokerConfig.TLS_CA, ca.toString());
        assertThat(c.security()).containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                .containsEntry("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required "
                        + "username=\"alice\" password=\"s\\\"cret\";")
                .containsEntry("ssl.truststore.type", "PEM");
        assertThat(c.toString()).doesNotContain("cret").doesNotContain("alice");
        fails(KafkaBrokerConfig.SECURITY_PROTOCOL, "SASL_PLAINTEXT or SASL_SSL", KafkaBrokerConfig.SASL_USERNAME,
                "alice", KafkaBrokerConfig.SASL_PASSWORD, "x", KafkaBrokerConfig.SECURITY_PROTOCOL, "ssl");
        fails(KafkaBrokerConfig.TLS_CA, "a readable PEM file", KafkaBrokerConfig.TLS_CA,
                dir.resolve("missing.pem").toString());
    }
}
