package io.microcdi.transport.http;

import io.microcdi.internal.config.DefaultMicroConfig;
import io.microcdi.testing.transport.TransportContract;
import io.microcdi.transport.Transport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

/**
 * The {@link TransportContract} over the HTTP transport with TLS on loopback: every transport listens with the
 * server certificate and dials trusting its CA (certificates made by {@code openssl} for the run).
 */
class TlsHttpTransportContractTest extends TransportContract {

    @TempDir
    static Path certDir;
    static TestCerts pki;

    @BeforeAll
    static void makeCertificates() throws Exception {
        pki = TestCerts.create(certDir);
    }

    @Override
    protected Transport newTransport() {
        return new HttpTransport(HttpTransportConfig.from(DefaultMicroConfig.of(Map.of(
                HttpTransportConfig.IO_THREADS, "2",
                HttpTlsConfig.CERT, pki.serverCert().toString(),
                HttpTlsConfig.KEY, pki.serverKey().toString(),
                HttpTlsConfig.TRUST, pki.ca().toString()))));
    }
}
