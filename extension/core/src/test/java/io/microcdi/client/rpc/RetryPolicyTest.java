package io.microcdi.client.rpc;

import io.microcdi.client.Request;
import io.microcdi.client.RetryPolicy;
import io.microcdi.errors.MicroException;
import io.microcdi.registry.memory.MemoryRegistry;
import io.microcdi.selector.cache.CachingSelector;
import io.microcdi.transport.TransportException;
import io.microcdi.transport.TransportTimeoutException;
import io.microcdi.transport.memory.MemoryTransport;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.LongSummaryStatistics;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * When a failed attempt is tried again: {@link RetryPolicy#defaults()} retries connection failures, timeouts before
 * the request was written and the framework's own 408/500/503, never an application's error; and how long
 * {@link RpcClient} waits before a retry: full jitter in [0, min(max, base * 2^(retry-1))].
 */
class RetryPolicyTest {

    private static final Request REQUEST = new Request("greeter", "Greeter.Hello", "application/json", new byte[0],
            null);

    private static boolean retried(Throwable error) {
        return RetryPolicy.defaults().retry(REQUEST, 1, error);
    }

    @Test
    void connectionFailuresAreRetriedWhetherOrNotTheRequestWasSent() {
        assertThat(retried(new TransportException("connect: refused", new ConnectException(), false))).isTrue();
        assertThat(retried(new TransportException("connection reset", new IOException(), true))).isTrue();
    }

    @Test
    void timeoutsAreRetriedOnlyBeforeTheRequestWasWritten() {
        assertThat(retried(new TransportTimeoutException("no connection in 1s", false))).isTrue();
        assertThat(retried(new TransportTimeoutException("no answer in 1s", true))).isFalse();
    }

    @Test
    void theFrameworksOwn408And500And503AreRetried() {
        for (String id : new String[] {"go.micro.server", "go.micro.client"}) {
            for (int code : new int[] {408, 500, 503}) {
                assertThat(retried(new MicroException(id, code, "busy", MicroException.statusText(code))))
                        .as("%s %d", id, code).isTrue();
            }
        }
    }

    @Test
    void applicationErrorsAndClientErrorsAreNotRetried() {
        assertThat(retried(new MicroException("greeter", 500, "boom", "Internal Server Error"))).isFalse();
        assertThat(retried(new MicroException("greeter", 503, "closed", "Service Unavailable"))).isFalse();
        assertThat(retried(new MicroException(null, 503, "closed", "Service Unavailable"))).isFalse();
        assertThat(retried(new MicroException("go.micro.server", 400, "bad", "Bad Request"))).isFalse();
        assertThat(retried(new MicroException("go.micro.server", 404, "no such endpoint", "Not Found"))).isFalse();
        assertThat(retried(new MicroException("go.micro.client", 400, "bad", "Bad Request"))).isFalse();
    }

    @Test
    void anApplicationNamedTheGoMicroWayIsNotRetried() {
        assertThat(retried(new MicroException("go.micro.srv.greeter", 500, "boom", "Internal Server Error")))
                .isFalse();
        assertThat(retried(new MicroException("go.micro.api.greeter", 503, "closed", "Service Unavailable")))
                .isFalse();
    }

    @Test
    void otherExceptionsAreNotRetried() {
        assertThat(retried(new ConnectException("refused"))).isFalse(); // unwrapped: the transport wraps these
        assertThat(retried(new TimeoutException())).isFalse();
        assertThat(retried(new IllegalStateException())).isFalse();
        assertThat(retried(new RuntimeException())).isFalse();
    }

    /** A client with back-off {@code base} and {@code max}, over nothing it will ever call. */
    private static <T> T withClient(Duration base, Duration max, Function<RpcClient, T> use) {
        RpcClientConfig config = new RpcClientConfig(Duration.ofSeconds(5), 1, Duration.ZERO, base, max,
                "application/json");
        try (MemoryRegistry registry = new MemoryRegistry();
             CachingSelector selector = CachingSelector.of("random", registry);
             MemoryTransport transport = new MemoryTransport();
             RpcClient client = new RpcClient(config, selector, transport)) {
            return use.apply(client);
        }
    }

    @Test
    void backOffsStayBetweenZeroAndACapThatDoublesUpToTheMax() {
        long[] capsMillis = {10, 20, 40, 80, 160, 320, 640, 1000, 1000};
        withClient(Duration.ofMillis(10), Duration.ofSeconds(1), client -> {
            for (int retry = 1; retry <= capsMillis.length; retry++) {
                int k = retry;
                long cap = Duration.ofMillis(capsMillis[k - 1]).toNanos();
                LongSummaryStatistics stats = LongStream.range(0, 10_000).map(i -> client.backoff(k))
                        .summaryStatistics();

                assertThat(stats.getMin()).as("retry %d", k).isBetween(0L, cap / 50);
                assertThat(stats.getMax()).as("retry %d", k).isBetween(cap - cap / 50, cap);
                // uniform over [0, cap]: the mean of 10,000 draws has a standard error of 0.6% of cap/2; 10% is safe
                assertThat(stats.getAverage()).as("retry %d", k).isBetween(cap * 0.45, cap * 0.55);
            }
            assertThat(LongStream.range(0, 1_000).map(i -> client.backoff(1_000)))
                    .allMatch(b -> b >= 0 && b <= Duration.ofSeconds(1).toNanos());
            return null;
        });
    }

    @Test
    void aCapThatWouldOverflowIsTheMax() {
        Duration max = Duration.ofDays(365);
        withClient(Duration.ofDays(1), max, client -> {
            assertThat(LongStream.range(0, 1_000).map(i -> client.backoff(62)))
                    .allMatch(b -> b >= 0 && b <= max.toNanos());
            return null;
        });
    }
}
