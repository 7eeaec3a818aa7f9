package io.microcdi.transport.http;

import io.microcdi.client.CallOptions;
import io.microcdi.client.Request;
import io.microcdi.client.Response;
import io.microcdi.client.rpc.RpcClient;
import io.microcdi.client.rpc.RpcClientConfig;
import io.microcdi.codec.Codecs;
import io.microcdi.codec.json.JsonCodec;
import io.microcdi.internal.config.DefaultMicroConfig;
import io.microcdi.internal.model.ServiceModel;
import io.microcdi.metadata.Metadata;
import io.microcdi.registry.memory.MemoryRegistry;
import io.microcdi.selector.cache.CachingSelector;
import io.microcdi.server.rpc.RpcServer;
import io.microcdi.server.rpc.RpcServerConfig;
import io.microcdi.transport.TransportException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * TLS and HTTP/2 end to end: a real {@link RpcServer} serving a greeter, called by the real {@code curl} over HTTP/2
 * (ALPN and prior knowledge) and HTTP/1.1, and by our own {@link RpcClient} over TLS and mutual TLS, with
 * certificates made by {@code openssl} for this run.
 */
class TlsHttp2Test {

    public record Hello(String name) {
    }

    public record Reply(String greeting) {
    }

    /** The greeter of the docs. */
    public static class Greeter {
        public Reply hello(Hello h) {
            return new Reply("Hello " + h.name());
        }
    }

    private static final String JOHN = "{\"name\":\"John\"}";
    private static final String HELLO_JOHN = "{\"greeting\":\"Hello John\"}";

    @TempDir
    static Path certDir;
    static TestCerts pki;

    private final MemoryRegistry registry = new MemoryRegistry();
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
        registry.close();
    }

    private Map<String, String> tls(String... extra) {
        Map<String, String> m = new HashMap<>(Map.of(
                HttpTlsConfig.CERT, pki.serverCert().toString(),
                HttpTlsConfig.KEY, pki.serverKey().toString(),
                HttpTlsConfig.TRUST, pki.ca().toString()));
        for (int i = 0; i < extra.length; i += 2) {
            m.put(extra[i], extra[i + 1]);
        }
        return m;
    }

    private HttpTransport transport(Map<String, String> config) {
        HttpTransport t = new HttpTransport(HttpTransportConfig.from(DefaultMicroConfig.of(config)));
        closing.add(t);
        return t;
    }

    /** A greeter server on its own transport; returns its {@code host:port}. */
    private String serve(Map<String, String> transportConfig) {
        HttpTransport t = transport(transportConfig);
        RpcServer server = new RpcServer(RpcServerConfig.from(DefaultMicroConfig.of(Map.of())), registry, t,
                Codecs.of(List.of(new JsonCodec())));
        server.handle(ServiceModel.define(Greeter.class, new Greeter(), "greeter", "1.0.0"));
        server.start();
        closing.add(server::stop);
        return server.address();
    }

    private RpcClient client(Map<String, String> transportConfig) {
        return client(transport(transportConfig));
    }

    private RpcClient client(HttpTransport transport) {
        CachingSelector selector = CachingSelector.of("random", registry);
        closing.add(selector::close);
        RpcClient c = new RpcClient(RpcClientConfig.from(DefaultMicroConfig.of(Map.of())), selector, transport);
        closing.add(c::close);
        return c;
    }

    private static Response hello(RpcClient client) {
        return client.call(new Request("greeter", "Greeter.Hello", "application/json",
                JOHN.getBytes(StandardCharsets.UTF_8), Metadata.empty()), CallOptions.defaults()).join();
    }

    @Test
    void curlSpeaksHttp2OverTlsWithAlpn() throws Exception {
        String address = serve(tls());
        Curl.Result r = Curl.call("https://" + address + "/", "Greeter.Hello", JOHN,
                "--http2", "--cacert", pki.ca().toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.body()).isEqualTo(HELLO_JOHN);
        assertThat(r.httpVersion()).isEqualTo("2");
    }

    @Test
    void curlAskingForHttp11OverTlsGetsHttp11() throws Exception {
        String address = serve(tls());
        Curl.Result r = Curl.call("https://" + address + "/", "Greeter.Hello", JOHN,
                "--http1.1", "--cacert", pki.ca().toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.body()).isEqualTo(HELLO_JOHN);
        assertThat(r.httpVersion()).isEqualTo("1.1");
    }

    @Test
    void plainTextAcceptsHttp2WithPriorKnowledgeAndHttp11() throws Exception {
        String address = serve(Map.of());
        Curl.Result h2 = Curl.call("http://" + address + "/", "Greeter.Hello", JOHN, "--http2-prior-knowledge");
        assertThat(h2.exit()).as(h2.err()).isZero();
        assertThat(h2.body()).isEqualTo(HELLO_JOHN);
        assertThat(h2.httpVersion()).isEqualTo("2");

        Curl.Result h1 = Curl.call("http://" + address + "/", "Greeter.Hello", JOHN, "--http1.1");
        assertThat(h1.exit()).as(h1.err()).isZero();
        assertThat(h1.body()).isEqualTo(HELLO_JOHN);
        assertThat(h1.httpVersion()).isEqualTo("1.1");

        // an Upgrade: h2c request is answered over HTTP/1.1, which curl accepts
        Curl.Result upgrade = Curl.call("http://" + address + "/", "Greeter.Hello", JOHN, "--http2");
        assertThat(upgrade.exit()).as(upgrade.err()).isZero();
        assertThat(upgrade.body()).isEqualTo(HELLO_JOHN);
        assertThat(upgrade.httpVersion()).isEqualTo("1.1");
    }

    @Test
    void errorsTravelInMicroErrorOverHttp2() throws Exception {
        String address = serve(tls());
        Curl.Result r = Curl.call("https://" + address + "/", "Greeter.Nope", "{}",
                "--http2", "--cacert", pki.ca().toString(), "-i");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("HTTP/2 200");
        assertThat(r.out()).contains("micro-error: {\"id\":\"go.micro.server\",\"code\":404");
        assertThat(r.httpVersion()).isEqualTo("2");
    }

    @Test
    void mutualTlsRefusesCurlWithoutACertificateAndAcceptsOneSignedByTheCa() throws Exception {
        String address = serve(tls(HttpTlsConfig.CLIENT_AUTH, "need"));
        String url = "https://" + address + "/";

        Curl.Result anonymous = Curl.call(url, "Greeter.Hello", JOHN, "--http2", "--cacert", pki.ca().toString());
        assertThat(anonymous.exit()).as("curl without --cert must fail").isNotZero();
        assertThat(anonymous.body()).doesNotContain("Hello John");

        Curl.Result withCert = Curl.call(url, "Greeter.Hello", JOHN, "--http2", "--cacert", pki.ca().toString(),
                "--cert", pki.clientCert().toString(), "--key", pki.clientKey().toString());
        assertThat(withCert.exit()).as(withCert.err()).isZero();
        assertThat(withCert.body()).isEqualTo(HELLO_JOHN);
        assertThat(withCert.httpVersion()).isEqualTo("2");
    }

    @Test
    void aPkcs12KeystoreWorksAsWellAsPemFiles() throws Exception {
        String address = serve(Map.of(HttpTlsConfig.KEYSTORE, pki.serverKeystore().toString(),
                HttpTlsConfig.KEYSTORE_PASSWORD, "secret"));
        Curl.Result r = Curl.call("https://" + address + "/", "Greeter.Hello", JOHN,
                "--http2", "--cacert", pki.ca().toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.body()).isEqualTo(HELLO_JOHN);
        assertThat(r.httpVersion()).isEqualTo("2");
    }

    @Test
    void aPkcs1KeyWorksAsWellAsPkcs8() throws Exception {
        String address = serve(tls(HttpTlsConfig.KEY, pki.serverKeyPkcs1().toString()));
        Curl.Result r = Curl.call("https://" + address + "/", "Greeter.Hello", JOHN,
                "--http1.1", "--cacert", pki.ca().toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.body()).isEqualTo(HELLO_JOHN);
    }

    @Test
    void ourClientCallsATlsServerTrustingTheCaAndReusesItsConnection() {
        String address = serve(tls());
        HttpTransport clientSide = transport(Map.of(HttpTlsConfig.TRUST, pki.ca().toString()));
        RpcClient client = client(clientSide);
        for (int i = 0; i < 5; i++) {
            assertThat(new String(hello(client).body(), StandardCharsets.UTF_8)).isEqualTo(HELLO_JOHN);
        }
        // the node says calls=h2: one TLS connection agreed on h2 through ALPN carries them all
        assertThat(clientSide.h2Dialed(address)).isEqualTo(1);
        assertThat(clientSide.connectionsDialed(address)).isZero();
        // and with h2-calls=false, one pooled HTTP/1.1 connection, reused call after call
        HttpTransport h1Side = transport(Map.of(HttpTlsConfig.TRUST, pki.ca().toString(),
                HttpTransportConfig.H2_CALLS, "false"));
        RpcClient h1 = client(h1Side);
        for (int i = 0; i < 5; i++) {
            assertThat(new String(hello(h1).body(), StandardCharsets.UTF_8)).isEqualTo(HELLO_JOHN);
        }
        assertThat(h1Side.connectionsDialed(address)).isEqualTo(1);
        assertThat(h1Side.h2Dialed(address)).isZero();
    }

    @Test
    void ourClientPresentsItsCertificateForMutualTls() {
        serve(tls(HttpTlsConfig.CLIENT_AUTH, "need"));
        RpcClient withCert = client(Map.of(HttpTlsConfig.CERT, pki.clientCert().toString(),
                HttpTlsConfig.KEY, pki.clientKey().toString(), HttpTlsConfig.TRUST, pki.ca().toString()));
        assertThat(new String(hello(withCert).body(), StandardCharsets.UTF_8)).isEqualTo(HELLO_JOHN);

        RpcClient anonymous = client(Map.of(HttpTlsConfig.TRUST, pki.ca().toString()));
        assertThatThrownBy(() -> hello(anonymous)).isInstanceOf(CompletionException.class);
    }

    @Test
    void ourClientRefusesAServerItsTrustBundleDoesNotVouchFor() {
        String address = serve(tls());
        HttpTransport clientSide = transport(Map.of(HttpTlsConfig.TRUST, pki.otherCa().toString()));
        assertThatThrownBy(() -> clientSide.send(address, new io.microcdi.transport.Message(Metadata.of(
                "Content-Type", "application/json", "Micro-Endpoint", "Greeter.Hello"),
                JOHN.getBytes(StandardCharsets.UTF_8)), java.time.Duration.ofSeconds(5)).join())
                .cause()
                .isInstanceOf(TransportException.class)
                .hasMessageContaining("TLS handshake with " + address)
                .matches(e -> !((TransportException) e).requestSent(), "not sent: safe to retry elsewhere");
    }

    @Test
    void aTlsServerDoesNotAnswerPlainText() throws Exception {
        String address = serve(tls());
        Curl.Result r = Curl.call("http://" + address + "/", "Greeter.Hello", JOHN, "--http1.1");
        assertThat(r.exit()).isNotZero();
        assertThat(r.body()).doesNotContain("Hello John");
    }
}
