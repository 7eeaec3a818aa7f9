package io.microcdi.codec.protorpc;

import com.google.protobuf.StringValue;
import io.microcdi.codec.Codec;
import io.microcdi.codec.CodecException;
import io.microcdi.codec.Envelope;
import io.microcdi.codec.proto.ProtoSamples;
import io.microcdi.testing.codec.CodecContract;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The {@code protorpc} codec passes {@link CodecContract}: its messages are protobuf; below, the envelope on the
 * wire.
 */
class ProtoRpcCodecTest extends CodecContract {

    @Override
    protected Codec codec() {
        return new ProtoRpcCodec();
    }

    @Override
    protected Samples samples() {
        return ProtoSamples.samples();
    }

    private final ProtoRpcCodec codec = new ProtoRpcCodec();

    /** Go Micro's request for Greeter.Hello, seq 1, message {name: "John"} (field 1), byte for byte. */
    static byte[] goRequest() {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(new byte[]{0, 0, 0, 24, 0x0a, 13});
        b.writeBytes("Greeter.Hello".getBytes(StandardCharsets.US_ASCII));
        b.writeBytes(new byte[]{0x11, 1, 0, 0, 0, 0, 0, 0, 0});
        b.writeBytes(new byte[]{0, 0, 0, 6, 0x0a, 4, 'J', 'o', 'h', 'n'});
        return b.toByteArray();
    }

    @Test
    void writesGoMicrosRequestFrames() {
        assertThat(codec.writeRequest("Greeter.Hello", "1", StringValue.of("John").toByteArray()))
                .containsExactly(goRequest());
    }

    @Test
    void readsARequestPointingAtTheMessage() {
        byte[] wire = goRequest();
        Envelope.Frame f = codec.readRequest(wire);

        assertThat(f.method()).isEqualTo("Greeter.Hello");
        assertThat(f.id()).isEqualTo("1");
        assertThat(f.error()).isNull();
        assertThat(f.data()).isSameAs(wire);
        assertThat(f.offset()).isEqualTo(32);
        assertThat(f.length()).isEqualTo(6);
        assertThat(codec.<StringValue>decoder(StringValue.class).decode(f.data(), f.offset(), f.length()).getValue())
                .isEqualTo("John");
    }

    @Test
    void responseCarriesTheErrorFieldAlwaysAndTheMessage() {
        byte[] ok = codec.writeResponse("Greeter.Hello", "18446744073709551615", null, new byte[]{1, 2});
        Envelope.Frame f = codec.readResponse(ok);
        assertThat(f.error()).isNull();
        assertThat(f.id()).isEqualTo("18446744073709551615");
        assertThat(f.method()).isEqualTo("Greeter.Hello");
        assertThat(Arrays.copyOfRange(f.data(), f.offset(), f.offset() + f.length())).containsExactly(1, 2);
        // method (15) + seq (9) + an empty error field (2)
        assertThat(ok[3]).isEqualTo((byte) 26);

        byte[] failed = codec.writeResponse("Greeter.Hello", "3", "{\"code\":500}", new byte[]{1, 2});
        Envelope.Frame e = codec.readResponse(failed);
        assertThat(e.error()).isEqualTo("{\"code\":500}");
        assertThat(e.length()).isZero();
    }

    @Test
    void aNonNumericIdTravelsAsZeroAndUnknownFieldsAreSkipped() {
        byte[] wire = codec.writeRequest("A.B", "not-a-number", new byte[0]);
        assertThat(codec.readRequest(wire).id()).isEqualTo("0");
        // envelope {5: varint 7, 1: "A.B"} then an empty message
        byte[] odd = {0, 0, 0, 7, 0x28, 7, 0x0a, 3, 'A', '.', 'B', 0, 0, 0, 0};
        Envelope.Frame f = codec.readRequest(odd);
        assertThat(f.method()).isEqualTo("A.B");
        assertThat(f.id()).isNull();
        assertThat(f.length()).isZero();
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 3, 4, 10, 27, 28, 30, 33})
    void everyTruncationFailsWithoutReadingPastTheEnd(int keep) {
        byte[] cut = Arrays.copyOf(goRequest(), keep);
        assertThatThrownBy(() -> codec.readRequest(cut))
                .isInstanceOf(CodecException.class)
                .hasMessageStartingWith("proto-rpc: truncated");
    }

    @Test
    void aMalformedEnvelopeFails() {
        // the method's length says 100 bytes inside an envelope of 3
        byte[] bad = {0, 0, 0, 3, 0x0a, 100, 'A', 0, 0, 0, 0};
        assertThatThrownBy(() -> codec.readRequest(bad))
                .isInstanceOf(CodecException.class)
                .hasMessageStartingWith("proto-rpc: malformed Request envelope");
        byte[] huge = {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0};
        assertThatThrownBy(() -> codec.readRequest(huge)).hasMessageContaining("announces 4294967295 bytes");
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 4, 100})
    void bytesAfterTheMessageFrameFail(int extra) {
        byte[] longer = Arrays.copyOf(goRequest(), goRequest().length + extra);
        assertThatThrownBy(() -> codec.readRequest(longer))
                .isInstanceOf(CodecException.class)
                .hasMessageStartingWith("proto-rpc: " + extra + " bytes after the message frame");
        assertThatThrownBy(() -> codec.readResponse(longer)).isInstanceOf(CodecException.class);
    }

    @Test
    void names() {
        assertThat(codec.name()).isEqualTo("protorpc");
        assertThat(codec.contentType()).isEqualTo("application/proto-rpc");
        assertThat(new ProtoRpcCodecProvider().create(null)).isInstanceOf(ProtoRpcCodec.class);
    }
}
