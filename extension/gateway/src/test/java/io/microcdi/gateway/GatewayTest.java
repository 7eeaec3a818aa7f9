package io.microcdi.gateway;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.microcdi.config.MicroConfig;
import io.microcdi.errors.MicroException;
import io.microcdi.metadata.Metadata;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the gateway does before and after a call: headers to metadata, query to JSON, messages, errors. */
class GatewayTest {

    @Test
    void headersBecomeMetadataLessThoseOfTheHop() {
        Metadata md = Gateway.metadata(new HttpCall("POST", "/greeter/hello", "", Map.of(
                "X-Tenant", List.of("acme"), "Authorization", List.of("Bearer t"), "Host", List.of("x"),
                "Content-Type", List.of("application/json"), "Micro-Service", List.of("evil"),
                "X-Micro-Endpoint", List.of("Evil.Call"), "Timeout", List.of("1s"), "X-Multi", List.of("a", "b")),
                new byte[0]));
        assertThat(md.asMap()).containsOnly(Map.entry("X-Tenant", "acme"), Map.entry("Authorization", "Bearer t"),
                Map.entry("X-Multi", "a,b"));
    }

    @Test
    void aQueryIsAJsonObject() {
        assertThat(new String(Gateway.queryJson("name=John&tag=a&tag=b%20c&empty"), UTF_8))
                .isEqualTo("{\"name\":\"John\",\"tag\":[\"a\",\"b c\"],\"empty\":\"\"}");
        assertThat(new String(Gateway.queryJson(""), UTF_8)).isEqualTo("{}");
    }

    @Test
    void aStreamsJsonBodyIsOneMessagePerLine() {
        List<byte[]> m = Gateway.messages("{\"name\":\"Ann\"}\r\n\n  {\"name\":\"Bob\"}  ".getBytes(UTF_8),
                "application/json");
        assertThat(m).extracting(b -> new String(b, UTF_8)).containsExactly("{\"name\":\"Ann\"}",
                "{\"name\":\"Bob\"}");
        assertThat(Gateway.messages(new byte[] {1, '\n', 2}, "application/protobuf")).hasSize(1);
    }

    @Test
    void errorsKeepTheirCodeAsStatusAndOthersAre500() {
        Reply r = Reply.error(MicroException.badRequest("greeter.hello", "name is required"));
        assertThat(r.status()).isEqualTo(400);
        assertThat(new String(r.body(), UTF_8)).isEqualTo(
                "{\"id\":\"greeter.hello\",\"code\":400,\"detail\":\"name is required\",\"status\":\"Bad Request\"}");
        assertThat(Reply.error(new MicroException("x", "odd", 0)).status()).isEqualTo(500);
        MicroException wrapped = Gateway.failure(new java.util.concurrent.CompletionException(
                new IllegalStateException("boom")));
        assertThat(wrapped.code()).isEqualTo(500);
        assertThat(wrapped.id()).isEqualTo("go.micro.api");
        assertThat(wrapped.detail()).isEqualTo("error during request: boom");
    }

    @Test
    void refusedBeforeAnyCall() {
        // no client at all: each of these must be answered before one is needed
        GatewayConfig c = GatewayConfig.fromConfig(MicroConfig.of(Map.of(GatewayConfig.MAX_BODY_SIZE, "8",
                GatewayConfig.AUTH, "true", "micro.auth.tokens", "s3cret")));
        Gateway g = new Gateway(c, null, io.microcdi.wrappers.BearerTokens.fromConfig(
                MicroConfig.of(Map.of("micro.auth.tokens", "s3cret")), "test"));
        Reply noToken = g.call(new HttpCall("POST", "/greeter/hello", "", Map.of(), new byte[0]));
        assertThat(noToken.status()).isEqualTo(401);
        assertThat(noToken.headers()).containsEntry("WWW-Authenticate", "Bearer");
        Reply tooLarge = g.call(new HttpCall("POST", "/greeter/hello", "",
                Map.of("Authorization", List.of("Bearer s3cret")), new byte[9]));
        assertThat(tooLarge.status()).isEqualTo(413);
        Reply noRoute = g.call(new HttpCall("POST", "/", "", Map.of("authorization", List.of("bearer s3cret")),
                new byte[0]));
        assertThat(noRoute.status()).isEqualTo(404);
        assertThat(new String(noRoute.body(), UTF_8)).contains("no route for /");
    }
}
