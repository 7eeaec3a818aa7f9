package io.microcdi.cdi;

import io.microcdi.cdi.context.app.AttemptCounter;
import io.microcdi.cdi.context.app.Callers;
import io.microcdi.cdi.context.app.ClientSideInterceptor;
import io.microcdi.cdi.context.app.Downstream;
import io.microcdi.cdi.context.app.FaultInterceptor;
import io.microcdi.cdi.context.app.FirstInterceptor;
import io.microcdi.cdi.context.app.Flaky;
import io.microcdi.cdi.context.app.GateInterceptor;
import io.microcdi.cdi.context.app.Inspector;
import io.microcdi.cdi.context.app.Listener;
import io.microcdi.cdi.context.app.Msg;
import io.microcdi.cdi.context.app.SecondInterceptor;
import io.microcdi.cdi.context.app.TenantHeader;
import io.microcdi.cdi.context.app.ThirdInterceptor;
import io.microcdi.cdi.context.app.View;
import io.microcdi.context.CallContext;
import io.microcdi.context.CallContexts;
import io.microcdi.errors.MicroException;
import io.microcdi.metadata.Metadata;
import jakarta.enterprise.inject.se.SeContainer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Wrappers and the call context on Weld SE over the real HTTP transport: handler and subscriber interceptors (order,
 * short-circuit, failure), client interceptors and call wrappers, and the context each call sees and passes on, under
 * concurrency.
 */
class CallContextCdiTest {

    private static final int CONCURRENCY = 32;

    private SeContainer container;
    private Callers callers;

    @BeforeEach
    void boot() {
        boot(Map.of());
    }

    private void boot(Map<String, String> extra) {
        if (container != null && container.isRunning()) {
            container.close();
        }
        ClientSideInterceptor.CALLS.clear();
        Map<String, String> config = new HashMap<>(Map.of("micro.registry", "memory", "micro.broker", "memory"));
        config.putAll(extra);
        // the interceptors listed last-first: @Priority, not registration, orders them
        container = MicroCdiTest.boot(config, ThirdInterceptor.class, SecondInterceptor.class, FirstInterceptor.class,
                GateInterceptor.class, FaultInterceptor.class, ClientSideInterceptor.class, Inspector.class,
                Downstream.class, Flaky.class, Listener.class, Callers.class, TenantHeader.class,
                AttemptCounter.class);
        callers = container.select(Callers.class).get();
    }

    @AfterEach
    void close() {
        if (container != null && container.isRunning()) {
            container.close();
        }
        for (String key : List.of("micro.registry", "micro.broker", "micro.server.handler-threads",
                "micro.server.virtual-threads")) {
            System.clearProperty(key);
        }
    }

    /** Runs {@code body} as if handling a call of service {@code tester} with {@code metadata} and a 2 s deadline. */
    private static <T> T inCall(Metadata metadata, Callable<T> body) throws Exception {
        CallContext previous = CallContexts.attach(CallContexts.call("tester", "Tester.Run", "", "",
                System.nanoTime() + TimeUnit.SECONDS.toNanos(2), metadata));
        try {
            return body.call();
        } finally {
            CallContexts.restore(previous);
        }
    }

    @Test
    void aHandlerSeesItsCallAndItsInterceptorsRunByPriority() throws Exception {
        View v = inCall(Metadata.of("X-Id", "7"), () -> callers.inspector.inspect(new Msg("a")));

        assertThat(v.kind()).isEqualTo("CALL");
        assertThat(v.service()).isEqualTo("inspector");
        assertThat(v.endpoint()).isEqualTo("Inspector.Inspect");
        assertThat(v.caller()).isEqualTo("tester");
        assertThat(v.remote()).startsWith("127.0.0.1:");
        assertThat(v.deadlineLeftMillis()).isBetween(1L, 2_000L);
        assertThat(v.md("x-id")).isEqualTo("7");                // keys are case-insensitive
        assertThat(v.md("X-Tenant")).isEqualTo("acme");         // the wrapper InspectorApi names
        assertThat(v.md("X-Order")).isEqualTo("first,second,third");
        // the protocol's own headers are not metadata
        assertThat(v.metadata().keySet()).noneMatch(k -> k.toLowerCase().startsWith("micro-")
                || k.equalsIgnoreCase("Content-Type") || k.equalsIgnoreCase("Timeout"));
    }

    @Test
    void anInterceptorShortCircuitsWithAnError() throws Exception {
        int before = container.select(Inspector.class).get().invocations();

        assertThatThrownBy(() -> inCall(Metadata.of("X-Gate", "closed"), () -> callers.inspector.inspect(new Msg("a"))))
                .isInstanceOfSatisfying(MicroException.class, e -> {
                    assertThat(e.code()).isEqualTo(403);
                    assertThat(e.id()).isEqualTo("inspector");
                    assertThat(e.detail()).isEqualTo("gate closed for Inspector.Inspect");
                });

        assertThat(container.select(Inspector.class).get().invocations()).isEqualTo(before);
        assertThat(callers.inspector.inspect(new Msg("b")).text()).isEqualTo("b");
    }

    @Test
    void anInterceptorThatThrowsIsA500AndTheServerKeepsServing() throws Exception {
        assertThatThrownBy(() -> inCall(Metadata.of("X-Fault", "x"), () -> callers.inspector.inspect(new Msg("a"))))
                .isInstanceOfSatisfying(MicroException.class, e -> {
                    assertThat(e.code()).isEqualTo(500);
                    assertThat(e.id()).isEqualTo("inspector");
                    assertThat(e.detail()).isEqualTo("interceptor failed: x");
                });

        assertThat(callers.inspector.inspect(new Msg("b")).text()).isEqualTo("b");
    }

    @Test
    void metadataCallerAndDeadlineTravelDownstream() throws Exception {
        View seen = inCall(Metadata.of("X-Id", "9"), () -> callers.inspector.forward(new Msg("f")));

        assertThat(seen.service()).isEqualTo("downstream");
        assertThat(seen.caller()).isEqualTo("inspector");
        assertThat(seen.md("X-Id")).isEqualTo("9");
        // what inspector's interceptors set is carried on too
        assertThat(seen.md("X-Order")).isEqualTo("first,second,third");
        assertThat(seen.deadlineLeftMillis()).isBetween(1L, 2_000L);
    }

    @Test
    void theNextCallOnAHandlerThreadSeesOnlyItsOwnCall() throws Exception {
        // one handler thread: both calls run on it (leaks onto reused threads: the test below)
        boot(Map.of("micro.server.handler-threads", "1", "micro.server.virtual-threads", "false"));
        inCall(Metadata.of("X-Id", "1"), () -> callers.inspector.inspect(new Msg("a")));

        View next = callers.plain.inspect(new Msg("b")); // no context, no wrapper, no client interceptor

        assertThat(next.md("X-Id")).isNull();
        assertThat(next.md("X-Tenant")).isNull();
        assertThat(next.caller()).isEmpty();
        assertThat(next.deadlineLeftMillis()).isBetween(1L, 5_000L); // the client's own default timeout
        assertThat(CallContext.current().active()).isFalse();
    }

    @Test
    void continuationsOutsideAnyCallSeeNoneOnThreadsThatRanOnesInsideCalls() throws Exception {
        // continuations in a context first, then (on the same, reused callback threads) continuations of calls made
        // outside any call: these must see no context
        concurrently(i -> callers.plain.inspectAsync(new Msg(i))
                .thenApply(v -> CallContext.current().metadata().get("X-Id")).toCompletableFuture().get());
        List<CompletableFuture<Boolean>> outside = new ArrayList<>();
        for (int i = 0; i < CONCURRENCY * 4; i++) {
            outside.add(callers.plain.inspectAsync(new Msg("o" + i))
                    .thenApply(v -> CallContext.current().active()).toCompletableFuture());
        }
        for (CompletableFuture<Boolean> f : outside) {
            assertThat(f.get(10, TimeUnit.SECONDS)).isFalse();
        }
    }

    @Test
    void asyncHandlersSeeTheirOwnCallUnderConcurrency() throws Exception {
        List<String> relayed = concurrently(i -> callers.inspector.relay(new Msg(i)).text());
        List<String> later = concurrently(i -> callers.inspector.later(new Msg(i)).md("X-Id"));
        // the caller's own async continuation runs in the caller's context
        List<String> continued = concurrently(i -> callers.inspector.relayAsync(new Msg(i))
                .thenApply(v -> CallContext.current().metadata().get("X-Id") + "/" + v.text())
                .toCompletableFuture().get(5, TimeUnit.SECONDS));

        for (int i = 0; i < CONCURRENCY * 4; i++) {
            String id = Integer.toString(i);
            assertThat(relayed.get(i)).isEqualTo(id + "|" + id);
            assertThat(later.get(i)).isEqualTo(id);
            assertThat(continued.get(i)).isEqualTo(id + "/" + id + "|" + id);
        }
    }

    @Test
    void subscribersSeeTheirMessageUnderConcurrency() throws Exception {
        concurrently(i -> callers.inspector.publish(new Msg(i)).text());

        Map<String, View> seen = container.select(Listener.class).get().seen();
        await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() == CONCURRENCY * 4);
        seen.forEach((text, v) -> {
            assertThat(v.kind()).isEqualTo("MESSAGE");
            assertThat(v.topic()).isEqualTo("ctx-events");
            assertThat(v.endpoint()).isEqualTo("Listener.onEvent");
            assertThat(v.caller()).isEqualTo("inspector");
            assertThat(v.md("X-Id")).isEqualTo(text);
            // inspector's interceptors, then the subscriber's own
            assertThat(v.md("X-Order")).isEqualTo("first,second,third,first,second,third");
        });
    }

    @Test
    void aCallWrapperSeesEveryAttemptAndAClientInterceptorEveryCall() {
        AttemptCounter counter = container.select(AttemptCounter.class).get();

        assertThat(callers.flaky.once(new Msg("x")).text()).isEqualTo("ok x"); // 503 go.micro.server, then retried

        assertThat(counter.attempts()).filteredOn(a -> a.startsWith("Flaky.Once@")).hasSize(2);

        callers.inspector.inspect(new Msg("y"));
        assertThat(ClientSideInterceptor.CALLS).containsExactly("inspect");
        assertThat(counter.order()).containsOnly("outer-first");
    }

    @Test
    void aWrapperNamedByOneClientAppliesOnlyToIt() {
        assertThat(callers.inspector.inspect(new Msg("a")).md("X-Tenant")).isEqualTo("acme");
        assertThat(callers.plain.inspect(new Msg("a")).md("X-Tenant")).isNull();
        assertThat(callers.flaky.once(new Msg("z1"))).isNotNull();
        assertThat(container.select(AttemptCounter.class).get().attempts())
                .anyMatch(a -> a.startsWith("Inspector.Inspect@")); // the global one applies to all three
    }

    @Test
    void aWrapNamingNoBeanFailsTheStart() {
        container.close();
        // InspectorApi names TenantHeader in @Wrap, which is no bean here
        assertThatThrownBy(() -> container = MicroCdiTest.boot(Map.of("micro.registry", "memory", "micro.broker",
                "memory"), Inspector.class, Downstream.class, Listener.class, Callers.class, Flaky.class))
                .hasStackTraceContaining("MICRO-0204: @Wrap(" + TenantHeader.class.getName() + ".class)");
    }

    @Test
    void aClientInterceptorMayChangeTheArguments() {
        assertThat(callers.inspector.inspect(new Msg("rewrite")).text()).isEqualTo("rewritten");
    }

    /** {@code CONCURRENCY} threads, each running {@code call} 4 times in its own call context, results by index. */
    private static List<String> concurrently(ThrowingFunction call) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(CONCURRENCY);
        try {
            List<Future<String>> futures = new ArrayList<>();
            for (int i = 0; i < CONCURRENCY * 4; i++) {
                String id = Integer.toString(i);
                futures.add(pool.submit(() -> inCall(Metadata.of("X-Id", id), () -> call.apply(id))));
            }
            List<String> results = new ArrayList<>();
            for (Future<String> f : futures) {
                results.add(f.get(30, TimeUnit.SECONDS));
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    @FunctionalInterface
    private interface ThrowingFunction {
        String apply(String id) throws Exception;
    }
}
