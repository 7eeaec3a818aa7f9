package io.microcdi.transport.http;

import io.microcdi.config.MicroConfig;
import io.netty.handler.codec.http2.Http2SecurityUtil;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;

import javax.net.ssl.KeyManagerFactory;
import java.io.IOException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * TLS of the {@code http} transport, bound once from {@code micro.transport.http.tls.*}: the process's certificate (PEM
 * files or a PKCS12 keystore), the CA bundle it trusts, and whether its listeners ask callers for a certificate.
 *
 * <pre>{@code
 * // micro.transport.http.tls.cert=/etc/micro/node.pem, micro.transport.http.tls.key=/etc/micro/node-key.pem,
 * // micro.transport.http.tls.trust=/etc/micro/ca.pem, micro.transport.http.tls.client-auth=need
 * HttpTlsConfig tls = HttpTlsConfig.from(config);   // files read and checked here, each failure naming its key
 * tls.server();                                     // true: listeners speak TLS, offering h2 and http/1.1
 * }</pre>
 *
 * <p>One setting for the whole process, as Go Micro's {@code Secure} transport option: with a certificate its
 * listeners speak only TLS, and its client dials every node with TLS (presenting the same certificate when a server
 * asks for one). A process with only {@link #TRUST} is a TLS client with plain-text listeners (a client-only process).
 * The client checks that the server's certificate names the host or IP address it dialed.
 *
 * <p>Both sides speak TLS 1.3 and 1.2 only ({@link #PROTOCOLS}), with forward-secret AEAD cipher suites only
 * (Netty's {@code Http2SecurityUtil.CIPHERS}, the ones the JDK has: ECDHE with AES-GCM or ChaCha20-Poly1305, and the
 * TLS 1.3 suites): what the JDK enables minus CBC, RSA key exchange and the rest that HTTP/2 forbids. A TLS 1.2
 * client may not renegotiate (a cheap way to make a server burn CPU): the JDK's
 * {@code jdk.tls.rejectClientInitiatedRenegotiation} is set to {@code true} before the first server context is
 * built, unless the process set it already (it is JVM-wide).
 */
public final class HttpTlsConfig {

    /** The TLS versions both sides speak. */
    static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    /** The JDK's switch that refuses a renegotiation a client starts; read once, at the first server handshake. */
    static final String REJECT_RENEGOTIATION = "jdk.tls.rejectClientInitiatedRenegotiation";

    static {
        if (System.getProperty(REJECT_RENEGOTIATION) == null) {
            System.setProperty(REJECT_RENEGOTIATION, "true");
        }
    }

    /** Key of the certificate chain, a PEM file, the node's own certificate first. */
    public static final String CERT = "micro.transport.http.tls.cert";
    /** Key of the private key of {@link #CERT}, a PEM file (PKCS#8, or PKCS#1 RSA, or SEC1 EC; not encrypted). */
    public static final String KEY = "micro.transport.http.tls.key";
    /** Key of a PKCS12 keystore holding the key and its chain: instead of {@link #CERT} and {@link #KEY}. */
    public static final String KEYSTORE = "micro.transport.http.tls.keystore";
    /** Key of the password of {@link #KEYSTORE}. */
    public static final String KEYSTORE_PASSWORD = "micro.transport.http.tls.keystore-password";
    /** Key of the CA bundle, a PEM file: what the client trusts for servers and the server for client certificates. */
    public static final String TRUST = "micro.transport.http.tls.trust";
    /** Key of {@link #clientAuth()}: {@code none}, {@code want} or {@code need}. */
    public static final String CLIENT_AUTH = "micro.transport.http.tls.client-auth";

    private static final HttpTlsConfig NONE = new HttpTlsConfig(null, null, null, ClientAuth.NONE, "plain text");

    /** Whether a server asks its callers for a certificate. */
    public enum ClientAuth {
        /** It does not ask. */
        NONE,
        /** It asks, and accepts a caller without one. */
        WANT,
        /** It refuses a caller without a certificate signed by the {@link HttpTlsConfig#TRUST} bundle (mutual TLS). */
        NEED
    }

    private final SslContext server;
    private final SslContext client;
    /** The client's context for HTTP/2 connections: ALPN offers only {@code h2}. */
    private final SslContext h2Client;
    private final ClientAuth clientAuth;
    private final String description;

    private HttpTlsConfig(SslContext server, SslContext client, SslContext h2Client, ClientAuth clientAuth,
                          String description) {
        this.server = server;
        this.client = client;
        this.h2Client = h2Client;
        this.clientAuth = clientAuth;
        this.description = description;
    }

    /** Plain text on both sides. */
    public static HttpTlsConfig none() {
        return NONE;
    }

    /** Reads the keys above and loads their files; a bad value or file fails here, naming its key. */
    public static HttpTlsConfig from(MicroConfig config) {
        Optional<String> cert = config.get(CERT);
        Optional<String> key = config.get(KEY);
        Optional<String> keystore = config.get(KEYSTORE);
        Optional<String> trust = config.get(TRUST);
        ClientAuth auth = ClientAuth.valueOf(config.oneOf(CLIENT_AUTH, "none", List.of("none", "want", "need"))
                .toUpperCase(Locale.ROOT));
        if (cert.isPresent() && key.isEmpty()) {
            throw MicroConfig.invalid(KEY, "", "the PEM private key file of " + CERT + "=" + cert.get());
        }
        if (key.isPresent() && cert.isEmpty()) {
            throw MicroConfig.invalid(CERT, "", "the PEM certificate file of " + KEY + "=" + key.get());
        }
        if (keystore.isPresent() && cert.isPresent()) {
            throw MicroConfig.invalid(KEYSTORE, keystore.get(), "unset while " + CERT + " is set: one or the other");
        }
        boolean identity = cert.isPresent() || keystore.isPresent();
        if (auth != ClientAuth.NONE && !identity) {
            throw MicroConfig.invalid(CLIENT_AUTH, auth.name().toLowerCase(Locale.ROOT),
                    "none while neither " + CERT + " nor " + KEYSTORE
                            + " is set (only a TLS server asks for certificates)");
        }
        if (auth != ClientAuth.NONE && trust.isEmpty()) {
            throw MicroConfig.invalid(CLIENT_AUTH, auth.name().toLowerCase(Locale.ROOT),
                    "none while " + TRUST + " is unset (it holds the CAs client certificates are checked against)");
        }
        if (!identity && trust.isEmpty()) {
            return NONE;
        }
        X509Certificate[] trusted = trust.map(t -> TlsFiles.certificates(TRUST, t)).orElse(null);
        PrivateKey privateKey = null;
        X509Certificate[] chain = null;
        KeyManagerFactory keys = null;
        if (cert.isPresent()) {
            chain = TlsFiles.certificates(CERT, cert.get());
            privateKey = TlsFiles.privateKey(KEY, key.get());
            TlsFiles.checkPair(chain[0], privateKey, key.get());
        } else if (keystore.isPresent()) {
            keys = TlsFiles.keystore(keystore.get(), config.get(KEYSTORE_PASSWORD, ""));
        }
        String source = cert.map(c -> CERT + "=" + c).orElse(keystore.map(k -> KEYSTORE + "=" + k).orElse(null));
        SslContext server = null;
        if (identity) {
            SslContextBuilder b = keys != null ? SslContextBuilder.forServer(keys)
                    : SslContextBuilder.forServer(privateKey, chain);
            b.ciphers(Http2SecurityUtil.CIPHERS, SupportedCipherSuiteFilter.INSTANCE)
                    .protocols(PROTOCOLS)
                    .applicationProtocolConfig(alpn(ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1))
                    .clientAuth(switch (auth) {
                        case NONE -> io.netty.handler.ssl.ClientAuth.NONE;
                        case WANT -> io.netty.handler.ssl.ClientAuth.OPTIONAL;
                        case NEED -> io.netty.handler.ssl.ClientAuth.REQUIRE;
                    });
            if (trusted != null) {
                b.trustManager(trusted);
            }
            server = build(b, cert.isPresent() ? CERT : KEYSTORE, cert.orElse(keystore.orElse("")));
        }
        SslContext[] clients = new SslContext[2];
        for (int i = 0; i < 2; i++) {
            SslContextBuilder c = SslContextBuilder.forClient()
                    .endpointIdentificationAlgorithm("HTTPS")
                    .protocols(PROTOCOLS)
                    .ciphers(Http2SecurityUtil.CIPHERS, SupportedCipherSuiteFilter.INSTANCE);
            if (i == 0) {
                c.applicationProtocolConfig(alpn(ApplicationProtocolNames.HTTP_1_1));
            } else {
                // HTTP/2 only where the node says its listener takes streams on it: nothing else to fall back to
                c.applicationProtocolConfig(alpn(ApplicationProtocolNames.HTTP_2));
            }
            if (trusted != null) {
                c.trustManager(trusted);
            }
            if (keys != null) {
                c.keyManager(keys);
            } else if (privateKey != null) {
                c.keyManager(privateKey, chain);
            }
            clients[i] = build(c, trust.isPresent() ? TRUST : CERT, trust.orElse(cert.orElse("")));
        }
        String description = (server == null ? "plain-text listeners" : "TLS listeners (" + source + ", client-auth="
                + auth.name().toLowerCase(Locale.ROOT) + ")") + ", TLS client (trust "
                + trust.orElse("the JDK's CA certificates") + ")";
        return new HttpTlsConfig(server, clients[0], clients[1], auth, description);
    }

    /** Whether listeners speak TLS (and only TLS). */
    public boolean server() {
        return server != null;
    }

    /** Whether the client dials TLS. */
    public boolean client() {
        return client != null;
    }

    /** Whether listeners ask callers for a certificate. */
    public ClientAuth clientAuth() {
        return clientAuth;
    }

    /** The server context, or {@code null} for plain text. */
    SslContext serverContext() {
        return server;
    }

    /** The client context, or {@code null} for plain text. */
    SslContext clientContext() {
        return client;
    }

    /** The client context of HTTP/2 connections (ALPN {@code h2} only), or {@code null} for plain text. */
    SslContext h2ClientContext() {
        return h2Client;
    }

    @Override
    public String toString() {
        return description;
    }

    private static ApplicationProtocolConfig alpn(String... protocols) {
        // the only combination the JDK's engine supports: no protocol in common means no ALPN, read as http/1.1
        return new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, protocols);
    }

    private static SslContext build(SslContextBuilder b, String key, String value) {
        try {
            return b.build();
        } catch (IOException | RuntimeException e) {
            throw MicroConfig.invalid(key, value, "usable TLS material: " + e.getMessage());
        }
    }

}
