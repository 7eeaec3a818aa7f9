package io.microcdi.rpc;

import io.microcdi.client.CallFunc;
import io.microcdi.client.CallOptions;
import io.microcdi.client.CallWrapper;
import io.microcdi.client.Client;
import io.microcdi.client.Request;
import io.microcdi.client.Response;
import io.microcdi.client.rpc.RpcClient;
import io.microcdi.client.rpc.RpcClientConfig;
import io.microcdi.codec.Codecs;
import io.microcdi.codec.json.JsonCodec;
import io.microcdi.errors.MicroException;
import io.microcdi.internal.config.DefaultMicroConfig;
import io.microcdi.internal.model.ServiceModel;
import io.microcdi.metadata.Metadata;
import io.microcdi.registry.memory.MemoryRegistry;
import io.microcdi.selector.cache.CachingSelector;
import io.microcdi.server.rpc.RpcServer;
import io.microcdi.server.rpc.RpcServerConfig;
import io.microcdi.transport.http.HttpTransport;
import io.microcdi.transport.http.HttpTransportConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Call wrappers around each attempt of the rpc client, over the real HTTP transport on loopback. */
class CallWrapperRpcTest {

    public record Hello(String name) {
    }

    public record Reply(String greeting) {
    }

    /** Answers with the metadata it was sent. */
    public static class Greeter {
        final AtomicInteger calls = new AtomicInteger();

        public Reply hello(Hello h) {
            calls.incrementAndGet();
            String tenant = io.microcdi.context.CallContext.current().metadata().get("X-Tenant");
            return new Reply("Hello " + h.name() + (tenant == null ? "" : " of " + tenant));
        }

        /** Fails the first call with a retryable 503, as an overloaded Go Micro server does. */
        public Reply once(Hello h) {
            if (calls.incrementAndGet() == 1) {
                throw new MicroException("go.micro.server", 503, "busy", "Service Unavailable");
            }
            return new Reply("Once " + h.name());
        }
    }

    private final MemoryRegistry registry = new MemoryRegistry();
    private final HttpTransport transport = new HttpTransport(HttpTransportConfig.defaults());
    private RpcServer server;
    private RpcClient client;
    private Greeter greeter;

    @BeforeEach
    void setUp() {
        server = new RpcServer(RpcServerConfig.from(DefaultMicroConfig.of(Map.of())), registry, transport,
                Codecs.of(List.of(new JsonCodec())));
        greeter = new Greeter();
        server.handle(ServiceModel.define(Greeter.class, greeter, "greeter", "1.0.0"));
        server.start();
        client = new RpcClient(RpcClientConfig.from(DefaultMicroConfig.of(Map.of())),
                CachingSelector.of("random", registry), transport);
    }

    @AfterEach
    void tearDown() {
        server.stop();
        registry.close();
        transport.close();
    }

    private static Request hello(String name) {
        return new Request("greeter", "Greeter.Hello", "application/json",
                ("{\"name\":\"" + name + "\"}").getBytes(StandardCharsets.UTF_8), Metadata.empty());
    }

    private static String body(Response r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    /** Records {@code name>} before and {@code <name} after the attempt. */
    private static CallWrapper recording(String name, List<String> log) {
        return next -> (node, request, options) -> {
            log.add(name + ">");
            return next.call(node, request, options).whenComplete((r, e) -> log.add("<" + name));
        };
    }

    @Test
    void wrappersRunFirstOutermostAndMayChangeTheRequest() {
        List<String> log = new CopyOnWriteArrayList<>();
        CallWrapper tenant = next -> (node, request, options) -> next.call(node,
                request.withMetadata(request.metadata().with("X-Tenant", "acme")), options);
        Client wrapped = client.wrap(List.of(recording("a", log), recording("b", log), tenant));

        Response r = wrapped.call(hello("John"), CallOptions.defaults()).join();

        assertThat(body(r)).isEqualTo("{\"greeting\":\"Hello John of acme\"}");
        assertThat(log).containsExactly("a>", "b>", "<b", "<a");
        // the unwrapped client is unchanged
        assertThat(body(client.call(hello("Ann"), CallOptions.defaults()).join()))
                .isEqualTo("{\"greeting\":\"Hello Ann\"}");
    }

    @Test
    void aWrapperSeesTheAttemptsBudget() {
        List<Duration> budgets = new CopyOnWriteArrayList<>();
        Client wrapped = client.wrap(List.of(next -> (node, request, options) -> {
            budgets.add(options.requestTimeout());
            return next.call(node, request, options);
        }));

        wrapped.call(hello("x"), CallOptions.defaults().withAttemptTimeout(Duration.ofMillis(800))).join();

        assertThat(budgets).singleElement().satisfies(b -> assertThat(b).isBetween(Duration.ofMillis(1),
                Duration.ofMillis(800)));
    }

    @Test
    void aWrapperThatAnswersItselfShortCircuitsAndIsNotRetried() {
        AtomicInteger attempts = new AtomicInteger();
        CallWrapper count = next -> (node, request, options) -> {
            attempts.incrementAndGet();
            return next.call(node, request, options);
        };
        CallWrapper deny = next -> (node, request, options) -> CompletableFuture.failedFuture(
                MicroException.unauthorized("greeter.auth", "no token"));
        Client wrapped = client.wrap(List.of(count, deny));

        assertThatThrownBy(() -> wrapped.call(hello("x"), CallOptions.defaults().withRetries(3)).join())
                .hasCauseInstanceOf(MicroException.class)
                .cause().satisfies(e -> assertThat(((MicroException) e).code()).isEqualTo(401));

        assertThat(attempts).hasValue(1);
        assertThat(greeter.calls).hasValue(0);
    }

    @Test
    void onlyWhatTheNodeAnsweredCountsForOrAgainstIt() {
        List<String> outcomes = new CopyOnWriteArrayList<>();
        io.microcdi.selector.Selector base = CachingSelector.of("random", registry);
        io.microcdi.selector.Selector recording = new io.microcdi.selector.Selector() {
            public String name() {
                return "recording";
            }

            public io.microcdi.selector.Next select(String service, io.microcdi.selector.SelectOptions options) {
                io.microcdi.selector.Next n = base.select(service, options);
                return new io.microcdi.selector.Next() {
                    public io.microcdi.registry.Node next() {
                        return n.next();
                    }

                    public void mark(io.microcdi.registry.Node node, Throwable error) {
                        outcomes.add(error == null ? "ok" : "failed");
                        n.mark(node, error);
                    }

                    public void skip(io.microcdi.registry.Node node) {
                        outcomes.add("skipped");
                        n.skip(node);
                    }
                };
            }

            public void mark(String service, io.microcdi.registry.Node node, Throwable error) {
                base.mark(service, node, error);
            }

            public void reset(String service) {
                base.reset(service);
            }

            public void onAddressGone(java.util.function.Consumer<String> listener) {
                base.onAddressGone(listener);
            }

            public void close() {
                base.close();
            }
        };
        RpcClient own = new RpcClient(RpcClientConfig.from(DefaultMicroConfig.of(Map.of())), recording, transport);
        CallWrapper deny = next -> (node, request, options) -> request.endpoint().equals("Greeter.Hello")
                && request.body().length > 12
                ? CompletableFuture.failedFuture(MicroException.unauthorized("auth", "no"))
                : next.call(node, request, options);
        Client wrapped = own.wrap(List.of(deny));

        assertThat(wrapped.call(hello("x"), CallOptions.defaults()).join()).isNotNull();           // the node answered
        assertThatThrownBy(() -> wrapped.call(hello("long name"), CallOptions.defaults()).join()); // the wrapper did
        Request unknown = new Request("greeter", "Greeter.Missing", "application/json", "{}".getBytes(
                StandardCharsets.UTF_8), Metadata.empty());
        assertThatThrownBy(() -> wrapped.call(unknown, CallOptions.defaults()).join());           // the node's 404

        assertThat(outcomes).containsExactly("ok", "skipped", "ok");
    }

    @Test
    void aWrapperThatThrowsFailsTheCallAndTheServerIsNotCalled() {
        Client wrapped = client.wrap(List.of(next -> (node, request, options) -> {
            throw new IllegalStateException("wrapper bug");
        }));

        assertThatThrownBy(() -> wrapped.call(hello("x"), CallOptions.defaults()).join())
                .cause().isInstanceOfSatisfying(MicroException.class, e -> {
                    assertThat(e.code()).isEqualTo(500);
                    assertThat(e.id()).isEqualTo("go.micro.client");
                    assertThat(e.detail()).contains("wrapper bug");
                });
        assertThat(greeter.calls).hasValue(0);

        Client broken = client.wrap(List.of(next -> (node, request, options) -> null));
        assertThatThrownBy(() -> broken.call(hello("x"), CallOptions.defaults()).join())
                .cause().hasMessageContaining("a CallWrapper returned no future");
    }

    @Test
    void aWrapperThatNeverAnswersTimesOutWithTheAttempt() {
        Client stuck = client.wrap(List.of(next -> (node, request, options) -> new CompletableFuture<>()));
        long start = System.nanoTime();

        assertThatThrownBy(() -> stuck.call(hello("x"), CallOptions.defaults()
                .withRequestTimeout(Duration.ofMillis(200)).withRetries(0)).join())
                .cause().isInstanceOfSatisfying(MicroException.class, e -> assertThat(e.code()).isEqualTo(408));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
    }

    @Test
    void everyAttemptsWrappersRunInTheContextOfTheCallBeingHandled() {
        List<String> seen = new CopyOnWriteArrayList<>();
        Client wrapped = client.wrap(List.of(next -> (node, request, options) -> {
            seen.add(io.microcdi.context.CallContext.current().metadata().getOrDefault("X-Id", "none") + "@"
                    + Thread.currentThread().getName());
            return next.call(node, request, options);
        }));
        Request once = new Request("greeter", "Greeter.Once", "application/json",
                "{\"name\":\"x\"}".getBytes(StandardCharsets.UTF_8), Metadata.empty());
        var previous = io.microcdi.context.CallContexts.attach(io.microcdi.context.CallContexts.call("front",
                "Front.Get", "", "", 0, Metadata.of("X-Id", "42")));
        CompletableFuture<Response> f;
        try {
            f = wrapped.call(once, CallOptions.defaults().withRetries(1));
        } finally {
            io.microcdi.context.CallContexts.restore(previous);
        }

        assertThat(body(f.join())).contains("Once x");
        // the retry runs on the back-off timer or an I/O thread, in the same context
        assertThat(seen).hasSize(2).allMatch(s -> s.startsWith("42@"));
    }

    @Test
    void aWrapperThatComposesToNothingIsRefusedWhenTheChainIsBuilt() {
        CallWrapper nothing = next -> null;

        assertThatThrownBy(() -> client.wrap(List.of(nothing)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(".wrap returned null");
    }

    @Test
    void theChainIsComposedOnceNotPerCall() {
        AtomicInteger composed = new AtomicInteger();
        CallWrapper counting = next -> {
            composed.incrementAndGet();
            return next;
        };
        Client wrapped = client.wrap(List.of(counting));
        for (int i = 0; i < 5; i++) {
            wrapped.call(hello("x" + i), CallOptions.defaults()).join();
        }

        assertThat(composed).hasValue(1);
        wrapped.close(); // a view: the client it wraps stays open
        assertThat(body(client.call(hello("y"), CallOptions.defaults()).join())).contains("Hello y");
    }

    @Test
    void aCallFuncIsAFunctionOfNodeRequestAndOptions() {
        CallFunc constant = (node, request, options) -> CompletableFuture.completedFuture(
                new Response(Metadata.empty(), "{}".getBytes(StandardCharsets.UTF_8)));
        Client wrapped = client.wrap(List.of(next -> constant));

        assertThat(body(wrapped.call(hello("x"), CallOptions.defaults()).join())).isEqualTo("{}");
        assertThat(greeter.calls).hasValue(0);
    }
}
