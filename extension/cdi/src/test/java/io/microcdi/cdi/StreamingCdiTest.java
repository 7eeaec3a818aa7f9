package io.microcdi.cdi;

import io.microcdi.cdi.stream.AuditAccess;
import io.microcdi.cdi.stream.AuditInterceptor;
import io.microcdi.cdi.stream.BadStreamService;
import io.microcdi.cdi.stream.Ticker;
import io.microcdi.cdi.stream.TickerApi;
import io.microcdi.cdi.stream.TickerCaller;
import io.microcdi.stream.Streams;
import jakarta.enterprise.inject.se.SeContainer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Streaming endpoints of a {@code @Service} bean and a {@code @MicroClient} interface with {@code Flow.Publisher}
 * methods, on Weld SE over the real HTTP transport: all three kinds, the bean's interceptor around each stream's
 * start, and the start-time check of a method that takes a stream but cannot answer one.
 */
class StreamingCdiTest {

    private SeContainer container;

    @AfterEach
    void close() {
        if (container != null && container.isRunning()) {
            container.close();
        }
        System.clearProperty("micro.registry");
    }

    @Test
    void allThreeKindsThroughAnInjectedClient() throws Exception {
        container = MicroCdiTest.boot(Map.of("micro.registry", "memory"), Ticker.class, TickerCaller.class,
                AuditInterceptor.class);
        TickerApi ticker = container.select(TickerCaller.class).get().ticker();
        AuditAccess.clear();

        assertThat(Streams.toList(ticker.ticks(new Ticker.Count(3))).get(10, TimeUnit.SECONDS))
                .extracting(Ticker.Tick::text).containsExactly("tick 0", "tick 1", "tick 2");
        assertThat(Streams.toList(ticker.echo(Streams.of(new Ticker.Tick("a"), new Ticker.Tick("b"))))
                .get(10, TimeUnit.SECONDS)).extracting(Ticker.Tick::text).containsExactly("echo a", "echo b");
        assertThat(ticker.total(Streams.of(new Ticker.Count(2), new Ticker.Count(5))).toCompletableFuture()
                .get(10, TimeUnit.SECONDS).text()).isEqualTo("total 7");

        // the interceptor ran once per stream, in the stream's call context
        assertThat(AuditAccess.seen()).containsExactly("Ticker.Ticks", "Ticker.Echo", "Ticker.Total");
    }

    @Test
    void aMethodTakingAStreamMustAnswerLater() {
        assertThatThrownBy(() -> container = MicroCdiTest.boot(Map.of("micro.registry", "memory"),
                BadStreamService.class))
                .hasStackTraceContaining("MICRO-0105")
                .hasStackTraceContaining("BadStreamService#sum");
    }
}
