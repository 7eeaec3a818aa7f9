package io.microcdi.codec;

import org.junit.jupiter.api.Test;

import java.lang.reflect.Type;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class CodecsTest {

    /** A codec that only answers its names; enough for lookups. */
    private record StubCodec(String name, String contentType) implements Codec {

        @Override
        public <T> Decoder<T> decoder(Type type) {
            return data -> null;
        }

        @Override
        public Encoder encoder(Type type) {
            return value -> new byte[0];
        }
    }

    private final Codec json = new StubCodec("json", "application/json");
    private final Codec proto = new StubCodec("proto", "application/protobuf");
    private final Codecs codecs = Codecs.of(List.of(json, proto));

    @Test
    void getsByExactContentType() {
        assertThat(codecs.get("application/json")).isSameAs(json);
        assertThat(codecs.get("application/protobuf")).isSameAs(proto);
    }

    @Test
    void ignoresParameters() {
        assertThat(codecs.get("application/json; charset=utf-8")).isSameAs(json);
        assertThat(codecs.get("application/json;charset=UTF-8")).isSameAs(json);
        assertThat(codecs.get("application/json ; charset=utf-8; q=1")).isSameAs(json);
    }

    @Test
    void ignoresCaseAndSurroundingWhitespace() {
        assertThat(codecs.get("Application/JSON")).isSameAs(json);
        assertThat(codecs.get("APPLICATION/JSON; Charset=UTF-8")).isSameAs(json);
        assertThat(codecs.get("  application/json  ")).isSameAs(json);
    }

    @Test
    void registeredContentTypeIsMatchedIgnoringCase() {
        Codec upper = new StubCodec("x", "Application/X-Thing");
        Codecs c = Codecs.of(List.of(upper));

        assertThat(c.get("application/x-thing")).isSameAs(upper);
        assertThat(c.contentTypes()).containsExactly("application/x-thing");
    }

    @Test
    void unknownContentTypeIsNull() {
        assertThat(codecs.get("text/plain")).isNull();
        assertThat(codecs.get("application/json-seq")).isNull();
        assertThat(codecs.get("application")).isNull();
        assertThat(codecs.get("")).isNull();
        assertThat(codecs.get(";charset=utf-8")).isNull();
        assertThat(codecs.get(null)).isNull();
    }

    @Test
    void contentTypesListsEveryCodec() {
        assertThat(codecs.contentTypes()).containsExactlyInAnyOrder("application/json", "application/protobuf");
    }

    @Test
    void laterCodecReplacesEarlierOfSameContentType() {
        Codec other = new StubCodec("json2", "APPLICATION/JSON");

        Codecs c = Codecs.of(List.of(json, other));

        assertThat(c.get("application/json")).isSameAs(other);
        assertThat(c.contentTypes()).containsExactly("application/json");
    }

    @Test
    void noCodecs() {
        Codecs none = Codecs.of(List.of());

        assertThat(none.contentTypes()).isEmpty();
        assertThat(none.get("application/json")).isNull();
    }
}
