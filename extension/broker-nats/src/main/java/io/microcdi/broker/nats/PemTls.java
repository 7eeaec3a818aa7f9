package io.microcdi.broker.nats;

import io.microcdi.config.MicroConfig;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Collection;

/**
 * The TLS context of the NATS connection from PEM files: the CAs to trust, and this client's certificate and PKCS#8
 * key when the server asks for one; a bad file fails at start, naming its key.
 *
 * <pre>{@code
 * SSLContext ssl = PemTls.context(new NatsBrokerConfig.Tls(Path.of("ca.pem"), null, null));
 * }</pre>
 */
final class PemTls {

    private PemTls() {
    }

    static SSLContext context(NatsBrokerConfig.Tls tls) {
        try {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            if (tls.ca() == null) {
                tmf.init((KeyStore) null); // the JDK's CAs
            } else {
                KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
                trust.load(null, null);
                int i = 0;
                for (Certificate c : certificates(NatsBrokerConfig.TLS_CA, tls.ca())) {
                    trust.setCertificateEntry("ca-" + i++, c);
                }
                tmf.init(trust);
            }
            KeyManagerFactory kmf = null;
            if (tls.cert() != null) {
                Certificate[] chain = certificates(NatsBrokerConfig.TLS_CERT, tls.cert()).toArray(Certificate[]::new);
                PrivateKey key = key(tls.key());
                KeyStore ks = KeyStore.getInstance("PKCS12");
                ks.load(null, null);
                ks.setKeyEntry("client", key, new char[0], chain);
                kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(ks, new char[0]);
            }
            SSLContext ssl = SSLContext.getInstance("TLS");
            ssl.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
            return ssl;
        } catch (GeneralSecurityException | IOException e) {
            throw MicroConfig.invalid(NatsBrokerConfig.TLS_CA, String.valueOf(tls.ca()),
                    "PEM files a TLS client can use (" + e.getMessage() + ")");
        }
    }

    private static Collection<? extends Certificate> certificates(String key, Path file) {
        try {
            Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(Files.readAllBytes(file)));
            if (certs.isEmpty()) {
                throw MicroConfig.invalid(key, file.toString(), "a PEM file with at least one certificate");
            }
            return certs;
        } catch (GeneralSecurityException | IOException e) {
            throw MicroConfig.invalid(key, file.toString(), "a PEM certificate file (" + e.getMessage() + ")");
        }
    }

    private static PrivateKey key(Path file) {
        try {
            String pem = Files.readString(file, StandardCharsets.US_ASCII);
            int begin = pem.indexOf("-----BEGIN PRIVATE KEY-----");
            int end = pem.indexOf("-----END PRIVATE KEY-----");
            if (begin < 0 || end < begin) {
                throw MicroConfig.invalid(NatsBrokerConfig.TLS_KEY, file.toString(),
                        "an unencrypted PKCS#8 PEM key (BEGIN PRIVATE KEY)");
            }
            byte[] der = Base64.getMimeDecoder().decode(pem.substring(begin + 27, end));
            for (String algorithm : new String[] {"RSA", "EC", "Ed25519"}) {
                try {
                    return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
                } catch (GeneralSecurityException wrongAlgorithm) {
                    // the next one
                }
            }
            throw MicroConfig.invalid(NatsBrokerConfig.TLS_KEY, file.toString(), "an RSA, EC or Ed25519 key");
        } catch (IOException e) {
            throw MicroConfig.invalid(NatsBrokerConfig.TLS_KEY, file.toString(), "a readable file");
        }
    }
}
