package io.microcdi.transport.http;

import io.microcdi.config.ConfigException;
import io.microcdi.internal.config.DefaultMicroConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code micro.transport.http.tls.*}: what each combination turns on, and every bad value failing at start by its key. */
class HttpTlsConfigTest {

    @TempDir
    static Path certDir;
    static TestCerts pki;

    @BeforeAll
    static void makeCertificates() throws Exception {
        pki = TestCerts.create(certDir);
    }

    private static HttpTlsConfig from(String... keysAndValues) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return HttpTransportConfig.from(DefaultMicroConfig.of(m)).tls();
    }

    @Test
    void nothingSetIsPlainTextOnBothSides() {
        HttpTlsConfig tls = from();
        assertThat(tls).isSameAs(HttpTlsConfig.none());
        assertThat(tls.server()).isFalse();
        assertThat(tls.client()).isFalse();
        assertThat(HttpTransportConfig.from(DefaultMicroConfig.of(Map.of()))).isEqualTo(HttpTransportConfig.defaults());
    }

    @Test
    void aCertificateMakesBothSidesTlsAndTrustAloneOnlyTheClient() {
        HttpTlsConfig both = from(HttpTlsConfig.CERT, pki.serverCert().toString(),
                HttpTlsConfig.KEY, pki.serverKey().toString());
        assertThat(both.server()).isTrue();
        assertThat(both.client()).isTrue();
        assertThat(both.clientAuth()).isEqualTo(HttpTlsConfig.ClientAuth.NONE);

        HttpTlsConfig clientOnly = from(HttpTlsConfig.TRUST, pki.ca().toString());
        assertThat(clientOnly.server()).isFalse();
        assertThat(clientOnly.client()).isTrue();
    }

    @Test
    void keysInEveryCommonPemFormLoad() throws Exception {
        // openssl ecparam -genkey puts an EC PARAMETERS block before the key
        assertThat(Files.readString(pki.clientKey())).startsWith("-----BEGIN EC PARAMETERS-----")
                .contains("-----BEGIN EC PRIVATE KEY-----");
        assertThat(from(HttpTlsConfig.CERT, pki.serverCert().toString(),
                HttpTlsConfig.KEY, pki.serverKeyPkcs1().toString()).server()).isTrue();
        assertThat(from(HttpTlsConfig.CERT, pki.clientCert().toString(),
                HttpTlsConfig.KEY, pki.clientKey().toString()).server()).isTrue();
        assertThat(from(HttpTlsConfig.KEYSTORE, pki.serverKeystore().toString(),
                HttpTlsConfig.KEYSTORE_PASSWORD, "secret", HttpTlsConfig.TRUST, pki.ca().toString(),
                HttpTlsConfig.CLIENT_AUTH, "WANT").clientAuth()).isEqualTo(HttpTlsConfig.ClientAuth.WANT);
    }

    @Test
    void aMissingKeyFileFailsNamingTheKey() {
        assertThatThrownBy(() -> from(HttpTlsConfig.CERT, pki.serverCert().toString(),
                HttpTlsConfig.KEY, certDir.resolve("nope.pem").toString()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("micro.transport.http.tls.key=" + certDir.resolve("nope.pem"))
                .hasMessageContaining("a readable file");
    }

    @Test
    void anUnknownClientAuthFailsNamingTheKeyAndTheChoices() {
        assertThatThrownBy(() -> from(HttpTlsConfig.CERT, pki.serverCert().toString(),
                HttpTlsConfig.KEY, pki.serverKey().toString(), HttpTlsConfig.CLIENT_AUTH, "sometimes"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("micro.transport.http.tls.client-auth=sometimes")
                .hasMessageContaining("none, want, need");
    }

    @Test
    void halfAPairOrTwoIdentitiesFail() {
        assertThatThrownBy(() -> from(HttpTlsConfig.CERT, pki.serverCert().toString()))
                .hasMessageStartingWith("micro.transport.http.tls.key=");
        assertThatThrownBy(() -> from(HttpTlsConfig.KEY, pki.serverKey().toString()))
                .hasMessageStartingWith("micro.transport.http.tls.cert=");
        assertThatThrownBy(() -> from(HttpTlsConfig.CERT, pki.serverCert().toString(),
                HttpTlsConfig.KEY, pki.serverKey().toString(), HttpTlsConfig.KEYSTORE, pki.serverKeystore().toString()))
                .hasMessageStartingWith("micro.transport.http.tls.keystore=");
    }

    @Test
    void clientAuthNeedsATlsServerAndATrustBundle() {
        assertThatThrownBy(() -> from(HttpTlsConfig.CERT, pki.serverCert().toString(),
                HttpTlsConfig.KEY, pki.serverKey().toString(), HttpTlsConfig.CLIENT_AUTH, "need"))
                .hasMessageStartingWith("micro.transport.http.tls.client-auth=need")
                .hasMessageContaining("micro.transport.http.tls.trust");
        assertThatThrownBy(() -> from(HttpTlsConfig.TRUST, pki.ca().toString(), HttpTlsConfig.CLIENT_AUTH, "want"))
                .hasMessageStartingWith("micro.transport.http.tls.client-auth=want");
    }

    @Test
    void wrongFilesFailNamingTheirKey() throws Exception {
        // a key of another certificate
        assertThatThrownBy(() -> from(HttpTlsConfig.CERT, pki.serverCert().toString(),
                HttpTlsConfig.KEY, pki.clientKey().toString()))
                .hasMessageStartingWith("micro.transport.http.tls.key=")
                .hasMessageContaining("the private key of the first certificate");
        // a certificate where the key belongs, a key where the certificates belong
        assertThatThrownBy(() -> from(HttpTlsConfig.CERT, pki.serverCert().toString(),
                HttpTlsConfig.KEY, pki.serverCert().toString()))
                .hasMessageStartingWith("micro.transport.http.tls.key=")
                .hasMessageContaining("BEGIN PRIVATE KEY");
        assertThatThrownBy(() -> from(HttpTlsConfig.TRUST, pki.serverKey().toString()))
                .hasMessageStartingWith("micro.transport.http.tls.trust=")
                .hasMessageContaining("X.509 certificates");
        Path empty = Files.writeString(certDir.resolve("empty.pem"), "");
        assertThatThrownBy(() -> from(HttpTlsConfig.TRUST, empty.toString()))
                .hasMessageStartingWith("micro.transport.http.tls.trust=");
        // a wrong keystore password, never printed
        assertThatThrownBy(() -> from(HttpTlsConfig.KEYSTORE, pki.serverKeystore().toString(),
                HttpTlsConfig.KEYSTORE_PASSWORD, "guess"))
                .hasMessageStartingWith("micro.transport.http.tls.keystore-password=(hidden)")
                .hasMessageNotContaining("guess");
        assertThatThrownBy(() -> from(HttpTlsConfig.KEYSTORE, pki.ca().toString()))
                .hasMessageStartingWith("micro.transport.http.tls.keystore=");
    }
}
