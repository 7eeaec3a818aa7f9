package io.microcdi.broker.kafka;

import io.microcdi.testing.TestPki;

import java.nio.file.Path;

/**
 * A throw-away PKI for a TLS Kafka listener ({@link TestPki}, the {@code openssl} CLI) in a test's directory: a CA, the
 * broker's certificate for {@code 127.0.0.1} in a PKCS12 keystore, a client certificate with its PKCS#8 key (the PEM
 * forms the plugin's {@code micro.broker.kafka.tls.*} keys take), and an unrelated CA that signed neither.
 *
 * <pre>{@code
 * KafkaCerts pki = KafkaCerts.create(dir);
 * KafkaServer.start(Security.tls(pki.brokerKeystore(), KafkaCerts.PASSWORD).withClientCertificates(pki.ca()),
 *         Map.of());
 * }</pre>
 */
record KafkaCerts(Path dir) {

    /** The password of the broker's keystore and of its key. */
    static final String PASSWORD = "keystore-secret";

    Path ca() {
        return dir.resolve("ca.pem");
    }

    Path otherCa() {
        return dir.resolve("other-ca.pem");
    }

    Path brokerKeystore() {
        return dir.resolve("broker.p12");
    }

    Path clientCert() {
        return dir.resolve("client.pem");
    }

    Path clientKey() {
        return dir.resolve("client-key.pem");
    }

    static KafkaCerts create(Path dir) {
        TestPki pki = TestPki.in(dir);
        pki.ca("ca", "MicroCDI Kafka test CA");
        pki.ca("other-ca", "Not the Kafka CA");
        pki.issue("broker", "localhost", "ca", TestPki.Use.SERVER);
        pki.pkcs12("broker", PASSWORD);
        pki.issue("client", "kafka-client", "ca", TestPki.Use.CLIENT);
        return new KafkaCerts(dir);
    }
}
