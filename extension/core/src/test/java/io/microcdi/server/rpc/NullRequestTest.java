package io.microcdi.server.rpc;

import io.microcdi.codec.Codecs;
import io.microcdi.codec.json.JsonCodec;
import io.microcdi.codec.jsonrpc.JsonRpcCodec;
import io.microcdi.errors.ErrorJson;
import io.microcdi.errors.MicroException;
import io.microcdi.internal.config.DefaultMicroConfig;
import io.microcdi.internal.model.ServiceModel;
import io.microcdi.metadata.Metadata;
import io.microcdi.registry.memory.MemoryRegistry;
import io.microcdi.transport.Message;
import io.microcdi.transport.memory.MemoryTransport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A {@code null} request (a JSON {@code null} body) is answered 400 naming the endpoint, without calling the handler,
 * unless the parameter is declared {@code @Nullable} (any annotation of that name, on the parameter or its type);
 * the server goes on serving.
 */
class NullRequestTest {

    /** JSpecify's, Jakarta's and JetBrains' are matched by this simple name; a declaration annotation here. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target({ElementType.PARAMETER, ElementType.TYPE_USE})
    public @interface Nullable {
    }

    public record Hello(String name) {
    }

    public record Reply(String greeting) {
    }

    public static class Greeter {
        final AtomicInteger calls = new AtomicInteger();

        public Reply hello(Hello h) {
            calls.incrementAndGet();
            return new Reply("Hello " + h.name());
        }

        public Reply maybe(@Nullable Hello h) {
            return new Reply(h == null ? "nobody" : "Hello " + h.name());
        }

        public Reply typed(@Nullable Hello h) {
            return maybe(h);
        }
    }

    private final MemoryRegistry registry = new MemoryRegistry();
    private final MemoryTransport transport = new MemoryTransport();
    private final Greeter greeter = new Greeter();
    private RpcServer server;

    @BeforeEach
    void start() {
        server = new RpcServer(RpcServerConfig.from(DefaultMicroConfig.of(Map.of("micro.server.address", "memory:0"))),
                registry, transport, Codecs.of(List.of(new JsonCodec(), new JsonRpcCodec())));
        server.handle(ServiceModel.define(Greeter.class, greeter, "greeter", "1.0.0"));
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop();
        registry.close();
        transport.close();
    }

    private Message call(String contentType, String endpoint, String body) {
        return transport.send(server.address(), new Message(Metadata.of("Content-Type", contentType,
                "Micro-Service", "greeter", "Micro-Endpoint", endpoint), body.getBytes(StandardCharsets.UTF_8)),
                Duration.ofSeconds(5)).join();
    }

    private static String text(Message m) {
        return new String(m.body(), StandardCharsets.UTF_8);
    }

    @Test
    void aNullRequestIsA400NamingTheEndpointAndTheHandlerIsNotCalled() {
        Message m = call("application/json", "Greeter.Hello", "null");

        MicroException e = ErrorJson.parse(text(m));
        assertThat(e.code()).isEqualTo(400);
        assertThat(e.id()).isEqualTo("greeter");
        assertThat(e.detail()).isEqualTo("Greeter.Hello: the request is null (expected: a Hello)");
        assertThat(m.header().get("Micro-Error")).isNotNull();
        assertThat(greeter.calls.get()).isZero();
        // and the server goes on
        assertThat(text(call("application/json", "Greeter.Hello", "{\"name\":\"John\"}")))
                .isEqualTo("{\"greeting\":\"Hello John\"}");
    }

    @Test
    void aJsonRpcNullParamIsRefusedTheSameWay() {
        Message m = call("application/json-rpc", "Greeter.Hello",
                "{\"method\":\"Greeter.Hello\",\"params\":[null],\"id\":1}");

        assertThat(text(m)).contains("Greeter.Hello: the request is null");
        assertThat(greeter.calls.get()).isZero();
    }

    @Test
    void aNullableParameterTakesNull() {
        assertThat(text(call("application/json", "Greeter.Maybe", "null"))).isEqualTo("{\"greeting\":\"nobody\"}");
        assertThat(text(call("application/json", "Greeter.Typed", "null"))).isEqualTo("{\"greeting\":\"nobody\"}");
    }
}
