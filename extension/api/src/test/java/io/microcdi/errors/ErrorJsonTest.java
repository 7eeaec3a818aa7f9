package io.microcdi.errors;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class ErrorJsonTest {

    private static final String GO_SAMPLE =
            "{\"id\":\"greeter.hello\",\"code\":400,\"detail\":\"name fail not allowed\",\"status\":\"Bad Request\"}";

    private static MicroException roundTrip(MicroException e) {
        return ErrorJson.parse(ErrorJson.write(e));
    }

    private static void assertSame(MicroException actual, MicroException expected) {
        assertThat(actual.id()).isEqualTo(expected.id());
        assertThat(actual.code()).isEqualTo(expected.code());
        assertThat(actual.detail()).isEqualTo(expected.detail());
        assertThat(actual.status()).isEqualTo(expected.status());
    }

    @Test
    void writesGoMicroFieldOrder() {
        String json = ErrorJson.write(MicroException.notFound("greeter", "endpoint Greeter.Nope"));

        assertThat(json).isEqualTo(
                "{\"id\":\"greeter\",\"code\":404,\"detail\":\"endpoint Greeter.Nope\",\"status\":\"Not Found\"}");
    }

    @Test
    void writesGoMicroSampleExactly() {
        String json = ErrorJson.write(MicroException.badRequest("greeter.hello", "name %s not allowed", "fail"));

        assertThat(json).isEqualTo(GO_SAMPLE);
    }

    @Test
    void bytesAreUtf8OfWrite() {
        MicroException e = MicroException.badRequest("svc", "Jöhn ✓");

        assertThat(ErrorJson.bytes(e)).isEqualTo(ErrorJson.write(e).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void parsesGoMicroSample() {
        MicroException e = ErrorJson.parse(GO_SAMPLE);

        assertThat(e.id()).isEqualTo("greeter.hello");
        assertThat(e.code()).isEqualTo(400);
        assertThat(e.detail()).isEqualTo("name fail not allowed");
        assertThat(e.status()).isEqualTo("Bad Request");
    }

    @Test
    void roundTripsPlainError() {
        MicroException e = MicroException.internalServerError("go.micro.server", "boom");

        assertSame(roundTrip(e), e);
    }

    @Test
    void roundTripsQuotesAndBackslashes() {
        MicroException e = MicroException.badRequest("a\"b\\c", "say \"hi\" to C:\\temp\\ and \\\"x\\\"");

        String json = ErrorJson.write(e);

        assertThat(json).contains("\"id\":\"a\\\"b\\\\c\"");
        assertSame(ErrorJson.parse(json), e);
    }

    @Test
    void roundTripsNewlinesTabsAndControlCharacters() {
        MicroException e = MicroException.badRequest("svc", "line1\nline2\r\n\ttab \u0001\u001f end");

        String json = ErrorJson.write(e);

        assertThat(json).doesNotContain("\n", "\r", "\t", "\u0001", "\u001f");
        assertThat(json).contains("\\n", "\\r", "\\t", "\\u0001", "\\u001f");
        assertSame(ErrorJson.parse(json), e);
    }

    @Test
    void escapesDeleteSoThatTheJsonFitsAHeaderUnchanged() {
        // found by WireFuzzTest: a 400 quoting a header name with DEL in it had a space in Micro-Error (the header
        // writer's replacement) and DEL in the body
        MicroException e = MicroException.badRequest("svc", "header 'Conten" + (char) 0x7f + "t-Type'");

        String json = ErrorJson.write(e);

        assertThat(json.chars().filter(c -> c < 0x20 || c == 0x7f)).as("characters a header cannot carry").isEmpty();
        assertThat(json).contains("Conten\\u007ft-Type");
        assertSame(ErrorJson.parse(json), e);
    }

    @Test
    void roundTripsNonAscii() {
        MicroException e = MicroException.conflict("svc", "Grüße, 你好, \uD83D\uDE00");

        assertSame(roundTrip(e), e);
    }

    @Test
    void roundTripsEmptyAndUnknownStatus() {
        MicroException e = new MicroException("", 599, "", "");

        assertThat(ErrorJson.write(e)).isEqualTo("{\"id\":\"\",\"code\":599,\"detail\":\"\",\"status\":\"\"}");
        assertSame(roundTrip(e), e);
    }

    @Test
    void parsesUnicodeAndOtherEscapes() {
        MicroException e = ErrorJson.parse(
                "{\"id\":\"a\\/b\",\"code\":500,\"detail\":\"caf\\u00e9 \\u00E9 \\ud83d\\ude00 \\b\\f\"}");

        assertThat(e.id()).isEqualTo("a/b");
        assertThat(e.detail()).isEqualTo("café é \uD83D\uDE00 \b\f");
    }

    @Test
    void parsesWhitespaceAnywhere() {
        MicroException e = ErrorJson.parse(
                "  \n{ \"id\" : \"svc\" ,\n\t\"code\" : 404 ,  \"detail\" :\"x\" , \"status\" : \"Not Found\" }\n ");

        assertThat(e.id()).isEqualTo("svc");
        assertThat(e.code()).isEqualTo(404);
        assertThat(e.detail()).isEqualTo("x");
        assertThat(e.status()).isEqualTo("Not Found");
    }

    @Test
    void skipsExtraScalarFieldsInAnyOrder() {
        MicroException e = ErrorJson.parse(
                "{\"status\":\"Conflict\",\"extra\":\"v\",\"n\":1.5,\"flag\":true,\"none\":null,"
                        + "\"detail\":\"d\",\"code\":409,\"id\":\"svc\"}");

        assertThat(e.id()).isEqualTo("svc");
        assertThat(e.code()).isEqualTo(409);
        assertThat(e.detail()).isEqualTo("d");
        assertThat(e.status()).isEqualTo("Conflict");
    }

    @Test
    void skipsNestedExtraFieldsLikeGo() {
        MicroException object = ErrorJson.parse("{\"extra\":{\"a\":1,\"b\":2},\"id\":\"x\",\"code\":400}");
        MicroException array = ErrorJson.parse("{\"id\":\"x\",\"tags\":[\"a\",\"b\"],\"code\":400}");

        assertThat(object.id()).isEqualTo("x");
        assertThat(object.code()).isEqualTo(400);
        assertThat(array.id()).isEqualTo("x");
        assertThat(array.code()).isEqualTo(400);
    }

    @Test
    void missingStatusIsDerivedFromCode() {
        MicroException e = ErrorJson.parse("{\"id\":\"svc\",\"code\":503,\"detail\":\"down\"}");

        assertThat(e.status()).isEqualTo("Service Unavailable");
    }

    @Test
    void missingFieldsAreEmpty() {
        MicroException e = ErrorJson.parse("{}");

        assertThat(e.id()).isEmpty();
        assertThat(e.code()).isZero();
        assertThat(e.detail()).isEmpty();
        assertThat(e.status()).isEmpty();
    }

    @Test
    void nullStringValuesAreEmpty() {
        MicroException e = ErrorJson.parse("{\"id\":null,\"code\":500,\"detail\":null}");

        assertThat(e.id()).isEmpty();
        assertThat(e.detail()).isEmpty();
        assertThat(e.code()).isEqualTo(500);
    }

    @Test
    void nonJsonTextBecomesDetailWithCodeZero() {
        MicroException e = ErrorJson.parse("connection refused");

        assertThat(e.code()).isZero();
        assertThat(e.detail()).isEqualTo("connection refused");
        assertThat(e.id()).isEmpty();
        assertThat(e.status()).isEmpty();
    }

    @Test
    void textIsKeptUntrimmed() {
        MicroException e = ErrorJson.parse("  spaced out \n");

        assertThat(e.detail()).isEqualTo("  spaced out \n");
        assertThat(e.code()).isZero();
    }

    @Test
    void brokenJsonBecomesDetailWithCodeZero() {
        for (String text : new String[] {
                "{not json}",
                "{\"id\":\"x\"",
                "{\"id\":\"unterminated",
                "{\"id\" \"x\"}",
                "{\"code\":}",
                "{\"code\":\"abc\"}",
                "{\"detail\":\"bad escape \\u12\"}",
                "{",
        }) {
            MicroException e = ErrorJson.parse(text);

            assertThat(e.code()).as(text).isZero();
            assertThat(e.detail()).as(text).isEqualTo(text);
        }
    }

    @Test
    void jsonThatIsNotAnObjectBecomesDetail() {
        assertThat(ErrorJson.parse("[1,2]").detail()).isEqualTo("[1,2]");
        assertThat(ErrorJson.parse("\"quoted\"").detail()).isEqualTo("\"quoted\"");
        assertThat(ErrorJson.parse("404").code()).isZero();
    }

    @Test
    void emptyAndNullTextGiveEmptyError() {
        MicroException empty = ErrorJson.parse("");
        MicroException none = ErrorJson.parse(null);

        assertThat(empty.code()).isZero();
        assertThat(empty.detail()).isEmpty();
        assertThat(none.code()).isZero();
        assertThat(none.detail()).isEmpty();
        assertThat(none.id()).isEmpty();
    }
}
