package io.microcdi.codec;

import org.junit.jupiter.api.Test;

import java.lang.reflect.Type;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Envelope frames, slices handed to decoders, and how {@link Codecs} finds envelopes and skips missing codecs. */
class EnvelopeFrameTest {

    private record Plain(String name, String contentType) implements Codec {
        @Override
        public <T> Decoder<T> decoder(Type type) {
            @SuppressWarnings("unchecked")
            Decoder<T> d = data -> (T) new String(data);
            return d;
        }

        @Override
        public Encoder encoder(Type type) {
            return value -> value.toString().getBytes();
        }
    }

    /** An envelope of the form {@code method|id|message}, enough for lookups. */
    private record Bars(Codec inner) implements Envelope {
        public String name() {
            return "bars";
        }

        public String contentType() {
            return "application/x-bars";
        }

        public <T> Decoder<T> decoder(Type type) {
            return inner.decoder(type);
        }

        public Encoder encoder(Type type) {
            return inner.encoder(type);
        }

        public Frame readRequest(byte[] data) {
            String[] p = new String(data).split("\\|", 3);
            return new Frame(p[0], p[1], null, data, p[0].length() + p[1].length() + 2, p[2].length());
        }

        public byte[] writeRequest(String method, String id, byte[] message) {
            return (method + "|" + id + "|" + new String(message)).getBytes();
        }

        public Frame readResponse(byte[] data) {
            return readRequest(data);
        }

        public byte[] writeResponse(String method, String id, boolean idString, String error, byte[] message) {
            return writeRequest(method, id, message);
        }
    }

    @Test
    void aFrameIsASliceOfWhatWasRead() {
        Envelope bars = new Bars(new Plain("text", "text/x"));
        byte[] wire = bars.writeRequest("A.B", "7", "hello".getBytes());

        Envelope.Frame f = bars.readRequest(wire);

        assertThat(f.method()).isEqualTo("A.B");
        assertThat(f.id()).isEqualTo("7");
        assertThat(new String(f.message())).isEqualTo("hello");
        assertThat(bars.<String>decoder(String.class).decode(f.data(), f.offset(), f.length())).isEqualTo("hello");
        Envelope.Frame whole = new Envelope.Frame(null, null, null, wire, 0, wire.length);
        assertThat(whole.message()).isSameAs(wire);
    }

    @Test
    void aFrameOutsideItsBytesIsRefused() {
        byte[] four = new byte[4];
        assertThatThrownBy(() -> new Envelope.Frame(null, null, null, four, 2, 3))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("within 4 bytes");
        assertThatThrownBy(() -> new Envelope.Frame(null, null, null, four, -1, 1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theDefaultSliceDecodeCopiesOnlyWhenItMust() {
        byte[][] seen = new byte[1][];
        Codec.Decoder<Integer> d = data -> {
            seen[0] = data;
            return data.length;
        };
        byte[] body = {1, 2, 3, 4};
        assertThat(d.decode(body, 0, 4)).isEqualTo(4);
        assertThat(seen[0]).isSameAs(body);
        assertThat(d.decode(body, 1, 2)).isEqualTo(2);
        assertThat(seen[0]).containsExactly(2, 3);
    }

    @Test
    void codecsFindEnvelopesAndLeaveOutMissingCodecs() {
        Codec text = new Plain("text", "text/x");
        Envelope bars = new Bars(text);
        Codecs codecs = Codecs.of(Arrays.asList(bars, null, text));

        assertThat(codecs.contentTypes()).containsExactly("application/x-bars", "text/x");
        assertThat(codecs.envelope("application/x-bars; v=1")).isSameAs(bars);
        assertThat(codecs.envelope("text/x")).isNull();
        assertThat(codecs.envelope("nothing/here")).isNull();
        assertThat(Codecs.of(List.of(text)).get("text/x")).isSameAs(text);
    }
}
