package io.microcdi.errors;

import org.junit.jupiter.api.Test;

import java.util.function.BiFunction;

import static org.assertj.core.api.Assertions.assertThat;

class MicroExceptionTest {

    private static void assertFactory(BiFunction<String, String, MicroException> factory, int code, String status) {
        MicroException e = factory.apply("greeter.hello", "detail");

        assertThat(e.id()).isEqualTo("greeter.hello");
        assertThat(e.code()).isEqualTo(code);
        assertThat(e.status()).isEqualTo(status);
        assertThat(e.detail()).isEqualTo("detail");
        assertThat(e.getMessage()).isEqualTo(code + " " + status + " [greeter.hello]: detail");
        assertThat(e.getCause()).isNull();
    }

    @Test
    void badRequestIs400() {
        assertFactory((id, d) -> MicroException.badRequest(id, d), 400, "Bad Request");
    }

    @Test
    void unauthorizedIs401() {
        assertFactory((id, d) -> MicroException.unauthorized(id, d), 401, "Unauthorized");
    }

    @Test
    void forbiddenIs403() {
        assertFactory((id, d) -> MicroException.forbidden(id, d), 403, "Forbidden");
    }

    @Test
    void notFoundIs404() {
        assertFactory((id, d) -> MicroException.notFound(id, d), 404, "Not Found");
    }

    @Test
    void methodNotAllowedIs405() {
        assertFactory((id, d) -> MicroException.methodNotAllowed(id, d), 405, "Method Not Allowed");
    }

    @Test
    void timeoutIs408() {
        assertFactory((id, d) -> MicroException.timeout(id, d), 408, "Request Timeout");
    }

    @Test
    void conflictIs409() {
        assertFactory((id, d) -> MicroException.conflict(id, d), 409, "Conflict");
    }

    @Test
    void internalServerErrorIs500() {
        assertFactory((id, d) -> MicroException.internalServerError(id, d), 500, "Internal Server Error");
    }

    @Test
    void factoriesFormatDetail() {
        MicroException e = MicroException.badRequest("greeter.hello", "name %s not allowed (%d)", "fail", 3);

        assertThat(e.detail()).isEqualTo("name fail not allowed (3)");
        assertThat(e).hasMessage("400 Bad Request [greeter.hello]: name fail not allowed (3)");
    }

    @Test
    void factoriesFormatWithRootLocale() {
        MicroException e = MicroException.internalServerError("x", "%.1f", 1.5);

        assertThat(e.detail()).isEqualTo("1.5");
    }

    @Test
    void statusTextOfKnownCodes() {
        assertThat(MicroException.statusText(400)).isEqualTo("Bad Request");
        assertThat(MicroException.statusText(413)).isEqualTo("Request Entity Too Large");
        assertThat(MicroException.statusText(415)).isEqualTo("Unsupported Media Type");
        assertThat(MicroException.statusText(429)).isEqualTo("Too Many Requests");
        assertThat(MicroException.statusText(501)).isEqualTo("Not Implemented");
        assertThat(MicroException.statusText(502)).isEqualTo("Bad Gateway");
        assertThat(MicroException.statusText(503)).isEqualTo("Service Unavailable");
        assertThat(MicroException.statusText(504)).isEqualTo("Gateway Timeout");
    }

    @Test
    void statusTextOfUnknownCodeIsEmpty() {
        assertThat(MicroException.statusText(0)).isEmpty();
        assertThat(MicroException.statusText(200)).isEmpty();
        assertThat(MicroException.statusText(-1)).isEmpty();
        assertThat(MicroException.statusText(599)).isEmpty();
    }

    @Test
    void codeConstructorDerivesStatus() {
        MicroException e = new MicroException("svc", "gone away", 503);

        assertThat(e.code()).isEqualTo(503);
        assertThat(e.status()).isEqualTo("Service Unavailable");
        assertThat(e).hasMessage("503 Service Unavailable [svc]: gone away");
    }

    @Test
    void wireConstructorKeepsStatusAsReceived() {
        MicroException e = new MicroException("svc", 400, "bad", "Very Bad");

        assertThat(e.status()).isEqualTo("Very Bad");
        assertThat(e.code()).isEqualTo(400);
    }

    @Test
    void nullStatusFallsBackToStatusText() {
        MicroException e = new MicroException("svc", 404, "x", null);

        assertThat(e.status()).isEqualTo("Not Found");
    }

    @Test
    void nullIdAndDetailBecomeEmpty() {
        MicroException e = new MicroException(null, 500, null, null);

        assertThat(e.id()).isEmpty();
        assertThat(e.detail()).isEmpty();
        assertThat(e.status()).isEqualTo("Internal Server Error");
    }

    @Test
    void messageOfUnknownCodeHasEmptyStatus() {
        MicroException e = new MicroException("", 0, "plain text", "");

        assertThat(e).hasMessage("0  []: plain text");
    }

    @Test
    void causeIsKeptLocally() {
        IllegalStateException cause = new IllegalStateException("boom");

        MicroException e = new MicroException("svc", 500, "boom", "Internal Server Error", cause);

        assertThat(e).hasCause(cause);
        assertThat(e.detail()).isEqualTo("boom");
    }

    @Test
    void isARuntimeException() {
        assertThat(MicroException.notFound("a", "b")).isInstanceOf(RuntimeException.class);
    }
}
