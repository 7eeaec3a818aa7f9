package io.microcdi.transport.http;

import io.microcdi.testing.TestPki;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A throw-away PKI made with the {@code openssl} CLI ({@link TestPki}) in a test's temporary directory: a CA, a server
 * certificate for {@code 127.0.0.1} and {@code localhost}, and a client certificate. Nothing is committed; the keys die
 * with the directory.
 *
 * <pre>{@code
 * TestCerts pki = TestCerts.create(tempDir);
 * Map.of("micro.transport.http.tls.cert", pki.serverCert().toString(),
 *        "micro.transport.http.tls.key", pki.serverKey().toString())
 * }</pre>
 */
record TestCerts(Path dir) {

    Path ca() {
        return dir.resolve("ca.pem");
    }

    Path serverCert() {
        return dir.resolve("server.pem");
    }

    /** PKCS#8 ({@code BEGIN PRIVATE KEY}), what {@code openssl req -newkey} writes. */
    Path serverKey() {
        return dir.resolve("server-key.pem");
    }

    /** The server's key in the traditional PKCS#1 form ({@code BEGIN RSA PRIVATE KEY}). */
    Path serverKeyPkcs1() {
        return dir.resolve("server-key-pkcs1.pem");
    }

    /** The server's key and chain in a PKCS12 keystore with password {@code secret}. */
    Path serverKeystore() {
        return dir.resolve("server.p12");
    }

    Path clientCert() {
        return dir.resolve("client.pem");
    }

    /**
     * An EC key in the SEC1 form ({@code BEGIN EC PRIVATE KEY}) after an {@code EC PARAMETERS} block, what
     * {@code openssl ecparam -genkey} writes.
     */
    Path clientKey() {
        return dir.resolve("client-key.pem");
    }

    /** A second CA, unrelated to the first: what it signs is not trusted. */
    Path otherCa() {
        return dir.resolve("other-ca.pem");
    }

    static TestCerts create(Path dir) throws IOException, InterruptedException {
        TestPki pki = TestPki.in(dir);
        pki.ca("ca", "MicroCDI test CA");
        pki.ca("other-ca", "Another CA");
        pki.issue("server", "localhost", "ca", TestPki.Use.SERVER);
        pki.openssl("rsa", "-in", "server-key.pem", "-traditional", "-out", "server-key-pkcs1.pem");
        pki.pkcs12("server", "secret");
        pki.openssl("ecparam", "-name", "prime256v1", "-genkey", "-out", "client-key.pem");
        pki.issue("client", "client", "ca", TestPki.Use.CLIENT, dir.resolve("client-key.pem"));
        return new TestCerts(dir);
    }
}
