package io.microcdi.registry.gossip;

import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Encrypts and authenticates member traffic with AES-256-GCM under keys derived from the shared secret: a frame
 * that was not sealed with the same secret fails to open.
 *
 * <pre>{@code
 * TrafficCipher c = new TrafficCipher("the cluster's shared secret");
 * byte[] sealed = c.seal(message);
 * byte[] message = other.open(sealed);   // GeneralSecurityException unless other has the same secret
 * }</pre>
 *
 * <p>A sealed frame is {@code version(1) | salt(16) | nonce(12) | ciphertext | tag(16)}. The secret is stretched
 * once with PBKDF2-HMAC-SHA256 into a master key; each cipher instance picks a random salt at creation and seals
 * with its own key, HMAC-SHA256(master, label | salt), and a counter as the nonce. So no nonce repeats under a key,
 * however many members and messages there are, without coordination. The version and the salt are authenticated as
 * additional data. Replays are not detected here: SWIM discards the membership records they would carry, since
 * those are ordered by incarnation.
 */
final class TrafficCipher {

    static final byte VERSION = 1;
    static final int SALT = 16;
    static final int NONCE = 12;
    static final int TAG_BITS = 128;
    static final int OVERHEAD = 1 + SALT + NONCE + TAG_BITS / 8;

    private static final byte[] KDF_SALT = "microcdi gossip registry v1".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] KEY_LABEL = "microcdi gossip traffic key".getBytes(StandardCharsets.US_ASCII);
    private static final int KDF_ITERATIONS = 100_000;
    private static final int MAX_PEER_KEYS = 1024;

    private final SecretKey master;
    private final byte[] header;
    private final SecretKey key;
    private final AtomicLong counter = new AtomicLong();
    /** Peer salt to its key: one entry per peer process; guarded by itself. */
    private final Map<ByteBuffer, SecretKey> peerKeys = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<ByteBuffer, SecretKey> eldest) {
            return size() > MAX_PEER_KEYS;
        }
    };

    TrafficCipher(String secret) {
        try {
            PBEKeySpec spec = new PBEKeySpec(secret.toCharArray(), KDF_SALT, KDF_ITERATIONS, 256);
            byte[] raw = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
            spec.clearPassword();
            this.master = new SecretKeySpec(raw, "HmacSHA256");
            Arrays.fill(raw, (byte) 0);
            byte[] salt = new byte[SALT];
            new SecureRandom().nextBytes(salt);
            this.header = new byte[1 + SALT];
            header[0] = VERSION;
            System.arraycopy(salt, 0, header, 1, SALT);
            this.key = derive(salt);
        } catch (GeneralSecurityException e) {
            // PBKDF2WithHmacSHA256, HmacSHA256 and AES/GCM are in every Java SE 17 runtime
            throw new IllegalStateException("the JDK lacks PBKDF2, HMAC-SHA256 or AES-GCM: " + e.getMessage(), e);
        }
    }

    /** {@code plain}, encrypted and authenticated. */
    byte[] seal(byte[] plain) throws GeneralSecurityException {
        byte[] nonce = new byte[NONCE];
        ByteBuffer.wrap(nonce, NONCE - Long.BYTES, Long.BYTES).putLong(counter.getAndIncrement());
        Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
        c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
        c.updateAAD(header);
        byte[] out = new byte[header.length + NONCE + c.getOutputSize(plain.length)];
        System.arraycopy(header, 0, out, 0, header.length);
        System.arraycopy(nonce, 0, out, header.length, NONCE);
        c.doFinal(plain, 0, plain.length, out, header.length + NONCE);
        return out;
    }

    /**
     * The plain bytes of a sealed frame.
     *
     * @throws GeneralSecurityException when the frame was sealed with another secret, altered, or is not a frame
     */
    byte[] open(byte[] sealed) throws GeneralSecurityException {
        if (sealed.length < OVERHEAD || sealed[0] != VERSION) {
            throw new GeneralSecurityException("not a sealed frame of version " + VERSION);
        }
        ByteBuffer salt = ByteBuffer.wrap(Arrays.copyOfRange(sealed, 1, 1 + SALT));
        SecretKey k;
        synchronized (peerKeys) {
            k = peerKeys.get(salt);
        }
        boolean known = k != null;
        if (!known) {
            k = derive(salt.array());
        }
        Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
        c.init(Cipher.DECRYPT_MODE, k, new GCMParameterSpec(TAG_BITS, sealed, 1 + SALT, NONCE));
        c.updateAAD(sealed, 0, 1 + SALT);
        int offset = 1 + SALT + NONCE;
        byte[] plain = c.doFinal(sealed, offset, sealed.length - offset);
        if (!known) {
            synchronized (peerKeys) { // only keys that opened a frame: forged salts cannot evict real ones
                peerKeys.put(salt, k);
            }
        }
        return plain;
    }

    private SecretKey derive(byte[] salt) throws GeneralSecurityException {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(master);
        mac.update(KEY_LABEL);
        byte[] raw = mac.doFinal(salt);
        SecretKey k = new SecretKeySpec(raw, "AES");
        Arrays.fill(raw, (byte) 0);
        return k;
    }
}
