package io.microcdi.transport.http;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away PKI made with the {@code openssl} CLI in a test's temporary directory: a CA, a server certificate for
 * {@code 127.0.0.1} and {@code localhost}, and a client certificate. Nothing is committed; the keys die with the
 * directory.
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
        TestCerts c = new TestCerts(dir);
        c.ca("ca", "MicroCDI test CA");
        c.ca("other-ca", "Another CA");
        Files.writeString(dir.resolve("server.ext"), "basicConstraints=CA:FALSE\n"
                + "keyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n"
                + "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
        Files.writeString(dir.resolve("client.ext"), "basicConstraints=CA:FALSE\n"
                + "keyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n");
        c.openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server-key.pem", "-out", "server.csr",
                "-subj", "/CN=localhost");
        c.openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca-key.pem", "-set_serial", "2",
                "-days", "2", "-extfile", "server.ext", "-out", "server.pem");
        c.openssl("rsa", "-in", "server-key.pem", "-traditional", "-out", "server-key-pkcs1.pem");
        c.openssl("pkcs12", "-export", "-in", "server.pem", "-inkey", "server-key.pem", "-out", "server.p12",
                "-passout", "pass:secret");
        c.openssl("ecparam", "-name", "prime256v1", "-genkey", "-out", "client-key.pem");
        c.openssl("req", "-new", "-key", "client-key.pem", "-out", "client.csr", "-subj", "/CN=client");
        c.openssl("x509", "-req", "-in", "client.csr", "-CA", "ca.pem", "-CAkey", "ca-key.pem", "-set_serial", "3",
                "-days", "2", "-extfile", "client.ext", "-out", "client.pem");
        return c;
    }

    private void ca(String name, String cn) throws IOException, InterruptedException {
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", name + "-key.pem", "-out", name + ".pem",
                "-days", "2", "-subj", "/CN=" + cn, "-addext", "basicConstraints=critical,CA:TRUE",
                "-addext", "keyUsage=critical,keyCertSign,cRLSign");
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
