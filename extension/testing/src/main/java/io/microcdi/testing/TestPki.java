package io.microcdi.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away PKI for TLS tests, made with the {@code openssl} CLI in a test's directory: CAs, certificates they
 * issue for a server on {@code 127.0.0.1} or for a client, PKCS#8 keys, PKCS12 keystores. Nothing is committed; the
 * keys die with the directory, the certificates after two days.
 *
 * <pre>{@code
 * TestPki pki = TestPki.in(tempDir);
 * Path ca = pki.ca("ca", "Test CA");                                        // ca.pem, ca-key.pem
 * Path server = pki.issue("server", "localhost", "ca", TestPki.Use.SERVER); // server.pem, server-key.pem
 * Path keystore = pki.pkcs12("server", "secret");                           // server.p12
 * }</pre>
 */
public final class TestPki {

    /** What a certificate is for. */
    public enum Use {
        /** A TLS server on {@code 127.0.0.1} or {@code localhost} (its subject alternative names). */
        SERVER("basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\n"
                + "extendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,DNS:localhost\n"),
        /** A TLS client. */
        CLIENT("basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n");

        private final String extensions;

        Use(String extensions) {
            this.extensions = extensions;
        }
    }

    private final Path dir;
    private int serial = 1;

    private TestPki(Path dir) {
        this.dir = Objects.requireNonNull(dir, "dir");
    }

    /** A PKI whose files go to {@code dir}. */
    public static TestPki in(Path dir) {
        return new TestPki(dir);
    }

    /** Where its files are. */
    public Path dir() {
        return dir;
    }

    /** A self-signed CA: {@code <name>.pem} (returned) and its key {@code <name>-key.pem}. */
    public Path ca(String name, String commonName) {
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", name + "-key.pem", "-out", name + ".pem",
                "-days", "2", "-subj", "/CN=" + commonName, "-addext", "basicConstraints=critical,CA:TRUE",
                "-addext", "keyUsage=critical,keyCertSign,cRLSign");
        return dir.resolve(name + ".pem");
    }

    /**
     * A certificate {@code <name>.pem} (returned) for {@code commonName}, issued by the CA {@code ca} for
     * {@code use}, with a new RSA key in PKCS#8 ({@code BEGIN PRIVATE KEY}), {@code <name>-key.pem}.
     */
    public Path issue(String name, String commonName, String ca, Use use) {
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", name + "-key.pem", "-out", name + ".csr",
                "-subj", "/CN=" + commonName);
        return sign(name, ca, use);
    }

    /** {@link #issue(String, String, String, Use)} for the key already in {@code key} (any kind openssl reads). */
    public Path issue(String name, String commonName, String ca, Use use, Path key) {
        openssl("req", "-new", "-key", key.toString(), "-out", name + ".csr", "-subj", "/CN=" + commonName);
        return sign(name, ca, use);
    }

    private Path sign(String name, String ca, Use use) {
        Path extensions = dir.resolve(name + ".ext");
        try {
            Files.writeString(extensions, use.extensions, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + extensions, e);
        }
        int number;
        synchronized (this) {
            number = ++serial;
        }
        openssl("x509", "-req", "-in", name + ".csr", "-CA", ca + ".pem", "-CAkey", ca + "-key.pem",
                "-set_serial", Integer.toString(number), "-days", "2", "-extfile", extensions.toString(),
                "-out", name + ".pem");
        return dir.resolve(name + ".pem");
    }

    /** {@code <name>.pem} and {@code <name>-key.pem} in a PKCS12 keystore, {@code <name>.p12} (returned). */
    public Path pkcs12(String name, String password) {
        openssl("pkcs12", "-export", "-in", name + ".pem", "-inkey", name + "-key.pem", "-out", name + ".p12",
                "-passout", "pass:" + password);
        return dir.resolve(name + ".p12");
    }

    /**
     * Runs {@code openssl args...} in the directory.
     *
     * @throws IllegalStateException when it fails or takes over a minute; the message holds its output
     */
    public void openssl(String... args) {
        List<String> cmd = new ArrayList<>(List.of("openssl"));
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("openssl " + String.join(" ", args) + ": timed out");
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException("openssl " + String.join(" ", args) + ": exit " + p.exitValue()
                        + "\n" + new String(out, StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("openssl " + String.join(" ", args) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("openssl " + String.join(" ", args) + ": interrupted", e);
        }
    }
}
