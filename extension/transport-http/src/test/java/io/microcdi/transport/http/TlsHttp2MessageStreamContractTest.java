package io.microcdi.transport.http;

import io.microcdi.internal.config.DefaultMicroConfig;
import io.microcdi.testing.transport.MessageStreamContract;
import io.microcdi.transport.StreamingTransport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@link MessageStreamContract} over the HTTP transport with TLS on loopback: both sides agree on HTTP/2 through
 * ALPN and every stream is an HTTP/2 stream of a TLS connection (certificates made by {@code openssl} for the run).
 */
class TlsHttp2MessageStreamContractTest extends MessageStreamContract {

    @TempDir
    static Path certDir;
    static TestCerts pki;

    private final List<StreamKinds> transports = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void makeCertificates() throws Exception {
        pki = TestCerts.create(certDir);
    }

    @Override
    protected StreamingTransport newTransport(Duration streamIdleTimeout) {
        StreamKinds t = new StreamKinds(new HttpTransport(HttpTransportConfig.from(DefaultMicroConfig.of(Map.of(
                HttpTransportConfig.IO_THREADS, "2",
                HttpTransportConfig.STREAM_IDLE_TIMEOUT, streamIdleTimeout.toMillis() + "ms",
                HttpTlsConfig.CERT, pki.serverCert().toString(),
                HttpTlsConfig.KEY, pki.serverKey().toString(),
                HttpTlsConfig.TRUST, pki.ca().toString())))));
        transports.add(t);
        return t;
    }

    @AfterEach
    void everyStreamWasAnHttp2Stream() {
        assertThat(transports.stream().flatMap(t -> t.opened().stream())).allMatch("Http2ClientStream"::equals);
    }
}
