package io.microcdi.internal.client;

import io.microcdi.annotation.Endpoint;
import io.microcdi.client.rpc.RpcClient;
import io.microcdi.client.rpc.RpcClientConfig;
import io.microcdi.codec.json.JsonCodec;
import io.microcdi.context.CallContext;
import io.microcdi.context.CallContexts;
import io.microcdi.errors.MicroException;
import io.microcdi.internal.config.DefaultMicroConfig;
import io.microcdi.internal.exec.IoThreads;
import io.microcdi.metadata.Metadata;
import io.microcdi.registry.Node;
import io.microcdi.registry.Service;
import io.microcdi.registry.memory.MemoryRegistry;
import io.microcdi.selector.cache.CachingSelector;
import io.microcdi.transport.Listener;
import io.microcdi.transport.Message;
import io.microcdi.transport.memory.MemoryTransport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Which thread completes an async typed call's future and runs what depends on it: the answer's thread when it may
 * run a caller's code, a thread waiting for the answer, else a callback thread; never a thread that must not block.
 * Over the memory transport, with the answer sent from a thread of the test's choosing.
 */
class CallerFutureTest {

    public record Hello(String name) {
    }

    public record Reply(String greeting) {
    }

    @Endpoint("Greeter")
    public interface GreeterApi {
        CompletionStage<Reply> helloAsync(Hello h);

        CompletableFuture<Reply> helloFuture(Hello h);
    }

    /** A thread like an event loop: {@link IoThreads#current()} is true on it. */
    private static final class Loop extends Thread implements IoThreads.NonBlocking {
        Loop(Runnable r) {
            super(r, "test-loop");
        }
    }

    private static final Message REPLY = new Message(Metadata.of("Content-Type", "application/json"),
            "{\"greeting\":\"Hello John\"}".getBytes(StandardCharsets.UTF_8));

    private final MemoryRegistry registry = new MemoryRegistry();
    private final MemoryTransport transport = new MemoryTransport();
    /** Opens the answer of the call in flight; a test round may put a new one. */
    private volatile CountDownLatch release = new CountDownLatch(1);
    private ExecutorService replier;
    private Listener listener;
    private RpcClient client;
    private CachingSelector selector;

    /** A client of a listener that answers from {@code replier} once {@link #release} opens. */
    private GreeterApi api(ExecutorService replier) {
        this.replier = replier;
        listener = transport.listen("memory:0", ex -> replier.execute(() -> {
            try {
                this.release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ex.reply(REPLY);
        }));
        registry.register(new Service("greeter", "1", Map.of(), List.of(),
                List.of(new Node("greeter-1", listener.address(), Map.of()))), Duration.ZERO);
        selector = CachingSelector.of("random", registry);
        client = new RpcClient(RpcClientConfig.from(DefaultMicroConfig.of(Map.of())), selector, transport);
        return ClientProxies.create(GreeterApi.class, "greeter", client, new JsonCodec());
    }

    @AfterEach
    void tearDown() {
        release.countDown();
        if (client != null) {
            client.close();
            selector.close();
        }
        if (listener != null) {
            listener.close();
        }
        if (replier != null) {
            replier.shutdownNow();
        }
        registry.close();
        transport.close();
    }

    @Test
    void anAnswerOnAThreadThatMayBlockCompletesThereWithoutAHop() throws Exception {
        GreeterApi api = api(Executors.newSingleThreadExecutor(r -> new Thread(r, "test-replier")));
        AtomicReference<String> ranOn = new AtomicReference<>();
        CompletableFuture<Reply> f = api.helloAsync(new Hello("John")).thenApply(r -> {
            ranOn.set(Thread.currentThread().getName());
            return r;
        }).toCompletableFuture();
        release.countDown();
        // no one waits (a waiter would settle it itself): the replier completes it and runs the dependent
        await().atMost(Duration.ofSeconds(5)).until(f::isDone);
        assertThat(f.join().greeting()).isEqualTo("Hello John");
        assertThat(ranOn.get()).isEqualTo("test-replier");
    }

    @Test
    void anAnswerOnAnIoThreadWithNoOneWaitingHopsToACallbackThread() throws Exception {
        GreeterApi api = api(Executors.newSingleThreadExecutor(Loop::new));
        AtomicReference<String> ranOn = new AtomicReference<>();
        CompletionStage<Reply> call = api.helloAsync(new Hello("John"));
        // attached three ways: a stage of its own, allOf (which attaches no stage of ours), the other side of a combine
        CompletableFuture<Void> all = CompletableFuture.allOf(call.toCompletableFuture())
                .thenRun(() -> ranOn.compareAndSet(null, Thread.currentThread().getName()));
        CompletableFuture<String> combined = CompletableFuture.completedFuture("x").thenCombine(call, (x, r) -> Thread.currentThread().getName());
        CompletableFuture<String> own = call.thenApply(r -> Thread.currentThread().getName()).toCompletableFuture();
        release.countDown();
        await().atMost(Duration.ofSeconds(5)).until(() -> all.isDone() && combined.isDone() && own.isDone());
        assertThat(List.of(ranOn.get(), combined.join(), own.join())).allSatisfy(thread ->
                assertThat(thread).startsWith("microcdi-callback"));
    }

    @Test
    void aCallerWaitingIsWokenByTheIoThreadAndRunsTheDependentsItself() throws Exception {
        GreeterApi api = api(Executors.newSingleThreadExecutor(Loop::new));
        for (boolean timed : new boolean[]{false, true}) {
            release = new CountDownLatch(1);
            AtomicReference<String> ranOn = new AtomicReference<>();
            CompletableFuture<Reply> call = api.helloFuture(new Hello("John"));
            CompletableFuture<Reply> dependent = call.thenApply(r -> {
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
            // parked on the answer: the I/O thread finds a waiter and leaves the rest to it
            await().atMost(Duration.ofSeconds(5)).until(() -> LockSupport.getBlocker(caller) != null
                    && LockSupport.getBlocker(caller).getClass().getName().startsWith("java.util.concurrent.Completable"));
            release.countDown();
            caller.join(5_000);
            assertThat(answered.get()).isEqualTo(new Reply("Hello John"));
            assertThat(ranOn.get()).isEqualTo("test-caller-" + timed);
        }
    }

    @Test
    void aWaiterThatGivesUpLeavesTheAnswerToBeDelivered() throws Exception {
        GreeterApi api = api(Executors.newSingleThreadExecutor(Loop::new));
        CompletableFuture<Reply> call = api.helloFuture(new Hello("John"));
        assertThatThrownBy(() -> call.get(20, TimeUnit.MILLISECONDS)).isInstanceOf(TimeoutException.class);
        release.countDown();
        await().atMost(Duration.ofSeconds(5)).until(call::isDone);
        assertThat(call.join().greeting()).isEqualTo("Hello John");
    }

    @Test
    void dependentsRunInTheContextOfTheCallThatMadeIt() throws Exception {
        for (boolean io : new boolean[]{false, true}) {
            setUpAgain();
            GreeterApi api = api(Executors.newSingleThreadExecutor(io ? Loop::new : r -> new Thread(r, "test-replier")));
            CallContext handling = CallContexts.call("front", "Front.Get", "", "127.0.0.1", 0, Metadata.empty());
            CallContext previous = CallContexts.attach(handling);
            CompletableFuture<CallContext> seen;
            try {
                seen = api.helloAsync(new Hello("John")).thenApply(r -> CallContexts.current()).toCompletableFuture();
            } finally {
                CallContexts.restore(previous);
            }
            release.countDown();
            assertThat(seen.get(5, TimeUnit.SECONDS)).as("replier is an I/O thread: %s", io).isSameAs(handling);
        }
    }

    @Test
    void aFailureReachesDependentsAsBefore() throws Exception {
        GreeterApi api = api(Executors.newSingleThreadExecutor(Loop::new));
        listener.close(); // the node is gone: the call fails with a 500 after its retries
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicReference<String> ranOn = new AtomicReference<>();
        api.helloAsync(new Hello("John")).exceptionally(e -> {
            failure.set(e);
            ranOn.set(Thread.currentThread().getName());
            return null;
        }).toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertThat(failure.get()).isInstanceOf(CompletionException.class).hasCauseInstanceOf(MicroException.class);
        assertThat(ranOn.get()).doesNotStartWith("microcdi-timer").isNotEqualTo("test-loop");
    }

    /** Between rounds of a test: the previous round's parts closed, a new latch. */
    private void setUpAgain() {
        release.countDown();
        release = new CountDownLatch(1);
        if (listener != null) {
            client.close();
            selector.close();
            listener.close();
            replier.shutdownNow();
            registry.deregister(registry.getService("greeter").get(0));
            listener = null;
            client = null;
        }
    }
}
