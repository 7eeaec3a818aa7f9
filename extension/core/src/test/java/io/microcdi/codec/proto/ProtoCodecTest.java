package io.microcdi.codec.proto;

import com.google.protobuf.Message;
import com.google.protobuf.StringValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.microcdi.codec.Codec;
import io.microcdi.codec.CodecException;
import io.microcdi.testing.codec.CodecContract;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Protobuf bodies, with the well-known types protobuf-java ships as generated messages. */
class ProtoCodecTest extends CodecContract {

    @Override
    protected Codec codec() {
        return new ProtoCodec();
    }

    @Override
    protected Samples samples() {
        return ProtoSamples.samples();
    }

    public record Hello(String name) {
    }

    private final ProtoCodec codec = new ProtoCodec();

    @Test
    void roundTripsAGeneratedMessage() {
        StringValue john = StringValue.of("John");
        byte[] wire = codec.encoder(StringValue.class).encode(john);

        assertThat(wire).containsExactly(0x0a, 4, 'J', 'o', 'h', 'n');
        Codec.Decoder<StringValue> d = codec.decoder(StringValue.class);
        assertThat(d.decode(wire)).isEqualTo(john);
    }

    @Test
    void roundTripsANestedMessage() {
        Struct s = Struct.newBuilder()
                .putFields("name", Value.newBuilder().setStringValue("John").build())
                .putFields("age", Value.newBuilder().setNumberValue(42).build())
                .build();
        byte[] wire = codec.encoder(Struct.class).encode(s);
        assertThat(codec.<Struct>decoder(Struct.class).decode(wire)).isEqualTo(s);
    }

    @Test
    void decodesASliceInPlace() {
        byte[] framed = {9, 9, 0x0a, 2, 'h', 'i', 9};
        assertThat(codec.<StringValue>decoder(StringValue.class).decode(framed, 2, 4).getValue()).isEqualTo("hi");
    }

    @Test
    void anEmptyBodyIsTheDefaultMessage() {
        assertThat(codec.<StringValue>decoder(StringValue.class).decode(new byte[0]))
                .isEqualTo(StringValue.getDefaultInstance());
    }

    @Test
    void malformedBytesFailNamingTheType() {
        assertThatThrownBy(() -> codec.decoder(StringValue.class).decode(new byte[]{0x0a, 10, 'J'}))
                .isInstanceOf(CodecException.class)
                .hasMessageStartingWith("proto: cannot read StringValue: ");
    }

    @Test
    void aTypeThatIsNoMessageFailsWhenTheDecoderIsMadeNotPerCall() {
        assertThatThrownBy(() -> codec.decoder(Hello.class))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("application/protobuf cannot carry")
                .hasMessageContaining(Hello.class.getName())
                .hasMessageContaining("not a protobuf message");
        assertThatThrownBy(() -> codec.encoder(String.class)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> codec.decoder(List.class)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> codec.decoder(Message.class))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("interface or abstract");
    }

    @Test
    void anUntypedEncoderChecksPerValue() {
        Codec.Encoder e = codec.encoder(Object.class);
        assertThat(e.encode(StringValue.of("x"))).hasSize(3);
        assertThatThrownBy(() -> e.encode("x")).isInstanceOf(CodecException.class)
                .hasMessageContaining("java.lang.String");
    }

    @Test
    void names() {
        assertThat(codec.name()).isEqualTo("proto");
        assertThat(codec.contentType()).isEqualTo("application/protobuf");
        assertThat(new ProtoCodecProvider().name()).isEqualTo("proto");
        assertThat(new ProtoCodecProvider().create(null)).isInstanceOf(ProtoCodec.class);
    }
}
