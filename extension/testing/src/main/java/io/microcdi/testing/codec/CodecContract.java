package io.microcdi.testing.codec;

import io.microcdi.codec.Codec;
import io.microcdi.codec.CodecException;
import io.microcdi.codec.Codecs;
import io.microcdi.codec.Envelope;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The behaviour every {@link Codec} plugin owes the framework, as JUnit 5 tests a plugin's test class inherits by
 * extending this class and making the codec.
 *
 * <pre>{@code
 * class CborCodecTest extends CodecContract {
 *     @Override protected Codec codec() { return new CborCodec(); }   // carries records: the default samples fit
 * }
 * }</pre>
 *
 * <p>A codec turns values into bytes and back: every sample round-trips to an equal value, an empty body is the
 * type's empty value, and bytes that are not a value of the type fail with a {@link CodecException} and nothing else
 * (the server answers it as a {@code 400 Bad Request} {@code MicroException}; any other exception would be a
 * {@code 500}). What a codec carries differs: the default {@link #samples()} are records (JSON and most text
 * formats), and a codec of generated messages (protobuf) or raw bytes overrides it with values of its own. A sample
 * left {@code null} means the codec cannot carry that shape, and its test must be overridden in the subclass with
 * {@code @Test @Disabled("why")}.
 *
 * <p>An {@link Envelope} codec (JSON-RPC, proto-RPC) also runs the envelope tests; for other codecs they are skipped.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES) // a plugin that hangs fails its test instead of the build
public abstract class CodecContract {

    /** A value the codec carries, with the type its decoder is made for. */
    public record Sample<T>(Type type, T value) {

        public Sample {
            Objects.requireNonNull(type, "type");
        }

        /** A sample of {@code value}'s own class. */
        public static <T> Sample<T> of(T value) {
            return new Sample<>(value.getClass(), value);
        }
    }

    /**
     * What the tests encode and decode; a {@code null} sample is a shape the codec cannot carry.
     *
     * @param nested    a value holding values three levels deep
     * @param lists     a value holding lists, one of them empty
     * @param maps      a value holding maps
     * @param nulls     a value whose optional parts are absent
     * @param unicode   text beyond ASCII: accents, CJK, an emoji (a surrogate pair), quotes, control characters
     * @param empty     the type's empty value: what an empty body decodes to
     * @param malformed bodies that are not a value of the type of {@link #primary()}
     * @param uncarried a type the codec refuses when its decoder is made, or {@code null} when it carries any type
     */
    public record Samples(Sample<?> nested, Sample<?> lists, Sample<?> maps, Sample<?> nulls, Sample<?> unicode,
                          Sample<?> empty, List<byte[]> malformed, Type uncarried) {

        public Samples {
            malformed = malformed == null ? List.of() : List.copyOf(malformed);
            if (nested == null && lists == null && maps == null && nulls == null && unicode == null && empty == null) {
                throw new IllegalArgumentException("samples: all null (expected: at least one)");
            }
        }

        /** The first sample that is not {@code null}, in the order of the components: what most tests use. */
        public Sample<?> primary() {
            for (Sample<?> s : Arrays.asList(nested, lists, maps, nulls, unicode, empty)) {
                if (s != null) {
                    return s;
                }
            }
            throw new IllegalStateException("no sample"); // the constructor made sure there is one
        }

        /** Records of {@link CodecContract}, and malformed JSON: the samples of a JSON codec. */
        public static Samples records() {
            return new Samples(Sample.of(ORDER), Sample.of(new Basket(List.of(LINE, new Line("b-2", 0)), List.of())),
                    Sample.of(new Index(Map.of("a", LINE, "b", new Line("b-2", 7)), Map.of("x", 1L, "y", -2L))),
                    Sample.of(new Order("o-2", 1, 0.0, false, null, List.of(), Map.of(), null)),
                    Sample.of(new Text(UNICODE)), Sample.of(new Nothing()),
                    List.of(utf8("not json"), utf8("{"), utf8("{\"id\":"), utf8("[1,2]"),
                            utf8("{\"customer\":{\"address\":{\"city\":[true]}}}"), new byte[] {(byte) 0xff, 0x00}),
                    null);
        }
    }

    /** Text with accents, CJK, an emoji, quotes, a backslash and control characters. */
    public static final String UNICODE =
            "Grüße ✓ 你好 \uD83D\uDE00 \"quoted\" back\\slash\nnew line\ttab \u0001 \u2028";

    /** A record three levels deep with every common field type. */
    public record Order(String id, long quantity, double price, boolean paid, Customer customer, List<Line> lines,
                        Map<String, String> labels, String note) {
    }

    /** The second level of {@link Order}. */
    public record Customer(String name, Address address) {
    }

    /** The third level of {@link Order}. */
    public record Address(String street, String city, List<String> lines) {
    }

    /** An order line. */
    public record Line(String sku, int count) {
    }

    /** Lists of records and of strings. */
    public record Basket(List<Line> lines, List<String> notes) {
    }

    /** Maps of records and of numbers. */
    public record Index(Map<String, Line> bySku, Map<String, Long> totals) {
    }

    /** One string. */
    public record Text(String value) {
    }

    /** No fields at all. */
    public record Nothing() {
    }

    private static final Line LINE = new Line("a-1", 3);
    private static final Order ORDER = new Order("o-1", 7_000_000_000L, 12.5, true,
            new Customer("Ann", new Address("Main St 1", "Oslo", List.of("c/o Bob", "3rd floor"))),
            List.of(LINE), Map.of("channel", "web", "region", "eu"), "leave at the door");

    /** The codec under test. */
    protected abstract Codec codec();

    /** What the codec carries. Default: {@link Samples#records()}. */
    protected Samples samples() {
        return Samples.records();
    }

    // ---- names ----

    @Test
    public void itNamesItselfAndItsContentType() {
        Codec codec = codec();

        assertThat(codec.name()).as("name").isNotBlank().isEqualTo(codec.name().toLowerCase(Locale.ROOT));
        assertThat(codec.contentType()).as("content type").matches("[a-z0-9.+-]+/[a-z0-9.+-]+");
        assertThat(Codecs.of(List.of(codec)).get(codec.contentType().toUpperCase(Locale.ROOT) + "; charset=utf-8"))
                .as("found by its content type with parameters").isSameAs(codec);
    }

    // ---- round trips ----

    @Test
    public void roundTripsNestedValues() {
        assertRoundTrip("nested", samples().nested());
    }

    @Test
    public void roundTripsLists() {
        assertRoundTrip("lists", samples().lists());
    }

    @Test
    public void roundTripsMaps() {
        assertRoundTrip("maps", samples().maps());
    }

    @Test
    public void roundTripsAbsentValues() {
        assertRoundTrip("nulls", samples().nulls());
    }

    @Test
    public void roundTripsUnicode() {
        assertRoundTrip("unicode", samples().unicode());
    }

    @Test
    public void roundTripsTheEmptyValue() {
        assertRoundTrip("empty", samples().empty());
    }

    @Test
    public void anEmptyBodyDecodesToTheEmptyValue() {
        Sample<?> empty = require("empty", samples().empty());

        assertThat((Object) codec().decoder(empty.type()).decode(new byte[0])).isEqualTo(empty.value());
    }

    @Test
    public void aMessageInsideALargerBufferDecodesFromItsSlice() {
        Sample<?> nested = samples().primary();
        byte[] encoded = codec().encoder(nested.type()).encode(nested.value());
        byte[] framed = new byte[encoded.length + 7];
        Arrays.fill(framed, (byte) 0x7f);
        System.arraycopy(encoded, 0, framed, 3, encoded.length);

        assertThat((Object) codec().decoder(nested.type()).decode(framed, 3, encoded.length))
                .isEqualTo(nested.value());
        assertThat(framed).as("the buffer is not written to").startsWith(0x7f, 0x7f, 0x7f);
    }

    @Test
    public void decodersAndEncodersAreMadeOnceAndSharedByThreads() throws Exception {
        Sample<?> nested = samples().primary();
        Codec codec = codec();
        Codec.Encoder encoder = codec.encoder(nested.type());
        Codec.Decoder<Object> decoder = codec.decoder(nested.type());
        byte[] expected = encoder.encode(nested.value());
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<CompletableFuture<Void>> runs = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                runs.add(CompletableFuture.runAsync(() -> {
                    for (int i = 0; i < 500; i++) {
                        byte[] bytes = encoder.encode(nested.value());
                        assertThat(bytes).isEqualTo(expected);
                        assertThat(decoder.decode(bytes)).isEqualTo(nested.value());
                    }
                }, pool));
            }
            CompletableFuture.allOf(runs.toArray(CompletableFuture[]::new)).get(2, TimeUnit.MINUTES);
        } finally {
            pool.shutdownNow();
        }
    }

    // ---- bad input ----

    @Test
    public void malformedBodiesFailWithACodecExceptionAndTheDecoderGoesOn() {
        Sample<?> nested = samples().primary();
        if (samples().malformed().isEmpty()) {
            fail("samples().malformed() is empty: every byte string is a value of this codec; override this test "
                    + "with @Test @Disabled(\"why\")");
        }
        Codec.Decoder<Object> decoder = codec().decoder(nested.type());

        for (byte[] bad : samples().malformed()) {
            assertThatThrownBy(() -> decoder.decode(bad))
                    .as("decoding %s", printable(bad))
                    .isInstanceOf(CodecException.class)
                    .satisfies(e -> assertThat(e.getMessage()).as("a message that says what is wrong").isNotBlank());
        }
        assertThat(decoder.decode(codec().encoder(nested.type()).encode(nested.value()))).isEqualTo(nested.value());
    }

    @Test
    public void noInputFailsWithAnythingButACodecException() {
        Sample<?> nested = samples().primary();
        Codec.Decoder<Object> decoder = codec().decoder(nested.type());
        byte[] good = codec().encoder(nested.type()).encode(nested.value());
        List<byte[]> inputs = new ArrayList<>();
        for (int i = 0; i < good.length; i++) {
            inputs.add(Arrays.copyOf(good, i)); // every truncation
        }
        Random random = new Random(42); // the same inputs on every run
        for (int i = 0; i < 500; i++) {
            byte[] flipped = good.clone();
            if (flipped.length > 0) {
                flipped[random.nextInt(flipped.length)] ^= (byte) (1 << random.nextInt(8));
            }
            inputs.add(flipped);
            byte[] noise = new byte[random.nextInt(64)];
            random.nextBytes(noise);
            inputs.add(noise);
        }

        for (byte[] input : inputs) {
            try {
                decoder.decode(input);
            } catch (CodecException expected) {
                // the one failure a codec may report
            } catch (RuntimeException | StackOverflowError e) {
                fail("decoding " + printable(input) + " threw " + e + " instead of a CodecException", e);
            }
        }
    }

    @Test
    public void aTypeItCannotCarryIsRefusedWhenTheDecoderIsMade() {
        Type uncarried = samples().uncarried();
        if (uncarried == null) {
            fail("samples().uncarried() is null: this codec carries every type; override this test with "
                    + "@Test @Disabled(\"why\")");
        }

        assertThatThrownBy(() -> codec().decoder(uncarried)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(uncarried.getTypeName());
        assertThatThrownBy(() -> codec().encoder(uncarried)).isInstanceOf(IllegalArgumentException.class);
    }

    // ---- envelopes ----

    @Test
    public void anEnvelopeRequestRoundTripsMethodIdAndMessage() {
        Envelope envelope = envelope();
        byte[] message = innerMessage();

        Envelope.Frame frame = envelope.readRequest(envelope.writeRequest("Greeter.Hello", "7", message));

        assertThat(frame.method()).isEqualTo("Greeter.Hello");
        assertThat(frame.id()).isEqualTo("7");
        assertThat(frame.error()).isNull();
        assertThat(frame.message()).isEqualTo(message);
    }

    @Test
    public void anEnvelopeResponseCarriesEitherTheMessageOrTheError() {
        Envelope envelope = envelope();
        byte[] message = innerMessage();
        String error = "{\"id\":\"greeter\",\"code\":400,\"detail\":\"name ü\",\"status\":\"Bad Request\"}";

        Envelope.Frame ok = envelope.readResponse(envelope.writeResponse("Greeter.Hello", "7", null, message));
        Envelope.Frame failed = envelope.readResponse(envelope.writeResponse("Greeter.Hello", "8", error, null));

        assertThat(ok.id()).isEqualTo("7");
        assertThat(ok.error()).isNull();
        assertThat(ok.message()).isEqualTo(message);
        assertThat(failed.id()).isEqualTo("8");
        assertThat(failed.error()).isEqualTo(error);
        assertThat(failed.length()).isZero();
    }

    @Test
    public void aTruncatedOrForeignEnvelopeFailsWithACodecException() {
        Envelope envelope = envelope();
        byte[] request = envelope.writeRequest("Greeter.Hello", "7", innerMessage());
        byte[] response = envelope.writeResponse("Greeter.Hello", "7", null, innerMessage());

        for (int i = 0; i < request.length; i++) {
            byte[] cut = Arrays.copyOf(request, i);
            assertThatThrownBy(() -> envelope.readRequest(cut)).as("request cut to %d bytes", i)
                    .isInstanceOf(CodecException.class);
        }
        for (int i = 0; i < response.length; i++) {
            byte[] cut = Arrays.copyOf(response, i);
            assertThatThrownBy(() -> envelope.readResponse(cut)).as("response cut to %d bytes", i)
                    .isInstanceOf(CodecException.class);
        }
        byte[] foreign = utf8("GET / HTTP/1.1\r\n\r\n");
        assertThatThrownBy(() -> envelope.readRequest(foreign)).isInstanceOf(CodecException.class);
    }

    // ---- helpers ----

    private Envelope envelope() {
        Codec codec = codec();
        assumeTrue(codec instanceof Envelope, codec.name() + " is not an envelope codec");
        return (Envelope) codec;
    }

    /** The primary sample as the codec encodes it: what an envelope wraps. */
    private byte[] innerMessage() {
        Sample<?> nested = samples().primary();
        return codec().encoder(nested.type()).encode(nested.value());
    }

    private void assertRoundTrip(String what, Sample<?> sample) {
        require(what, sample);
        Codec codec = codec();
        byte[] typed = codec.encoder(sample.type()).encode(sample.value());
        Object back = codec.decoder(sample.type()).decode(typed);

        assertThat(back).as("%s: decode(encode(value))", what).isEqualTo(sample.value());
    }

    private static <T> Sample<T> require(String what, Sample<T> sample) {
        if (sample == null) {
            fail("samples()." + what + "() is null: this codec says it cannot carry that shape; override this test "
                    + "with @Test @Disabled(\"why\")");
        }
        return sample;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String printable(byte[] bytes) {
        StringBuilder sb = new StringBuilder(bytes.length + 2).append('[');
        for (int i = 0; i < Math.min(bytes.length, 80); i++) {
            int b = bytes[i] & 0xff;
            sb.append(b >= 0x20 && b < 0x7f ? String.valueOf((char) b) : String.format("\\x%02x", b));
        }
        return sb.append(bytes.length > 80 ? "...]" : "]").toString();
    }
}
