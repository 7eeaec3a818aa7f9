package io.microcdi.transport.http;

import io.microcdi.internal.config.DefaultMicroConfig;
import io.netty.buffer.ByteBufAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The TLS listener's hardening: TLS 1.2 and 1.3 only, forward-secret AEAD suites only, and no renegotiation started by
 * a client (a JDK client on TLS 1.2 tries one after a call, and is refused, while a new connection is served).
 */
class TlsHardeningTest {

    @TempDir
    static Path certDir;
    static TestCerts pki;

    private final List<AutoCloseable> closing = new ArrayList<>();

    @BeforeAll
    static void makeCertificates() throws Exception {
        pki = TestCerts.create(certDir);
    }

    @AfterEach
    void tearDown() throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
    }

    private HttpTransport transport() {
        HttpTransport t = new HttpTransport(HttpTransportConfig.from(DefaultMicroConfig.of(Map.of(
                HttpTransportConfig.IO_THREADS, "2",
                HttpTlsConfig.CERT, pki.serverCert().toString(),
                HttpTlsConfig.KEY, pki.serverKey().toString(),
                HttpTlsConfig.TRUST, pki.ca().toString()))));
        closing.add(t);
        return t;
    }

    /** A JDK client socket trusting the test CA, speaking only {@code protocol}. */
    private SSLSocket client(String address, String protocol) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(pki.ca())) {
            trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        var a = HttpWire.parse(address, true);
        SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket(a.getAddress(), a.getPort());
        s.setSoTimeout(10_000);
        s.setEnabledProtocols(new String[] {protocol});
        closing.add(s);
        return s;
    }

    private static String call(SSLSocket s, String body) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(RawHttp.call(body).getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        InputStream in = s.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed after " + head);
            }
            head.append((char) b);
        }
        int at = head.indexOf("Content-Length: ");
        int length = Integer.parseInt(head.substring(at + 16, head.indexOf("\r\n", at)));
        return head + new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }

    @Test
    void aClientMayNotRenegotiateButANewConnectionIsServed() throws Exception {
        HttpTransport t = transport();
        String address = t.listen("127.0.0.1:0", ex -> ex.reply(ex.request())).address();
        SSLSocket s = client(address, "TLSv1.2");
        s.startHandshake();
        assertThat(s.getSession().getProtocol()).isEqualTo("TLSv1.2");
        assertThat(call(s, "{\"n\":1}")).endsWith("{\"n\":1}");

        s.startHandshake(); // on an established TLS 1.2 session: a renegotiation

        assertThatThrownBy(() -> call(s, "{\"n\":2}")).isInstanceOf(IOException.class);
        SSLSocket fresh = client(address, "TLSv1.2");
        assertThat(call(fresh, "{\"n\":3}")).endsWith("{\"n\":3}");
    }

    @Test
    void listenersAndClientsSpeakTls12And13WithForwardSecretAeadSuitesOnly() throws Exception {
        HttpTlsConfig tls = transport().config().tls();
        for (var ctx : List.of(tls.serverContext(), tls.clientContext(), tls.h2ClientContext())) {
            SSLEngine engine = ctx.newEngine(ByteBufAllocator.DEFAULT);
            assertThat(engine.getEnabledProtocols()).containsExactlyInAnyOrder("TLSv1.3", "TLSv1.2");
            assertThat(engine.getEnabledCipherSuites()).isNotEmpty().allSatisfy(suite -> {
                assertThat(suite).matches("TLS_(AES_\\d+_GCM_SHA\\d+|CHACHA20_POLY1305_SHA256"
                        + "|ECDHE_(RSA|ECDSA)_WITH_(AES_\\d+_GCM_SHA\\d+|CHACHA20_POLY1305_SHA256))");
            });
        }
        assertThat(System.getProperty(HttpTlsConfig.REJECT_RENEGOTIATION)).isEqualTo("true");
        // a TLS 1.3 client is served too
        String address = transport().listen("127.0.0.1:0", ex -> ex.reply(ex.request())).address();
        SSLSocket s = client(address, "TLSv1.3");
        assertThat(call(s, "{}")).endsWith("{}");
        assertThat(s.getSession().getProtocol()).isEqualTo("TLSv1.3");
        assertThat(Arrays.asList(s.getSession().getCipherSuite())).isNotEmpty();
    }
}
