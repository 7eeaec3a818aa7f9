package io.microcdi.transport.http;

import io.microcdi.config.MicroConfig;
import javax.net.ssl.KeyManagerFactory;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.UnrecoverableKeyException;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.List;

import static io.microcdi.transport.http.HttpTlsConfig.CERT;
import static io.microcdi.transport.http.HttpTlsConfig.KEY;
import static io.microcdi.transport.http.HttpTlsConfig.KEYSTORE;
import static io.microcdi.transport.http.HttpTlsConfig.KEYSTORE_PASSWORD;

/**
 * Loads the files the TLS keys name (PEM certificates and keys, PKCS12 keystores) and checks them, failing with a
 * message that names the key: what {@link HttpTlsConfig#from} builds its contexts from.
 *
 * <pre>{@code
 * X509Certificate[] chain = TlsFiles.certificates(HttpTlsConfig.CERT, "/etc/micro/tls.crt");
 * }</pre>
 */
final class TlsFiles {

    private TlsFiles() {
    }

    private static byte[] read(String key, String file) {
        try {
            return Files.readAllBytes(Path.of(file));
        } catch (IOException | RuntimeException e) {
            throw MicroConfig.invalid(key, file, "a readable file (" + e + ")");
        }
    }

    static X509Certificate[] certificates(String key, String file) {
        byte[] pem = read(key, file);
        List<X509Certificate> certs = new ArrayList<>();
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            for (Certificate c : factory.generateCertificates(new ByteArrayInputStream(pem))) {
                certs.add((X509Certificate) c);
            }
        } catch (GeneralSecurityException | RuntimeException e) {
            throw MicroConfig.invalid(key, file, "a PEM file of X.509 certificates (" + e.getMessage() + ")");
        }
        if (certs.isEmpty()) {
            throw MicroConfig.invalid(key, file, "a PEM file of X.509 certificates (it holds none)");
        }
        return certs.toArray(new X509Certificate[0]);
    }

    static PrivateKey privateKey(String key, String file) {
        String pem = new String(read(key, file), StandardCharsets.US_ASCII);
        String expected = "an unencrypted PEM private key: PKCS#8 (BEGIN PRIVATE KEY), PKCS#1 (BEGIN RSA PRIVATE KEY) "
                + "or SEC1 (BEGIN EC PRIVATE KEY)";
        // the first block whose type ends in PRIVATE KEY: openssl ecparam -genkey writes EC PARAMETERS before it
        int from = 0;
        String type = null;
        int typeEnd = -1;
        int end = -1;
        while (true) {
            int begin = pem.indexOf("-----BEGIN ", from);
            typeEnd = begin < 0 ? -1 : pem.indexOf("-----", begin + 11);
            if (typeEnd < 0) {
                throw MicroConfig.invalid(key, file, type == null ? expected : expected + " (it holds " + type + ")");
            }
            type = pem.substring(begin + 11, typeEnd);
            end = pem.indexOf("-----END " + type + "-----", typeEnd);
            if (end < 0) {
                throw MicroConfig.invalid(key, file, expected + " (no END " + type + " line)");
            }
            if (type.endsWith("PRIVATE KEY")) {
                break;
            }
            from = end + 14 + type.length();
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(pem.substring(typeEnd + 5, end));
        } catch (IllegalArgumentException e) {
            throw MicroConfig.invalid(key, file, expected + " (" + e.getMessage() + ")");
        }
        try {
            return switch (type) {
                case "PRIVATE KEY" -> pkcs8(der, "RSA", "EC", "Ed25519", "Ed448", "DSA");
                case "RSA PRIVATE KEY" -> pkcs8(Der.rsaToPkcs8(der), "RSA");
                case "EC PRIVATE KEY" -> pkcs8(Der.ecToPkcs8(der), "EC");
                default -> throw new GeneralSecurityException("it holds " + type);
            };
        } catch (GeneralSecurityException | RuntimeException e) {
            throw MicroConfig.invalid(key, file, expected + " (" + e.getMessage() + ")");
        }
    }

    private static PrivateKey pkcs8(byte[] der, String... algorithms) throws GeneralSecurityException {
        GeneralSecurityException last = null;
        for (String a : algorithms) {
            try {
                return KeyFactory.getInstance(a).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                last = e;
            }
        }
        throw new GeneralSecurityException("not a " + String.join(", ", algorithms) + " key", last);
    }

    /** A key that does not belong to the certificate fails every handshake: better say so at start. */
    static void checkPair(X509Certificate cert, PrivateKey key, String file) {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "DSA" -> "SHA256withDSA";
            default -> key.getAlgorithm(); // Ed25519, Ed448
        };
        byte[] probe = "microcdi".getBytes(StandardCharsets.US_ASCII);
        boolean pair;
        try {
            Signature s = Signature.getInstance(algorithm);
            s.initSign(key);
            s.update(probe);
            byte[] signature = s.sign();
            Signature v = Signature.getInstance(algorithm);
            v.initVerify(cert.getPublicKey());
            v.update(probe);
            pair = v.verify(signature);
        } catch (GeneralSecurityException | RuntimeException e) {
            pair = false;
        }
        if (!pair) {
            throw MicroConfig.invalid(KEY, file, "the private key of the first certificate in " + CERT + " ("
                    + cert.getSubjectX500Principal() + ")");
        }
    }

    static KeyManagerFactory keystore(String file, String password) {
        byte[] bytes = read(KEYSTORE, file);
        char[] pw = password.toCharArray();
        KeyStore ks;
        boolean hasKey = false;
        try {
            ks = KeyStore.getInstance("PKCS12");
            ks.load(new ByteArrayInputStream(bytes), pw);
            for (String alias : Collections.list(ks.aliases())) {
                hasKey |= ks.isKeyEntry(alias);
            }
        } catch (IOException e) {
            if (e.getCause() instanceof UnrecoverableKeyException) {
                throw wrongPassword(file); // never print the password itself
            }
            throw MicroConfig.invalid(KEYSTORE, file, "a PKCS12 keystore (" + e.getMessage() + ")");
        } catch (GeneralSecurityException | RuntimeException e) {
            throw MicroConfig.invalid(KEYSTORE, file, "a PKCS12 keystore (" + e.getMessage() + ")");
        }
        if (!hasKey) {
            throw MicroConfig.invalid(KEYSTORE, file, "a PKCS12 keystore holding a private key (it holds none)");
        }
        try {
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, pw);
            return kmf;
        } catch (UnrecoverableKeyException e) {
            throw wrongPassword(file);
        } catch (GeneralSecurityException | RuntimeException e) {
            throw MicroConfig.invalid(KEYSTORE, file, "a PKCS12 keystore (" + e.getMessage() + ")");
        }
    }

    private static IllegalArgumentException wrongPassword(String file) {
        return MicroConfig.invalid(KEYSTORE_PASSWORD, "(hidden)", "the password of " + KEYSTORE + "=" + file);
    }

    /** Just enough DER to wrap the two traditional OpenSSL key formats in the PKCS#8 envelope the JDK reads. */
    static final class Der {

        /** AlgorithmIdentifier of rsaEncryption (1.2.840.113549.1.1.1) with its NULL parameters. */
        static final byte[] RSA_ALGORITHM = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86,
            (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};
        /** OID of id-ecPublicKey (1.2.840.10045.2.1). */
        static final byte[] EC_OID = {0x06, 0x07, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02, 0x01};
        static final byte[] VERSION_0 = {0x02, 0x01, 0x00};

        private Der() {
        }

        /** PKCS#1 {@code RSAPrivateKey} as PKCS#8 {@code PrivateKeyInfo}. */
        static byte[] rsaToPkcs8(byte[] pkcs1) {
            return tlv(0x30, VERSION_0, RSA_ALGORITHM, tlv(0x04, pkcs1));
        }

        /** SEC1 {@code ECPrivateKey} (with its curve, as OpenSSL writes it) as PKCS#8 {@code PrivateKeyInfo}. */
        static byte[] ecToPkcs8(byte[] sec1) throws GeneralSecurityException {
            // ECPrivateKey ::= SEQUENCE { version INTEGER, privateKey OCTET STRING, [0] parameters, [1] publicKey }
            int[] at = {0};
            int seqEnd = enter(sec1, at, 0x30);
            byte[] curve = null;
            while (at[0] < seqEnd) {
                int tag = sec1[at[0]] & 0xff;
                int start = at[0];
                int contentEnd = enter(sec1, at, tag);
                if (tag == 0xa0) {
                    int oidStart = at[0];
                    int oidEnd = enter(sec1, at, 0x06);
                    curve = Arrays.copyOfRange(sec1, oidStart, oidEnd);
                }
                at[0] = contentEnd;
                if (at[0] <= start) {
                    throw new GeneralSecurityException("malformed EC key");
                }
            }
            if (curve == null) {
                throw new GeneralSecurityException(
                        "EC key without its curve (write it with openssl ec -param_enc named_curve)");
            }
            return tlv(0x30, VERSION_0, tlv(0x30, EC_OID, curve), tlv(0x04, sec1));
        }

        /** Reads the tag and length at {@code at[0]} and moves {@code at[0]} to the content; returns its end. */
        static int enter(byte[] der, int[] at, int tag) throws GeneralSecurityException {
            int i = at[0];
            if (i + 2 > der.length || (der[i] & 0xff) != tag) {
                throw new GeneralSecurityException("malformed key (expected DER tag " + Integer.toHexString(tag) + ")");
            }
            int len = der[i + 1] & 0xff;
            i += 2;
            if (len > 0x80) {
                int n = len - 0x80;
                if (n > 3 || i + n > der.length) {
                    throw new GeneralSecurityException("malformed key (DER length)");
                }
                len = 0;
                for (int k = 0; k < n; k++) {
                    len = (len << 8) | (der[i++] & 0xff);
                }
            } else if (len == 0x80) {
                throw new GeneralSecurityException("malformed key (indefinite DER length)");
            }
            if (i + len > der.length) {
                throw new GeneralSecurityException("malformed key (truncated)");
            }
            at[0] = i;
            return i + len;
        }

        static byte[] tlv(int tag, byte[]... parts) {
            int len = 0;
            for (byte[] p : parts) {
                len += p.length;
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream(len + 6);
            out.write(tag);
            if (len < 0x80) {
                out.write(len);
            } else if (len < 0x100) {
                out.write(0x81);
                out.write(len);
            } else if (len < 0x10000) {
                out.write(0x82);
                out.write(len >> 8);
                out.write(len);
            } else {
                out.write(0x83);
                out.write(len >> 16);
                out.write(len >> 8);
                out.write(len);
            }
            for (byte[] p : parts) {
                out.writeBytes(p);
            }
            return out.toByteArray();
        }
    }
}
