package io.microcdi.server.rpc;

import io.microcdi.annotation.Blocking;
import io.microcdi.annotation.NonBlocking;
import io.microcdi.codec.Codecs;
import io.microcdi.codec.json.JsonCodec;
import io.microcdi.errors.ErrorJson;
import io.microcdi.errors.MicroException;
import io.microcdi.internal.config.DefaultMicroConfig;
import io.microcdi.internal.model.ServiceModel;
import io.microcdi.metadata.Metadata;
import io.microcdi.registry.memory.MemoryRegistry;
import io.microcdi.server.EndpointDefinition;
import io.microcdi.telemetry.Observation;
import io.microcdi.telemetry.Telemetry;
import io.microcdi.transport.Message;
import io.microcdi.transport.memory.MemoryTransport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Endpoints that never block are served on the thread that took the request, without a hop to a handler thread:
 * {@code @NonBlocking} methods (MicroCDI's or SmallRye's), methods returning a {@code CompletionStage} unless
 * {@code @Blocking}; everything else still hops. Over the {@link MemoryTransport}, the thread that takes a request is
 * the caller's own (it plays the I/O thread), so a non-blocking call is answered before {@code send} returns.
 * Errors, deadlines, drain, stats and telemetry behave as for a call that hopped.
 */
class NonBlockingEndpointsTest {

    public record Hello(String name) {
    }

    public record Reply(String greeting) {
    }

    public static class Greeter {
        final Map<String, Thread> ranOn = new ConcurrentHashMap<>();
        volatile CompletableFuture<Reply> pending;

        @NonBlocking
        public Reply now(Hello h) {
            ranOn.put("now", Thread.currentThread());
            return switch (h.name()) {
                case "boom" -> throw new IllegalStateException("boom");
                case "nobody" -> throw MicroException.notFound("greeter", "no one called %s", h.name());
                default -> new Reply("Hello " + h.name());
            };
        }

        public Reply blocking(Hello h) {
            ranOn.put("blocking", Thread.currentThread());
            return new Reply("Hello " + h.name());
        }

        /** Answers when the test completes {@link #pending}, from its own thread. */
        public CompletionStage<Reply> later(Hello h) {
            ranOn.put("later", Thread.currentThread());
            CompletableFuture<Reply> f = new CompletableFuture<>();
            pending = f;
            return f;
        }

        public CompletableFuture<Reply> failed(Hello h) {
            ranOn.put("failed", Thread.currentThread());
            return CompletableFuture.failedFuture(h.name().equals("nobody")
                    ? MicroException.notFound("greeter", "no one called %s", h.name())
                    : new IllegalStateException("went wrong"));
        }

        @Blocking
        public CompletionStage<Reply> blockingStage(Hello h) {
            ranOn.put("blockingStage", Thread.currentThread());
            return CompletableFuture.completedFuture(new Reply("Hello " + h.name()));
        }

        @io.smallrye.common.annotation.NonBlocking
        public Reply smallRye(Hello h) {
            ranOn.put("smallRye", Thread.currentThread());
            return new Reply("Hello " + h.name());
        }
    }

    /** Every endpoint non-blocking but the one that says otherwise. */
    @NonBlocking
    public static class AllNow {
        final Map<String, Thread> ranOn = new ConcurrentHashMap<>();

        public Reply first(Hello h) {
            ranOn.put("first", Thread.currentThread());
            return new Reply("first");
        }

        @Blocking
        public Reply second(Hello h) {
            ranOn.put("second", Thread.currentThread());
            return new Reply("second");
        }
    }

    public static class Confused {
        @Blocking
        @NonBlocking
        public Reply both(Hello h) {
            return new Reply("?");
        }
    }

    /** A stream is served on handler threads whatever it says: saying @NonBlocking of one is a mistake. */
    public static class NonBlockingStream {
        @NonBlocking
        public java.util.concurrent.Flow.Publisher<Reply> updates(Hello h) {
            return subscriber -> { };
        }
    }

    @Blocking
    @io.smallrye.common.annotation.NonBlocking
    public static class ConfusedClass {
        public Reply hello(Hello h) {
            return new Reply("?");
        }
    }

    /** Writes down the end of each server call it observes. */
    static final class Ends implements Telemetry {
        final Queue<String> ended = new ConcurrentLinkedQueue<>();

        @Override
        public boolean enabled() {
            return true;
        }

        @Override
        public Observation serverCall(String protocol, String service, String endpoint, Metadata headers) {
            return (code, error) -> ended.add(endpoint + " " + code);
        }
    }

    private final MemoryRegistry registry = new MemoryRegistry();
    private final MemoryTransport transport = new MemoryTransport();
    private final Greeter greeter = new Greeter();
    private final AllNow allNow = new AllNow();
    private final Ends telemetry = new Ends();
    private RpcServer server;

    @BeforeEach
    void start() {
        server = new RpcServer(RpcServerConfig.from(DefaultMicroConfig.of(Map.of("micro.server.address", "memory:0",
                "micro.server.shutdown-grace", "0s"))), registry, transport, Codecs.of(List.of(new JsonCodec())));
        server.observe(telemetry);
        server.handle(ServiceModel.define(Greeter.class, greeter, "greeter", "1.0.0"));
        server.handle(ServiceModel.define(AllNow.class, allNow, "all-now", "1.0.0"));
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop();
        registry.close();
        transport.close();
    }

    private CompletableFuture<Message> send(String endpoint, String name, String... headers) {
        Metadata.Builder h = Metadata.builder(4).put("Content-Type", "application/json")
                .put("Micro-Endpoint", endpoint);
        for (int i = 0; i < headers.length; i += 2) {
            h.put(headers[i], headers[i + 1]);
        }
        return transport.send(server.address(), new Message(h.build(),
                ("{\"name\":\"" + name + "\"}").getBytes(StandardCharsets.UTF_8)), Duration.ofSeconds(5));
    }

    private static String text(Message m) {
        return new String(m.body(), StandardCharsets.UTF_8);
    }

    private static MicroException error(Message m) {
        assertThat(m.header().get("Micro-Error")).as("Micro-Error header").isNotNull();
        return ErrorJson.parse(m.header().get("Micro-Error"));
    }

    @Test
    void theModelSaysWhichEndpointsNeverBlock() {
        Map<String, Boolean> nonBlocking = new java.util.TreeMap<>();
        for (EndpointDefinition e : ServiceModel.define(Greeter.class, greeter, "greeter", "1").endpoints()) {
            nonBlocking.put(e.name(), e.nonBlocking());
        }
        assertThat(nonBlocking).containsExactlyEntriesOf(new java.util.TreeMap<>(Map.of(
                "Greeter.Blocking", false, "Greeter.BlockingStage", false, "Greeter.Failed", true,
                "Greeter.Later", true, "Greeter.Now", true, "Greeter.SmallRye", true)));
    }

    @Test
    void aNonBlockingEndpointIsAnsweredOnTheThreadThatTookTheRequest() {
        CompletableFuture<Message> answer = send("Greeter.Now", "John");

        assertThat(answer).as("answered before send returned: no hop").isDone();
        assertThat(text(answer.join())).isEqualTo("{\"greeting\":\"Hello John\"}");
        assertThat(greeter.ranOn.get("now")).isSameAs(Thread.currentThread());
        // SmallRye's annotation, read by name, does the same
        assertThat(send("Greeter.SmallRye", "Ann")).isDone();
        assertThat(greeter.ranOn.get("smallRye")).isSameAs(Thread.currentThread());
    }

    @Test
    void blockingEndpointsStillHopToAHandlerThread() {
        assertThat(text(send("Greeter.Blocking", "John").join())).isEqualTo("{\"greeting\":\"Hello John\"}");
        assertThat(greeter.ranOn.get("blocking")).isNotSameAs(Thread.currentThread());

        // a stage returned by a method that says @Blocking
        assertThat(text(send("Greeter.BlockingStage", "John").join())).isEqualTo("{\"greeting\":\"Hello John\"}");
        assertThat(greeter.ranOn.get("blockingStage")).isNotSameAs(Thread.currentThread());
    }

    @Test
    void aClassAnnotationAppliesToEachEndpointThatSaysNothingItself() {
        assertThat(send("AllNow.First", "x")).isDone();
        assertThat(allNow.ranOn.get("first")).isSameAs(Thread.currentThread());

        assertThat(text(send("AllNow.Second", "x").join())).isEqualTo("{\"greeting\":\"second\"}");
        assertThat(allNow.ranOn.get("second")).isNotSameAs(Thread.currentThread());
    }

    @Test
    void aStageCompletedLaterFromAnotherThreadIsAnswered() throws Exception {
        CompletableFuture<Message> answer = send("Greeter.Later", "John");

        assertThat(greeter.ranOn.get("later")).isSameAs(Thread.currentThread());
        assertThat(answer).isNotDone();
        Thread completer = new Thread(() -> greeter.pending.complete(new Reply("Hello later")), "completer");
        completer.start();
        completer.join();
        assertThat(text(answer.get(5, TimeUnit.SECONDS))).isEqualTo("{\"greeting\":\"Hello later\"}");
        assertThat(telemetry.ended).contains("Greeter.Later 0");
    }

    @Test
    void aThrownExceptionIsAStructuredError() {
        Message m = send("Greeter.Now", "boom").join();

        MicroException e = error(m);
        assertThat(e.id()).isEqualTo("greeter");
        assertThat(e.code()).isEqualTo(500);
        assertThat(e.detail()).isEqualTo("boom");
        assertThat(e.status()).isEqualTo("Internal Server Error");
        assertThat(ErrorJson.parse(text(m)).detail()).isEqualTo("boom");

        MicroException notFound = error(send("Greeter.Now", "nobody").join());
        assertThat(notFound.code()).isEqualTo(404);
        assertThat(notFound.detail()).isEqualTo("no one called nobody");
        assertThat(telemetry.ended).contains("Greeter.Now 500", "Greeter.Now 404");
    }

    @Test
    void aFailedStageIsAStructuredError() {
        MicroException e = error(send("Greeter.Failed", "x").join());
        assertThat(e.id()).isEqualTo("greeter");
        assertThat(e.code()).isEqualTo(500);
        assertThat(e.detail()).isEqualTo("went wrong");
        assertThat(greeter.ranOn.get("failed")).isSameAs(Thread.currentThread());

        MicroException notFound = error(send("Greeter.Failed", "nobody").join());
        assertThat(notFound.code()).isEqualTo(404);
        assertThat(notFound.detail()).isEqualTo("no one called nobody");
    }

    @Test
    void aStageCompletedAfterTheDeadlineIsA408() {
        long sent = System.nanoTime();
        CompletableFuture<Message> answer = send("Greeter.Later", "John", "Timeout", String.valueOf(
                TimeUnit.MILLISECONDS.toNanos(50)));
        await().atMost(Duration.ofSeconds(5)).until(() -> System.nanoTime() - sent > TimeUnit.MILLISECONDS.toNanos(60));
        greeter.pending.complete(new Reply("too late"));

        MicroException e = error(answer.join());
        assertThat(e.code()).isEqualTo(408);
        assertThat(e.id()).isEqualTo("greeter");
    }

    @Test
    void statsCountNonBlockingCallsAndTheirErrors() {
        long calls = server.stats().requests();
        long errors = server.stats().errors();

        send("Greeter.Now", "John").join();
        send("Greeter.Now", "boom").join();

        assertThat(server.stats().requests()).isEqualTo(calls + 2);
        assertThat(server.stats().errors()).isEqualTo(errors + 1);
    }

    @Test
    void aStopWaitsForAPendingNonBlockingCall() throws Exception {
        CompletableFuture<Message> answer = send("Greeter.Later", "John");
        CompletableFuture<Void> stopped = CompletableFuture.runAsync(server::stop);

        // once the server refuses new calls it is draining: it must wait for ours
        await().atMost(Duration.ofSeconds(5)).until(() -> send("Greeter.Now", "late").handle((m, t) -> t != null)
                .join());
        assertThat(stopped).isNotDone();
        greeter.pending.complete(new Reply("Hello before the stop"));

        assertThat(text(answer.get(5, TimeUnit.SECONDS))).isEqualTo("{\"greeting\":\"Hello before the stop\"}");
        stopped.get(5, TimeUnit.SECONDS);
    }

    @Test
    void anEndpointThatSaysBothFailsItsDefinition() {
        assertThatThrownBy(() -> ServiceModel.define(Confused.class, new Confused(), "confused", "1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("MICRO-0106: " + Confused.class.getName() + "#both is annotated both @Blocking "
                        + "and @NonBlocking (expected: one of them)");
    }

    @Test
    void aClassThatSaysBothFailsItsDefinition() {
        assertThatThrownBy(() -> ServiceModel.define(ConfusedClass.class, new ConfusedClass(), "confused", "1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(ConfusedClass.class.getName() + " is annotated both @Blocking and @NonBlocking "
                        + "(expected: one of them)");
    }

    @Test
    void aStreamThatSaysNonBlockingFailsItsDefinition() {
        assertThatThrownBy(() -> ServiceModel.define(NonBlockingStream.class, new NonBlockingStream(), "s", "1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("MICRO-0108: " + NonBlockingStream.class.getName() + "#updates streams and "
                        + "is annotated @NonBlocking");
    }

    @Test
    void aStreamingEndpointCannotBeDeclaredNonBlocking() {
        assertThatThrownBy(() -> new EndpointDefinition("Greeter.Chat", Hello.class, Reply.class, r -> r, Map.of(),
                EndpointDefinition.Streaming.BIDI, false, true))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Greeter.Chat: a streaming endpoint cannot be non-blocking (expected: a unary endpoint)");
    }
}
