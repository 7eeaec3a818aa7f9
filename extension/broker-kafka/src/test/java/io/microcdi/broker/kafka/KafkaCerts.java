package io.microcdi.broker.kafka;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away PKI for a TLS Kafka listener, made with the {@code openssl} CLI in a test's directory: a CA, the
 * broker's certificate for {@code 127.0.0.1} in a PKCS12 keystore, a client certificate with its PKCS#8 key (the PEM
 * forms the plugin's {@code micro.broker.kafka.tls.*} keys take), and an unrelated CA that signed neither.
 *
 * <pre>{@code
 * KafkaCerts pki = KafkaCerts.create(dir);
 * KafkaServer.start(Security.tls(pki.brokerKeystore(), KafkaCerts.PASSWORD).withClientCertificates(pki.ca()), Map.of());
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

    static KafkaCerts create(Path dir) throws IOException, InterruptedException {
        KafkaCerts c = new KafkaCerts(dir);
        c.ca("ca", "MicroCDI Kafka test CA");
        c.ca("other-ca", "Not the Kafka CA");
        Files.writeString(dir.resolve("broker.ext"), "basicConstraints=CA:FALSE\n"
                + "keyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n"
                + "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
        Files.writeString(dir.resolve("client.ext"), "basicConstraints=CA:FALSE\n"
                + "keyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\n");
        c.signed("broker", "localhost", "2");
        c.openssl("pkcs12", "-export", "-in", "broker.pem", "-inkey", "broker-key.pem", "-out", "broker.p12",
                "-passout", "pass:" + PASSWORD);
        c.signed("client", "kafka-client", "3");
        return c;
    }

    private void ca(String name, String cn) throws IOException, InterruptedException {
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", name + "-key.pem", "-out", name + ".pem",
                "-days", "2", "-subj", "/CN=" + cn, "-addext", "basicConstraints=critical,CA:TRUE",
                "-addext", "keyUsage=critical,keyCertSign,cRLSign");
    }

    /** {@code <name>.pem} signed by the CA for {@code cn}, and its PKCS#8 key {@code <name>-key.pem}. */
    private void signed(String name, String cn, String serial) throws IOException, InterruptedException {
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", name + "-key.pem", "-out", name + ".csr",
                "-subj", "/CN=" + cn);
        openssl("x509", "-req", "-in", name + ".csr", "-CA", "ca.pem", "-CAkey", "ca-key.pem", "-set_serial", serial,
                "-days", "2", "-extfile", name + ".ext", "-out", name + ".pem");
    }

    private void openssl(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("openssl"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("openssl " + String.join(" ", args) + ": timed out");
        }
        if (p.exitValue() != 0) {
            throw new IOException("openssl " + String.join(" ", args) + ": exit " + p.exitValue() + "\n"
                    + new String(out, StandardCharsets.UTF_8));
        }
    }
}
