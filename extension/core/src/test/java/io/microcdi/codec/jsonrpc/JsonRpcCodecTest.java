package io.microcdi.codec.jsonrpc;

import io.microcdi.codec.Codec;
import io.microcdi.codec.CodecException;
import io.microcdi.codec.Envelope;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JsonRpcCodecTest {

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
    void idsEchoNumbersAsNumbersAndTheRestAsStrings() {
        assertThat(new String(codec.writeResponse(null, null, null, new byte[0]), StandardCharsets.UTF_8))
                .isEqualTo("{\"id\":null,\"result\":null,\"error\":null}");
        assertThat(new String(codec.writeResponse(null, "007", null, utf8("1")), StandardCharsets.UTF_8))
                .isEqualTo("{\"id\":\"007\",\"result\":1,\"error\":null}");
        assertThat(JsonRpcCodec.numeric("-12")).isTrue();
        assertThat(JsonRpcCodec.numeric("1.5")).isFalse();
        assertThat(JsonRpcCodec.numeric("")).isFalse();
        assertThat(JsonRpcCodec.numeric("12345678901234567890")).isFalse();
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
