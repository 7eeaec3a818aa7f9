package io.microcdi.registry.gossip;

import org.junit.jupiter.api.Test;

import javax.crypto.AEADBadTagException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The sealing of member traffic: only the same secret opens a frame, and any change to a frame is caught. */
class TrafficCipherTest {

    private static final String SECRET = "correct horse battery staple";
    private static final byte[] MESSAGE = "{\"v\":1,\"seq\":7,\"nodes\":[]} greeter 127.0.0.1:38211"
            .getBytes(StandardCharsets.UTF_8);

    @Test
    void anotherMemberWithTheSameSecretOpensWhatOneSealed() throws GeneralSecurityException {
        TrafficCipher a = new TrafficCipher(SECRET);
        TrafficCipher b = new TrafficCipher(SECRET);

        byte[] sealed = a.seal(MESSAGE);

        assertThat(sealed).hasSize(MESSAGE.length + TrafficCipher.OVERHEAD);
        assertThat(new String(sealed, StandardCharsets.ISO_8859_1)).as("encrypted").doesNotContain("greeter");
        assertThat(b.open(sealed)).isEqualTo(MESSAGE);
        assertThat(b.open(a.seal(MESSAGE))).isEqualTo(MESSAGE);
        assertThat(a.open(b.seal(MESSAGE))).isEqualTo(MESSAGE);
    }

    @Test
    void noNonceRepeats() throws GeneralSecurityException {
        TrafficCipher a = new TrafficCipher(SECRET);

        byte[] first = a.seal(MESSAGE);
        byte[] second = a.seal(MESSAGE);

        assertThat(second).as("the same message twice is sealed differently").isNotEqualTo(first);
    }

    @Test
    void anotherSecretCannotOpenIt() throws GeneralSecurityException {
        byte[] sealed = new TrafficCipher(SECRET).seal(MESSAGE);

        assertThatThrownBy(() -> new TrafficCipher(SECRET + "!").open(sealed))
                .isInstanceOf(AEADBadTagException.class);
    }

    @Test
    void anAlteredFrameDoesNotOpen() throws GeneralSecurityException {
        TrafficCipher a = new TrafficCipher(SECRET);
        byte[] sealed = a.seal(MESSAGE);
        for (int i : new int[] {1, 1 + TrafficCipher.SALT, sealed.length - 20, sealed.length - 1}) {
            byte[] altered = sealed.clone();
            altered[i] ^= 1;
            assertThatThrownBy(() -> a.open(altered)).as("byte %d flipped", i)
                    .isInstanceOf(GeneralSecurityException.class);
        }
        assertThatThrownBy(() -> a.open(new byte[10])).isInstanceOf(GeneralSecurityException.class)
                .hasMessageContaining("not a sealed frame");
        assertThatThrownBy(() -> a.open(MESSAGE)).as("a plain frame, from a member without a secret")
                .isInstanceOf(GeneralSecurityException.class);
    }
}
