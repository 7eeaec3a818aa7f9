package io.microcdi.codec.json;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.microcdi.codec.Codec;
import io.microcdi.codec.CodecException;
import io.microcdi.testing.codec.CodecContract;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The {@code json} codec passes {@link CodecContract} with records; below, its wire form and messages. */
class JsonCodecTest extends CodecContract {

    @Override
    protected Codec codec() {
        return new JsonCodec();
    }

    @Override
    @Test
    @Disabled("JSON carries any type Jackson can bind: no type is refused when its decoder is made")
    public void aTypeItCannotCarryIsRefusedWhenTheDecoderIsMade() {
    }

    public record HelloRequest(String name) {
    }

    public record HelloReply(String greeting) {
    }

    public record Person(String name, int age, List<String> tags, Address address) {
    }

    public record Address(String city, String zip) {
    }

    /** A mutable bean, as older services write them. */
    public static final class Bean {
        private String name;
        private long count;

        public String getName() {
            return name;
        }

        public void setName(String name) {
            this.name = name;
        }

        public long getCount() {
            return count;
        }

        public void setCount(long count) {
            this.count = count;
        }
    }

    public static final class Empty {
    }

    public static final class Exploding {
        public String getValue() {
            throw new IllegalStateException("kaboom");
        }
    }

    /** Holds generic types for reflection. */
    @SuppressWarnings("unused")
    private static List<HelloReply> replies;

    @SuppressWarnings("unused")
    private static Map<String, Integer> counts;

    private final JsonCodec codec = new JsonCodec();

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    private static Type fieldType(String name) {
        try {
            return JsonCodecTest.class.getDeclaredField(name).getGenericType();
        } catch (NoSuchFieldException e) {
            throw new AssertionError(e);
        }
    }

    private <T> T decode(Type type, String json) {
        Codec.Decoder<T> d = codec.decoder(type);
        return d.decode(utf8(json));
    }

    @Test
    void namesItself() {
        assertThat(codec.name()).isEqualTo("json");
        assertThat(codec.contentType()).isEqualTo("application/json").isEqualTo(JsonCodec.CONTENT_TYPE);
        assertThat(new JsonCodecProvider().name()).isEqualTo("json");
        assertThat(new JsonCodecProvider().create(null)).isInstanceOf(JsonCodec.class);
    }

    @Test
    void encodesGreeterReplyExactly() {
        byte[] out = codec.encoder(HelloReply.class).encode(new HelloReply("Hello John"));

        assertThat(text(out)).isEqualTo("{\"greeting\":\"Hello John\"}");
    }

    @Test
    void decodesGreeterRequest() {
        HelloRequest req = decode(HelloRequest.class, "{\"name\":\"John\"}");

        assertThat(req).isEqualTo(new HelloRequest("John"));
    }

    @Test
    void recordRoundTrip() {
        Person p = new Person("Ann", 41, List.of("a", "b"), new Address("Oslo", "0150"));

        byte[] out = codec.encoder(Person.class).encode(p);
        Person back = decode(Person.class, text(out));

        assertThat(back).isEqualTo(p);
        assertThat(text(out)).isEqualTo(
                "{\"name\":\"Ann\",\"age\":41,\"tags\":[\"a\",\"b\"],\"address\":{\"city\":\"Oslo\",\"zip\":\"0150\"}}");
    }

    @Test
    void pojoRoundTrip() {
        Bean b = new Bean();
        b.setName("x");
        b.setCount(7_000_000_000L);

        byte[] out = codec.encoder(Bean.class).encode(b);
        Bean back = decode(Bean.class, text(out));

        assertThat(back.getName()).isEqualTo("x");
        assertThat(back.getCount()).isEqualTo(7_000_000_000L);
    }

    @Test
    void nonAsciiIsWrittenAsUtf8() {
        byte[] out = codec.encoder(HelloReply.class).encode(new HelloReply("Grüße ✓"));

        assertThat(out).isEqualTo(utf8("{\"greeting\":\"Grüße ✓\"}"));
    }

    @Test
    void nonAsciiRoundTrips() {
        String text = "Grüße ✓ 你好 \uD83D\uDE00";

        byte[] out = codec.encoder(HelloReply.class).encode(new HelloReply(text));

        // Jackson writes characters outside the BMP as an escaped surrogate pair: valid JSON either way
        assertThat(codec.<HelloReply>decoder(HelloReply.class).decode(out).greeting()).isEqualTo(text);
        assertThat(codec.<HelloReply>decoder(HelloReply.class).decode(utf8("{\"greeting\":\"" + text + "\"}"))
                .greeting()).isEqualTo(text);
    }

    @Test
    void unknownFieldsAreIgnored() {
        HelloRequest req = decode(HelloRequest.class, "{\"extra\":{\"deep\":[1,2]},\"name\":\"John\",\"n\":1}");

        assertThat(req).isEqualTo(new HelloRequest("John"));
    }

    @Test
    void missingFieldsAreDefaults() {
        Person p = decode(Person.class, "{\"name\":\"Ann\"}");

        assertThat(p).isEqualTo(new Person("Ann", 0, null, null));
    }

    @Test
    void emptyBodyIsEmptyRecord() {
        HelloRequest req = codec.<HelloRequest>decoder(HelloRequest.class).decode(new byte[0]);
        Person p = codec.<Person>decoder(Person.class).decode(new byte[0]);

        assertThat(req).isEqualTo(new HelloRequest(null));
        assertThat(p).isEqualTo(new Person(null, 0, null, null));
    }

    @Test
    void emptyBodyIsEmptyPojo() {
        Bean b = codec.<Bean>decoder(Bean.class).decode(new byte[0]);

        assertThat(b).isNotNull();
        assertThat(b.getName()).isNull();
    }

    @Test
    void emptyBodyIsNullForScalarsAndContainers() {
        assertThat(codec.<String>decoder(String.class).decode(new byte[0])).isNull();
        assertThat(codec.<Integer>decoder(Integer.class).decode(new byte[0])).isNull();
        assertThat(codec.<Boolean>decoder(Boolean.class).decode(new byte[0])).isNull();
        assertThat(codec.<Object>decoder(fieldType("replies")).decode(new byte[0])).isNull();
    }

    @Test
    void jsonNullIsNull() {
        assertThat(codec.<HelloRequest>decoder(HelloRequest.class).decode(utf8("null"))).isNull();
    }

    @Test
    void decodesScalars() {
        assertThat(this.<String>decode(String.class, "\"hi\"")).isEqualTo("hi");
        assertThat(this.<Integer>decode(Integer.class, "42")).isEqualTo(42);
        assertThat(this.<Boolean>decode(Boolean.class, "true")).isTrue();
    }

    @Test
    void decodesGenericList() {
        List<HelloReply> list = decode(fieldType("replies"), "[{\"greeting\":\"a\"},{\"greeting\":\"b\"}]");

        assertThat(list).containsExactly(new HelloReply("a"), new HelloReply("b"));
        assertThat(list.get(0)).isInstanceOf(HelloReply.class);
    }

    @Test
    void decodesGenericMap() {
        Map<String, Integer> m = decode(fieldType("counts"), "{\"a\":1,\"b\":2}");

        assertThat(m).containsEntry("a", 1).containsEntry("b", 2).hasSize(2);
    }

    @Test
    void encodesGenericList() {
        byte[] out = codec.encoder(fieldType("replies")).encode(List.of(new HelloReply("a")));

        assertThat(text(out)).isEqualTo("[{\"greeting\":\"a\"}]");
    }

    @Test
    void encoderForObjectOrNullTypeUsesRuntimeType() {
        assertThat(text(codec.encoder(Object.class).encode(new HelloReply("x")))).isEqualTo("{\"greeting\":\"x\"}");
        assertThat(text(codec.encoder(null).encode(new HelloReply("x")))).isEqualTo("{\"greeting\":\"x\"}");
    }

    @Test
    void encodesNullAndEmptyBeans() {
        assertThat(text(codec.encoder(HelloReply.class).encode(null))).isEqualTo("null");
        assertThat(text(codec.encoder(Empty.class).encode(new Empty()))).isEqualTo("{}");
        assertThat(text(codec.encoder(HelloReply.class).encode(new HelloReply(null)))).isEqualTo("{\"greeting\":null}");
    }

    @Test
    void numberIsCoercedToStringField() {
        // Jackson's default scalar coercion: unlike Go, a number fills a string field
        HelloRequest req = decode(HelloRequest.class, "{\"name\":5}");

        assertThat(req).isEqualTo(new HelloRequest("5"));
    }

    @Test
    void malformedJsonNamesPosition() {
        assertThatThrownBy(() -> decode(HelloRequest.class, "{\"name\":"))
                .isInstanceOf(CodecException.class)
                .hasMessageStartingWith("json: ")
                .hasMessageContaining("line 1, column ")
                .hasMessageNotContaining("\n")
                .hasCauseInstanceOf(java.io.IOException.class);
    }

    @Test
    void malformedJsonInTheMiddle() {
        assertThatThrownBy(() -> decode(HelloRequest.class, "{\"name\" \"John\"}"))
                .isInstanceOf(CodecException.class)
                .hasMessageStartingWith("json: ")
                .hasMessageContaining("line 1, column 9");
    }

    @Test
    void objectForStringFieldNamesTheField() {
        assertThatThrownBy(() -> decode(HelloRequest.class, "{\"name\":{\"a\":1}}"))
                .isInstanceOf(CodecException.class)
                .hasMessageStartingWith("json: ")
                .hasMessageContaining("(field name)")
                .hasMessageContaining("line 1, column ")
                .hasMessageNotContaining("\n");
    }

    @Test
    void arrayForRecordNamesThePosition() {
        assertThatThrownBy(() -> decode(HelloRequest.class, "[1,2]"))
                .isInstanceOf(CodecException.class)
                .hasMessageStartingWith("json: ")
                .hasMessageContaining("line 1, column ")
                .hasMessageNotContaining("(field");
    }

    @Test
    void notANumberForIntFieldNamesTheField() {
        assertThatThrownBy(() -> decode(Person.class, "{\"age\":\"old\"}"))
                .isInstanceOf(CodecException.class)
                .hasMessageStartingWith("json: ")
                .hasMessageContaining("(field age)");
    }

    @Test
    void nestedProblemNamesThePath() {
        assertThatThrownBy(() -> decode(Person.class, "{\"address\":{\"city\":[true]}}"))
                .isInstanceOf(CodecException.class)
                .hasMessageContaining("(field address.city)");
    }

    @Test
    void problemInListElementNamesTheIndex() {
        assertThatThrownBy(() -> decode(fieldType("replies"), "[{\"greeting\":\"a\"},{\"greeting\":{}}]"))
                .isInstanceOf(CodecException.class)
                .hasMessageStartingWith("json: ")
                .hasMessageContaining("[1]")
                .hasMessageContaining("greeting");
    }

    @Test
    void garbageIsACodecException() {
        assertThatThrownBy(() -> decode(HelloRequest.class, "not json"))
                .isInstanceOf(CodecException.class)
                .hasMessageStartingWith("json: ");
    }

    @Test
    void encoderFailureIsACodecException() {
        assertThatThrownBy(() -> codec.encoder(Exploding.class).encode(new Exploding()))
                .isInstanceOf(CodecException.class)
                .hasMessageStartingWith("json: cannot encode " + Exploding.class.getName() + ": ")
                .hasMessageContaining("kaboom");
    }

    @Test
    void callersMapperIsUsedAsIs() {
        JsonCodec strict = new JsonCodec(new ObjectMapper());

        assertThatThrownBy(() -> strict.<HelloRequest>decoder(HelloRequest.class).decode(utf8("{\"x\":1}")))
                .isInstanceOf(CodecException.class)
                .hasMessageStartingWith("json: ")
                .hasMessageContaining("\"x\"");
    }
}
