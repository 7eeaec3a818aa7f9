package io.microcdi.wrappers;

import io.microcdi.errors.MicroException;
import io.microcdi.wrappers.app.Broken;
import io.microcdi.wrappers.app.Callers;
import io.microcdi.wrappers.app.Greeter;
import io.microcdi.wrappers.app.OrderAudit;
import io.microcdi.wrappers.app.Recorder;
import io.microcdi.wrappers.app.Shop;
import io.microcdi.wrappers.app.Words;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

/** {@link MeasuringInterceptor} feeding {@link CallStats} and other listeners, over HTTP on loopback. */
class MetricsCdiTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final WeldBoot weld = new WeldBoot();

    @AfterEach
    void close() {
        weld.close();
    }

    @Test
    void servedCallsAreCountedByNameWithTheirCodes() throws Exception {
        weld.start(Map.of(), Greeter.class, Callers.class, MeasuringInterceptor.class, CallStats.class,
                Recorder.class, Broken.class);
        var greeter = weld.bean(Callers.class).greeter();

        greeter.hello(new Words("a"));
        greeter.hello(new Words("b"));
        assertThatThrownBy(() -> greeter.reject(new Words("c"))).isInstanceOf(MicroException.class);
        assertThatThrownBy(() -> greeter.crash(new Words("d"))).isInstanceOf(MicroException.class);
        greeter.laterAsync(new Words("e")).toCompletableFuture().get();

        // a listener that throws (Broken) changes nothing
        await().atMost(WAIT).untilAsserted(() -> assertThat(weld.bean(Recorder.class).timings())
                .extracting(CallTiming::kind, CallTiming::name, CallTiming::code)
                .containsExactlyInAnyOrder(
                        tuple("call", "greeter Greeter.Hello", 0),
                        tuple("call", "greeter Greeter.Hello", 0),
                        tuple("call", "greeter Greeter.Reject", 403),
                        tuple("call", "greeter Greeter.Crash", 500),
                        tuple("call", "greeter Greeter.Later", 0)));
        await().atMost(WAIT).until(() -> weld.bean(CallStats.class).snapshot().values().stream()
                .mapToLong(CallStats.Stat::count).sum() == 5);
        Map<String, CallStats.Stat> stats = weld.bean(CallStats.class).snapshot();
        assertThat(stats).containsOnlyKeys("greeter Greeter.Hello", "greeter Greeter.Reject", "greeter Greeter.Crash",
                "greeter Greeter.Later");
        CallStats.Stat hello = stats.get("greeter Greeter.Hello");
        assertThat(hello.count()).isEqualTo(2);
        assertThat(hello.failures()).isZero();
        assertThat(hello.maxNanos()).isPositive().isLessThanOrEqualTo(hello.totalNanos());
        assertThat(hello.meanNanos()).isPositive();
        assertThat(stats.get("greeter Greeter.Reject")).extracting(CallStats.Stat::count, CallStats.Stat::failures)
                .containsExactly(1L, 1L);
        assertThat(stats.get("greeter Greeter.Crash").failures()).isEqualTo(1);
        assertThatThrownBy(() -> stats.put("x", hello)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void clientCallsAreMeasuredUnderTheirInterfaceMethod() throws Exception {
        weld.start(Map.of(), Greeter.class, Callers.class, MeasuringInterceptor.class, Recorder.class);
        var greeter = weld.bean(Callers.class).loggedGreeter();

        greeter.hello(new Words("a"));
        assertThatThrownBy(() -> greeter.reject(new Words("b"))).isInstanceOf(MicroException.class);
        greeter.laterAsync(new Words("c")).toCompletableFuture().get();

        await().atMost(WAIT).untilAsserted(() -> assertThat(weld.bean(Recorder.class).timings())
                .filteredOn(t -> t.kind().equals("client"))
                .extracting(CallTiming::name, CallTiming::code)
                .containsExactlyInAnyOrder(tuple("LoggedGreeterApi.hello", 0), tuple("LoggedGreeterApi.reject", 403),
                        tuple("LoggedGreeterApi.laterAsync", 0)));
    }

    @Test
    void messagesAreMeasuredUnderTopicAndSubscriber() {
        weld.start(Map.of("micro.broker.retries", "0"), OrderAudit.class, Shop.class, MeasuringInterceptor.class,
                CallStats.class);

        weld.bean(Shop.class).orders().publish(new Words("fine"));
        assertThatThrownBy(() -> weld.bean(Shop.class).orders().publish(new Words("bad")))
                .isInstanceOf(MicroException.class);

        await().atMost(WAIT).untilAsserted(() -> assertThat(weld.bean(CallStats.class).snapshot())
                .containsOnlyKeys("orders OrderAudit.onOrder")
                .extractingByKey("orders OrderAudit.onOrder")
                .extracting(CallStats.Stat::count, CallStats.Stat::failures).containsExactly(2L, 1L));
    }
}
