package io.microcdi.broker.kafka;

import io.microcdi.broker.Broker;
import io.microcdi.broker.BrokerMessage;
import io.microcdi.broker.SubscribeOptions;
import io.microcdi.config.MicroConfig;
import io.microcdi.errors.MicroException;
import io.microcdi.metadata.Metadata;
import io.microcdi.testing.kafka.KafkaServer;
import io.microcdi.testing.kafka.KafkaServer.Security;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The broker on secured Kafka listeners, set up through {@code micro.broker.kafka.security-protocol},
 * {@code .sasl.*} and {@code .tls.*}: a real broker with a SASL/PLAIN listener, and one with SASL/PLAIN over TLS that
 * requires client certificates (a throw-away PKI made with {@code openssl}). The right credentials publish and
 * subscribe; a wrong password, an untrusted broker certificate or a missing client certificate stop the connect with
 * a 401 that names the cause and the keys to look at.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class KafkaSecurityTest {

    private static final String USER = "alice";
    private static final String PASSWORD = "alice-secret \"quoted\"";

    static Path dir;
    static KafkaCerts pki;
    static KafkaServer sasl;
    static KafkaServer tls;

    private final List<AutoCloseable> closing = new ArrayList<>();

    @BeforeAll
    static void startSecuredKafkas() throws Exception {
        KafkaServer.assumeAvailable();
        dir = Files.createTempDirectory("microcdi-kafka-pki-");
        pki = KafkaCerts.create(dir);
        Map<String, String> users = Map.of(USER, PASSWORD, "bob", "bob-secret");
        sasl = KafkaServer.start(Security.saslPlain(users), Map.of());
        tls = KafkaServer.start(Security.tls(pki.brokerKeystore(), KafkaCerts.PASSWORD).withSaslPlain(users)
                .withClientCertificates(pki.ca()), Map.of());
    }

    @AfterAll
    static void stopThem() throws Exception {
        for (KafkaServer k : new KafkaServer[] {sasl, tls}) {
            if (k != null) {
                k.close();
            }
        }
        if (dir != null) {
            try (var files = Files.walk(dir)) {
                for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    @AfterEach
    void closeAll() throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
    }

    private Broker connect(KafkaServer on, String... more) {
        Map<String, String> values = new HashMap<>(KafkaBrokerContractTest.fastGroups(on));
        values.put("micro.broker.publish-timeout", "10s");
        for (int i = 0; i < more.length; i += 2) {
            values.put(more[i], more[i + 1]);
        }
        Broker b = new KafkaBroker(KafkaBrokerConfig.from(MicroConfig.of(values)));
        closing.add(b::disconnect);
        b.connect();
        return b;
    }

    /** A queue group subscriber and a publisher of {@code broker} exchange 20 keyed messages, all of them. */
    private static void exchange(Broker broker) {
        String topic = "sec-" + UUID.randomUUID().toString().substring(0, 8);
        List<String> received = new CopyOnWriteArrayList<>();
        broker.subscribe(topic, e -> received.add(new String(e.message().body(), StandardCharsets.UTF_8)),
                SubscribeOptions.queue("secured"));
        List<CompletableFuture<Void>> sent = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            sent.add(broker.publish(topic, new BrokerMessage(Metadata.of("Content-Type", "text/plain",
                    KafkaBroker.KEY_HEADER, "k" + i % 3), ("m" + i).getBytes(StandardCharsets.UTF_8))));
        }
        CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).join();
        await().atMost(Duration.ofSeconds(30)).until(() -> received.size() >= 20);
        assertThat(received).containsExactlyInAnyOrderElementsOf(IntStream.range(0, 20).mapToObj(i -> "m" + i)
                .toList());
    }

    @Test
    void saslPlainUserPublishesAndSubscribes() {
        assertThat(sasl.securityProtocol()).isEqualTo("SASL_PLAINTEXT");
        exchange(connect(sasl, KafkaBrokerConfig.SECURITY_PROTOCOL, "sasl_plaintext",
                KafkaBrokerConfig.SASL_MECHANISM, "plain",
                KafkaBrokerConfig.SASL_USERNAME, USER,
                KafkaBrokerConfig.SASL_PASSWORD, PASSWORD));
    }

    @Test
    void aJaasLineOfItsOwnWorksToo() {
        exchange(connect(sasl, KafkaBrokerConfig.SASL_JAAS_CONFIG,
                "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"bob\" "
                        + "password=\"bob-secret\";"));
    }

    @Test
    void aWrongPasswordStopsTheConnectNamingTheCause() {
        assertThatThrownBy(() -> connect(sasl, KafkaBrokerConfig.SASL_USERNAME, USER,
                KafkaBrokerConfig.SASL_PASSWORD, "not-the-password"))
                .isInstanceOfSatisfying(MicroException.class, e -> {
                    assertThat(e.code()).isEqualTo(401);
                    assertThat(e.status()).isEqualTo("Unauthorized");
                    assertThat(e.detail()).contains("kafka " + sasl.bootstrapServers())
                            .contains("Invalid username or password")
                            .contains(KafkaBrokerConfig.SASL_USERNAME)
                            .doesNotContain("not-the-password");
                });
    }

    @Test
    void aPlaintextClientOnASaslListenerFailsTheConnectWithinThePublishTimeout() {
        // the listener drops a client that skips the SASL handshake: to the client, a broker that never answers
        assertThatThrownBy(() -> connect(sasl, "micro.broker.publish-timeout", "2s"))
                .isInstanceOfSatisfying(MicroException.class, e -> {
                    assertThat(e.code()).isEqualTo(503);
                    assertThat(e.detail()).isEqualTo("kafka " + sasl.bootstrapServers()
                            + ": cannot connect: no broker answered within 2000 ms");
                });
    }

    @Test
    void saslOverTlsWithAClientCertificatePublishesAndSubscribes() {
        assertThat(tls.securityProtocol()).isEqualTo("SASL_SSL");
        exchange(connect(tls, KafkaBrokerConfig.SECURITY_PROTOCOL, "sasl_ssl",
                KafkaBrokerConfig.TLS_CA, pki.ca().toString(),
                KafkaBrokerConfig.TLS_CERT, pki.clientCert().toString(),
                KafkaBrokerConfig.TLS_KEY, pki.clientKey().toString(),
                KafkaBrokerConfig.SASL_USERNAME, USER,
                KafkaBrokerConfig.SASL_PASSWORD, PASSWORD));
    }

    @Test
    void aBrokerCertificateOfAnotherCaStopsTheConnect() {
        assertThatThrownBy(() -> connect(tls,
                KafkaBrokerConfig.TLS_CA, pki.otherCa().toString(),
                KafkaBrokerConfig.TLS_CERT, pki.clientCert().toString(),
                KafkaBrokerConfig.TLS_KEY, pki.clientKey().toString(),
                KafkaBrokerConfig.SASL_USERNAME, USER,
                KafkaBrokerConfig.SASL_PASSWORD, PASSWORD))
                .isInstanceOfSatisfying(MicroException.class, e -> {
                    assertThat(e.code()).isEqualTo(401);
                    assertThat(e.detail()).contains("SSL handshake failed", "PKIX path building failed")
                            .contains(KafkaBrokerConfig.TLS_CA);
                });
    }

    @Test
    void noClientCertificateStopsTheConnect() {
        assertThatThrownBy(() -> connect(tls,
                KafkaBrokerConfig.TLS_CA, pki.ca().toString(),
                KafkaBrokerConfig.SASL_USERNAME, USER,
                KafkaBrokerConfig.SASL_PASSWORD, PASSWORD))
                .isInstanceOfSatisfying(MicroException.class, e -> {
                    assertThat(e.code()).isEqualTo(401);
                    // TLS 1.3: the broker refuses the empty certificate after the client's side of the handshake
                    assertThat(e.detail()).contains("bad_certificate").contains(KafkaBrokerConfig.TLS_CERT);
                });
    }
}
