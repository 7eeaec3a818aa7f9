package io.microcdi.tool;

import io.microcdi.client.CallOptions;
import io.microcdi.client.Client;
import io.microcdi.client.Request;
import io.microcdi.client.Response;
import io.microcdi.errors.MicroException;
import io.microcdi.metadata.Metadata;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;

import static org.assertj.core.api.Assertions.assertThat;

/** The closed loop against a client that answers at once: counting, failures, the call limit, a hung service. */
class ClosedLoopTest {

    private static final Request REQUEST = new Request("svc", "Svc.Call", "application/json",
            "{}".getBytes(StandardCharsets.UTF_8), Metadata.empty());

    private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
    private final PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);

    /** A client whose n-th call (from 0) completes as {@code answer} says, on the calling thread. */
    private static final class FakeClient implements Client {
        final AtomicLong calls = new AtomicLong();
        final Set<String> threads = ConcurrentHashMap.newKeySet();
        private final LongFunction<CompletableFuture<Response>> answer;

        FakeClient(LongFunction<CompletableFuture<Response>> answer) {
            this.answer = answer;
        }

        @Override
        public String name() {
            return "fake";
        }

        @Override
        public CompletableFuture<Response> call(Request request, CallOptions options) {
            threads.add(Thread.currentThread().getName());
            return answer.apply(calls.getAndIncrement());
        }

        @Override
        public CallOptions defaultOptions() {
            return CallOptions.defaults();
        }

        @Override
        public CallOptions defaultOptions(String service) {
            return CallOptions.defaults();
        }

        /** The load tool never wraps the client it is given. */
        @Override
        public Client wrap(java.util.List<io.microcdi.client.CallWrapper> wrappers) {
            if (!wrappers.isEmpty()) {
                throw new UnsupportedOperationException("a fake client: these tests wrap nothing");
            }
            return this;
        }

        @Override
        public void close() {
        }
    }

    private static CompletableFuture<Response> ok() {
        return CompletableFuture.completedFuture(new Response(Metadata.empty(), new byte[0]));
    }

    private LoadReport run(Client client, String... args) throws InterruptedException {
        String[] all = new String[args.length + 4];
        all[0] = "--service";
        all[1] = "svc";
        all[2] = "--endpoint";
        all[3] = "Svc.Call";
        System.arraycopy(args, 0, all, 4, args.length);
        return new ClosedLoop(client, REQUEST, CallOptions.defaults(), LoadOptions.parse(all), err).run();
    }

    @Test
    void stopsAfterTheCallLimitAndCountsEveryCall() throws Exception {
        FakeClient client = new FakeClient(n -> ok());

        LoadReport r = run(client, "--concurrency", "4", "--calls", "10000", "--duration", "1h", "--quiet");

        assertThat(r.calls()).isEqualTo(10_000);
        assertThat(client.calls.get()).isEqualTo(10_000);
        assertThat(r.failures()).isZero();
        assertThat(r.latencies().count()).isEqualTo(10_000);
        assertThat(r.nanos()).isPositive();
        assertThat(r.rps()).isPositive();
        assertThat(r.abandoned()).isZero();
        assertThat(client.threads).allMatch(t -> t.matches("load-[1-4]"));
        assertThat(errBytes.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    @Test
    void failuresAreCountedByCodeAndTheFirstDistinctOnesShown() throws Exception {
        FakeClient client = new FakeClient(n -> switch ((int) (n % 4)) {
            case 0 -> CompletableFuture.failedFuture(new MicroException("go.micro.client", 503,
                    "service svc: not found", "Service Unavailable"));
            case 1 -> CompletableFuture.failedFuture(MicroException.timeout("go.micro.client", "took too long"));
            case 2 -> throw new IllegalStateException("client closed");
            default -> ok();
        });

        LoadReport r = run(client, "--concurrency", "2", "--calls", "400", "--quiet");

        assertThat(r.calls()).isEqualTo(400);
        assertThat(r.failures()).isEqualTo(300);
        assertThat(r.failureKinds()).containsOnly(
                java.util.Map.entry("503", 100L), java.util.Map.entry("408", 100L),
                java.util.Map.entry("IllegalStateException", 100L));
        assertThat(errBytes.toString(StandardCharsets.UTF_8).lines().toList()).containsExactlyInAnyOrder(
                "failure: 503 Service Unavailable [go.micro.client]: service svc: not found",
                "failure: 408 Request Timeout [go.micro.client]: took too long",
                "failure: java.lang.IllegalStateException: client closed");
    }

    @Test
    void aHungServiceDoesNotHoldTheRunPastItsEnd() throws Exception {
        FakeClient client = new FakeClient(n -> new CompletableFuture<>()); // never answers

        long t0 = System.nanoTime();
        LoadReport r = run(client, "--concurrency", "3", "--duration", "100ms", "--quiet");

        assertThat(System.nanoTime() - t0).isLessThan(2_000_000_000L);
        assertThat(r.calls()).isZero();
        assertThat(r.abandoned()).isEqualTo(3);
        assertThat(r.summaryLine()).isEqualTo("calls=0 failures=0 rps=0 p50_ms=0.000 p99_ms=0.000");
    }

    @Test
    void theLoadThreadsAreGoneWhenTheRunReturns() throws Exception {
        run(new FakeClient(n -> ok()), "--concurrency", "8", "--calls", "100", "--quiet");

        assertThat(Thread.getAllStackTraces().keySet())
                .noneMatch(t -> t.getName().startsWith("load-") && t.isAlive());
    }

    @Test
    void failureMessagesAreTheMicroErrorOrTheException() {
        MicroException e = MicroException.notFound("greeter", "no such endpoint");
        assertThat(ClosedLoop.message(new java.util.concurrent.CompletionException(e)))
                .isEqualTo("404 Not Found [greeter]: no such endpoint");
        assertThat(ClosedLoop.kind(new java.util.concurrent.ExecutionException(e))).isEqualTo("404");
        assertThat(ClosedLoop.kind(new java.io.IOException("reset"))).isEqualTo("IOException");
    }
}
