package io.microcdi.internal.client;

import io.microcdi.annotation.Endpoint;
import io.microcdi.client.rpc.RpcClient;
import io.microcdi.client.rpc.RpcClientConfig;
import io.microcdi.codec.Codecs;
import io.microcdi.codec.json.JsonCodec;
import io.microcdi.internal.config.DefaultMicroConfig;
import io.microcdi.internal.model.ServiceModel;
import io.microcdi.registry.memory.MemoryRegistry;
import io.microcdi.selector.cache.CachingSelector;
import io.microcdi.server.rpc.RpcServer;
import io.microcdi.server.rpc.RpcServerConfig;
import io.microcdi.transport.http.HttpTransport;
import io.microcdi.transport.http.HttpTransportConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Over the real HTTP transport on loopback, where answers arrive on the event loops ({@code microcdi-io-N}): a caller
 * waiting on an async call's future is woken by the event loop and runs the dependents itself, no callback thread in
 * between; with no one waiting, the dependents run on a callback thread; never on an event loop.
 */
class CallerFutureHttpTest {

    public record Hello(String name) {
    }

    public record Reply(String greeting) {
    }

    /** Answers once the test releases it, so that the test knows what is attached and who waits before the answer. */
    public static class Gate {
        volatile CountDownLatch release = new CountDownLatch(1);

        public Reply hello(Hello h) throws InterruptedException {
            release.await(10, TimeUnit.SECONDS);
            return new Reply("Hello " + h.name());
        }
    }

    @Endpoint("Gate")
    public interface GateApi {
        CompletableFuture<Reply> helloAsync(Hello h);
    }

    private final MemoryRegistry registry = new MemoryRegistry();
    private final Gate gate = new Gate();
    private HttpTransport transport;
    private RpcServer server;
    private CachingSelector selector;
    private RpcClient client;
    private GateApi api;

    @BeforeEach
    void setUp() {
        transport = new HttpTransport(HttpTransportConfig.from(DefaultMicroConfig.of(Map.of())));
        server = new RpcServer(RpcServerConfig.from(DefaultMicroConfig.of(Map.of())), registry, transport,
                Codecs.of(List.of(new JsonCodec())));
        server.handle(ServiceModel.define(Gate.class, gate, "gate", "1"));
        server.start();
        selector = CachingSelector.of("random", registry);
        client = new RpcClient(RpcClientConfig.from(DefaultMicroConfig.of(Map.of())), selector, transport);
        api = ClientProxies.create(GateApi.class, "gate", client, new JsonCodec());
    }

    @AfterEach
    void tearDown() {
        gate.release.countDown();
        client.close();
        selector.close();
        server.stop();
        transport.close();
        registry.close();
    }

    @Test
    void aWaitingCallerIsWokenByTheEventLoopAndRunsTheDependents() throws Exception {
        for (boolean timed : new boolean[]{false, true}) {
            gate.release = new CountDownLatch(1);
            AtomicReference<String> ranOn = new AtomicReference<>();
            CompletableFuture<Reply> dependent = api.helloAsync(new Hello("John")).thenApply(r -> {
                ranOn.set(Thread.currentThread().getName());
                return r;
            });
            AtomicReference<Object> answered = new AtomicReference<>();
            Thread caller = new Thread(() -> {
                try {
                    answered.set(timed ? dependent.get(5, TimeUnit.SECONDS) : dependent.join());
                } catch (Exception e) {
                    answered.set(e);
                }
            }, "test-caller-" + timed);
            caller.start();
            await().atMost(Duration.ofSeconds(5)).until(() -> LockSupport.getBlocker(caller) != null
                    && LockSupport.getBlocker(caller).getClass().getName().startsWith("java.util.concurrent.Completable"));
            gate.release.countDown();
            caller.join(5_000);
            assertThat(answered.get()).isEqualTo(new Reply("Hello John"));
            // before: a callback thread ran it (one more wake-up), the caller then woken by that thread
            assertThat(ranOn.get()).isEqualTo("test-caller-" + timed);
        }
    }

    @Test
    void withNoOneWaitingTheDependentsRunOnACallbackThreadNeverAnEventLoop() {
        AtomicReference<String> ranOn = new AtomicReference<>();
        CompletableFuture<Reply> call = api.helloAsync(new Hello("John"));
        CompletableFuture<String> own = call.thenApply(r -> Thread.currentThread().getName());
        CompletableFuture<Void> all = CompletableFuture.allOf(call)
                .thenRun(() -> ranOn.set(Thread.currentThread().getName()));
        gate.release.countDown();
        await().atMost(Duration.ofSeconds(5)).until(() -> own.isDone() && all.isDone());
        assertThat(List.of(own.join(), ranOn.get())).allSatisfy(thread -> assertThat(thread)
                .startsWith("microcdi-callback").doesNotStartWith("microcdi-io"));
    }
}
