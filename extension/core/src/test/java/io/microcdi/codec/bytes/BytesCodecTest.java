package io.microcdi.codec.bytes;

import io.microcdi.codec.Codec;
import io.microcdi.codec.CodecException;
import io.microcdi.testing.codec.CodecContract;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The {@code bytes} codec passes {@link CodecContract} with byte arrays; below, its buffers and refusals. */
class BytesCodecTest extends CodecContract {

    @Override
    protected Codec codec() {
        return new BytesCodec();
    }

    /** Bytes only: no structure, and every byte string is a body. */
    @Override
    protected Samples samples() {
        return new Samples(null, null, null, null,
                new Sample<>(byte[].class, CodecContract.UNICODE.getBytes(StandardCharsets.UTF_8)),
                new Sample<>(byte[].class, new byte[0]), List.of(), Hello.class);
    }

    @Override
    @Test
    @Disabled("raw bytes have no nesting")
    public void roundTripsNestedValues() {
    }

    @Override
    @Test
    @Disabled("raw bytes have no lists")
    public void roundTripsLists() {
    }

    @Override
    @Test
    @Disabled("raw bytes have no maps")
    public void roundTripsMaps() {
    }

    @Override
    @Test
    @Disabled("raw bytes have no absent parts: an empty body is the empty array (roundTripsTheEmptyValue)")
    public void roundTripsAbsentValues() {
    }

    @Override
    @Test
    @Disabled("every byte string is a valid body")
    public void malformedBodiesFailWithACodecExceptionAndTheDecoderGoesOn() {
    }

    public record Hello(String name) {
    }

    private final BytesCodec codec = new BytesCodec();

    @Test
    void byteArraysPassUntouched() {
        byte[] body = {1, 2, 3};
        Codec.Decoder<byte[]> d = codec.decoder(byte[].class);
        assertThat(d.decode(body)).isSameAs(body);
        assertThat(d.decode(body, 1, 2)).containsExactly(2, 3);
        assertThat(codec.encoder(byte[].class).encode(body)).isSameAs(body);
    }

    @Test
    void byteBuffersAreViewsOfTheBody() {
        byte[] body = {1, 2, 3, 4};
        ByteBuffer b = codec.<ByteBuffer>decoder(ByteBuffer.class).decode(body, 1, 2);
        assertThat(b.remaining()).isEqualTo(2);
        assertThat(b.get(0)).isEqualTo((byte) 2);

        Codec.Encoder e = codec.encoder(ByteBuffer.class);
        assertThat(e.encode(ByteBuffer.wrap(body))).isSameAs(body);
        assertThat(e.encode(ByteBuffer.wrap(body, 2, 2))).containsExactly(3, 4);
        ByteBuffer direct = ByteBuffer.allocateDirect(2).put((byte) 7).put((byte) 8).flip();
        assertThat(e.encode(direct)).containsExactly(7, 8);
        assertThat(direct.remaining()).as("encoding does not consume the buffer").isEqualTo(2);
    }

    @Test
    void otherTypesFailWhenMade() {
        assertThatThrownBy(() -> codec.decoder(Hello.class))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("application/octet-stream cannot carry")
                .hasMessageContaining("Hello");
        assertThatThrownBy(() -> codec.encoder(String.class)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> codec.encoder(Object.class).encode("x")).isInstanceOf(CodecException.class);
    }

    @Test
    void names() {
        assertThat(codec.name()).isEqualTo("bytes");
        assertThat(codec.contentType()).isEqualTo("application/octet-stream");
        assertThat(new BytesCodecProvider().create(null)).isInstanceOf(BytesCodec.class);
    }
}
