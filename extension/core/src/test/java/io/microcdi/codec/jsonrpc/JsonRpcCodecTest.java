package io.microcdi.codec.jsonrpc;

import io.microcdi.codec.Codec;
import io.microcdi.codec.CodecException;
import io.microcdi.codec.Envelope;
import io.microcdi.testing.codec.CodecContract;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The {@code jsonrpc} codec passes {@link CodecContract}: its messages are JSON records; below, the envelope on the
 * wire.
 */
class JsonRpcCodecTest extends CodecContract {

    @Override
    protected Codec codec() {
        return new JsonRpcCodec();
    }

    @Override
    @Test
    @Disabled("the messages inside are JSON, which carries any type Jackson can bind")
    public void aTypeItCannotCarryIsRefusedWhenTheDecoderIsMade() {
    }

    public record Hello(String name) {
    }

    private final JsonRpcCodec codec = new JsonRpcCodec();

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String message(Envelope.Frame f) {
        return new String(f.data(), f.offset(), f.length(), StandardCharsets.UTF_8);
    }

    @Test
    void readsGoMicrosRequestPointingAtTheMessageInPlace() {
        byte[] body = utf8("{\"method\":\"Greeter.Hello\",\"params\":[{\"name\":\"John\"}],\"id\":1}");

        Envelope.Frame f = codec.readRequest(body);

        assertThat(f.method()).isEqualTo("Greeter.Hello");
        assertThat(f.id()).isEqualTo("1");
        assertThat(f.error()).isNull();
        assertThat(f.data()).isSameAs(body);
        assertThat(message(f)).isEqualTo("{\"name\":\"John\"}");
        Codec.Decoder<Hello> d = codec.decoder(Hello.class);
        assertThat(d.decode(f.data(), f.offset(), f.length())).isEqualTo(new Hello("John"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"a\":[1,{\"b\":\"]\"}]}", "[1,2,[3]]", "\"a \\\"quoted\\\" ]\"", "42", "-1.5e3", "true",
            "\"\""})
    void locatesEveryKindOfFirstParameter(String param) {
        Envelope.Frame f = codec.readRequest(utf8("{\"id\":\"x\", \"params\" : [ " + param + " , {\"more\":1} ] ,"
                + "\"method\":\"A.B\",\"jsonrpc\":\"2.0\",\"extra\":{\"deep\":[1,2]}}"));

        assertThat(message(f)).isEqualTo(param);
        assertThat(f.method()).isEqualTo("A.B");
        assertThat(f.id()).isEqualTo("x");
    }

    @Test
    void emptyOrMissingParamsIsAnEmptyMessage() {
        assertThat(codec.readRequest(utf8("{\"method\":\"A.B\",\"params\":[],\"id\":2}")).length()).isZero();
        assertThat(codec.readRequest(utf8("{\"method\":\"A.B\",\"params\":null}")).length()).isZero();
        Envelope.Frame none = codec.readRequest(utf8("{\"method\":\"A.B\"}"));
        assertThat(none.length()).isZero();
        assertThat(none.id()).isNull();
        assertThat(codec.decoder(Hello.class).decode(none.data(), none.offset(), none.length()))
                .isEqualTo(new Hello(null));
    }

    @Test
    void paramsMayBeTheMessageItself() {
        Envelope.Frame f = codec.readRequest(utf8("{\"method\":\"A.B\",\"params\":{\"name\":\"Ann\"},\"id\":3}"));
        assertThat(message(f)).isEqualTo("{\"name\":\"Ann\"}");
    }

    @Test
    void aPlainJsonBodyHasNoMethod() {
        Envelope.Frame f = codec.readRequest(utf8("{\"name\":\"John\"}"));
        assertThat(f.method()).isNull();
        assertThat(f.length()).isZero();
    }

    @Test
    void writesGoMicrosResponseFieldOrderWithNullError() {
        byte[] out = codec.writeResponse("Greeter.Hello", "1", null, utf8("{\"greeting\":\"Hello John\"}"));
        assertThat(new String(out, StandardCharsets.UTF_8))
                .isEqualTo("{\"id\":1,\"result\":{\"greeting\":\"Hello John\"},\"error\":null}");
    }

    @Test
    void writesAnErrorAsTextWithANullResult() {
        String error = "{\"id\":\"greeter\",\"code\":400,\"detail\":\"a <b>\",\"status\":\"Bad Request\"}";
        byte[] out = codec.writeResponse(null, "abc", error, utf8("{\"ignored\":1}"));
        assertThat(new String(out, StandardCharsets.UTF_8)).isEqualTo("{\"id\":\"abc\",\"result\":null,\"error\":"
                + "\"{\\\"id\\\":\\\"greeter\\\",\\\"code\\\":400,\\\"detail\\\":\\\"a \\u003cb\\u003e\\\","
                + "\\\"status\\\":\\\"Bad Request\\\"}\"}");
        Envelope.Frame back = codec.readResponse(out);
        assertThat(back.error()).isEqualTo(error);
        assertThat(back.id()).isEqualTo("abc");
        assertThat(back.length()).isZero();
    }

    @Test
    void idsWithoutAFrameEchoNumbersAsNumbersAndTheRestAsStrings() {
        assertThat(new String(codec.writeResponse(null, null, null, new byte[0]), StandardCharsets.UTF_8))
                .isEqualTo("{\"id\":null,\"result\":null,\"error\":null}");
        assertThat(new String(codec.writeResponse(null, "007", null, utf8("1")), StandardCharsets.UTF_8))
                .isEqualTo("{\"id\":\"007\",\"result\":1,\"error\":null}");
        assertThat(JsonRpcCodec.literal("-12")).isTrue();
        assertThat(JsonRpcCodec.literal("1.5e-3")).isTrue();
        assertThat(JsonRpcCodec.literal("12345678901234567890")).isTrue();
        assertThat(JsonRpcCodec.literal("true")).isTrue();
        for (String no : new String[]{"", "-", "01", "1.", ".5", "1e", "1e+", "0x1", "1 ", "NaN", "abc"}) {
            assertThat(JsonRpcCodec.literal(no)).as(no).isFalse();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"1\"", "1", "1.0", "18446744073709551615", "-0.5e+10", "true", "\"\"", "\"x\\\"<y>\"",
            "\"\u00e9\"", "null"})
    void idsAreEchoedExactlyAsSent(String id) {
        Envelope.Frame f = codec.readRequest(utf8("{\"method\":\"A.B\",\"params\":[{}],\"id\":" + id + "}"));
        assertThat(f.idString()).isEqualTo(id.startsWith("\""));
        String echoed = id.replace("<", "\\u003c").replace(">", "\\u003e");
        byte[] out = codec.writeResponse(f.method(), f.id(), f.idString(), null, utf8("{}"));
        assertThat(new String(out, StandardCharsets.UTF_8))
                .isEqualTo("{\"id\":" + echoed + ",\"result\":{},\"error\":null}");
        assertThat(new String(codec.writeResponse(f.method(), f.id(), f.idString(), "e", new byte[0]),
                StandardCharsets.UTF_8)).isEqualTo("{\"id\":" + echoed + ",\"result\":null,\"error\":\"e\"}");
    }

    @Test
    void writingAnEnvelopeAllocatesOnlyTheOutputArray() {
        var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        byte[] message = utf8("{\"greeting\":\"Hello John\"}");
        String error = "{\"id\":\"greeter\",\"code\":400,\"detail\":\"a <b>\",\"status\":\"Bad Request\"}";
        int calls = 10_000;
        long sizes = 0;
        for (int round = 0; round < 3; round++) { // the last round measured, after warm-up
            sizes = 0;
            long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < calls; i++) {
                sizes += codec.writeRequest("Greeter.Hello", "12345", message).length;
                sizes += codec.writeResponse("Greeter.Hello", "7", false, null, message).length;
                sizes += codec.writeResponse(null, "abc", true, error, message).length;
            }
            long perCall = (threads.getCurrentThreadAllocatedBytes() - before) / (3L * calls);
            if (round == 2) {
                // an array's header and padding aside, nothing but the output (once about six objects a call)
                assertThat(perCall).isLessThanOrEqualTo(sizes / (3L * calls) + 24);
            }
        }
    }

    @Test
    void aMissingIdIsNull() {
        Envelope.Frame f = codec.readRequest(utf8("{\"method\":\"A.B\",\"params\":[{}]}"));
        assertThat(f.id()).isNull();
        assertThat(new String(codec.writeResponse(f.method(), f.id(), f.idString(), null, utf8("{}")),
                StandardCharsets.UTF_8)).isEqualTo("{\"id\":null,\"result\":{},\"error\":null}");
    }

    @Test
    void writesQuotingLikeGo() {
        String method = "A.B\"\\\n\t<&>\u0001\u00e9\u2028\ud83d\ude00\ud83d";
        StringBuilder quoted = new StringBuilder();
        io.microcdi.codec.GoJson.quote(quoted, method);
        assertThat(new String(codec.writeRequest(method, "x", utf8("{}")), StandardCharsets.UTF_8))
                .isEqualTo("{\"method\":" + quoted + ",\"params\":[{}],\"id\":\"x\"}");
        String error = "a\"b<\u001f>\\&\r";
        StringBuilder ascii = new StringBuilder();
        io.microcdi.codec.GoJson.quote(ascii, error);
        assertThat(new String(codec.writeResponse(null, "5", error, new byte[0]), StandardCharsets.UTF_8))
                .isEqualTo("{\"id\":5,\"result\":null,\"error\":" + ascii + "}");
        assertThat(codec.readResponse(codec.writeResponse(null, "5", error, new byte[0])).error()).isEqualTo(error);
    }

    @ParameterizedTest
    @ValueSource(strings = {"UTF-16LE", "UTF-16BE", "UTF-32BE"})
    void aBodyThatIsNotUtf8IsACodecException(String charset) {
        byte[] body = "{\"method\":\"Greeter.Hello\",\"params\":[{\"name\":\"John\"}],\"id\":1}"
                .getBytes(java.nio.charset.Charset.forName(charset));
        assertThatThrownBy(() -> codec.readRequest(body))
                .isInstanceOf(CodecException.class)
                .hasMessageStartingWith("json-rpc: expected UTF-8");
    }

    @ParameterizedTest
    @ValueSource(strings = {"garbage", "{}", " 1", "]", "\u0000"})
    void bytesAfterTheEnvelopeAreACodecException(String after) {
        byte[] body = utf8("{\"method\":\"A.B\",\"params\":[{}],\"id\":1}" + after);
        assertThatThrownBy(() -> codec.readRequest(body))
                .isInstanceOf(CodecException.class)
                .hasMessageStartingWith("json-rpc: ")
                .hasMessageNotContaining("\n");
        assertThat(codec.readRequest(utf8("{\"method\":\"A.B\",\"params\":[{}],\"id\":1} \r\n\t")).method())
                .isEqualTo("A.B");
    }

    @Test
    void requestRoundTrip() {
        byte[] out = codec.writeRequest("Greeter.Hello", "7", utf8("{\"name\":\"John\"}"));
        assertThat(new String(out, StandardCharsets.UTF_8))
                .isEqualTo("{\"method\":\"Greeter.Hello\",\"params\":[{\"name\":\"John\"}],\"id\":7}");
        Envelope.Frame f = codec.readRequest(out);
        assertThat(f.method()).isEqualTo("Greeter.Hello");
        assertThat(f.id()).isEqualTo("7");
        assertThat(message(f)).isEqualTo("{\"name\":\"John\"}");
        assertThat(new String(codec.writeRequest("A.B", "1", new byte[0]), StandardCharsets.UTF_8))
                .isEqualTo("{\"method\":\"A.B\",\"params\":[],\"id\":1}");
    }

    @Test
    void responseRoundTripAndAnEmptyErrorIsNone() {
        Envelope.Frame f = codec.readResponse(utf8("{\"id\":\"7\",\"result\":{\"greeting\":\"Hi\"},\"error\":\"\"}"));
        assertThat(f.error()).isNull();
        assertThat(f.id()).isEqualTo("7");
        assertThat(message(f)).isEqualTo("{\"greeting\":\"Hi\"}");
    }

    @Test
    void anErrorThatIsNotAStringIsKeptAsItsJson() {
        Envelope.Frame f = codec.readResponse(utf8("{\"id\":1,\"result\":null,\"error\":{\"code\":-32601}}"));
        assertThat(f.error()).isEqualTo("{\"code\":-32601}");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"method\":\"Greeter.Hello\",\"params\":[{\"name\":\"Jo",
            "{\"method\":\"Greeter.Hello\",\"params\":[{\"name\":\"John\"}]", "{\"method\":", "{", "", "[1]", "nope",
            "{\"method\":5}", "{\"method\":\"A.B\",\"id\":[1]}"})
    void malformedOrTruncatedEnvelopesFailNamingTheProblem(String body) {
        assertThatThrownBy(() -> codec.readRequest(utf8(body)))
                .isInstanceOf(CodecException.class)
                .hasMessageStartingWith("json-rpc: ")
                .hasMessageNotContaining("\n");
    }

    @Test
    void namesAndDelegates() {
        assertThat(codec.name()).isEqualTo("jsonrpc");
        assertThat(codec.contentType()).isEqualTo("application/json-rpc");
        assertThat(new String(codec.encoder(Hello.class).encode(new Hello("x")), StandardCharsets.UTF_8))
                .isEqualTo("{\"name\":\"x\"}");
        assertThat(new JsonRpcCodecProvider().name()).isEqualTo("jsonrpc");
        assertThat(new JsonRpcCodecProvider().create(null)).isInstanceOf(JsonRpcCodec.class);
    }
}
