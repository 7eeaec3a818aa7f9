package io.microcdi.rpc;

import io.microcdi.client.CallOptions;
import io.microcdi.client.Request;
import io.microcdi.client.Response;
import io.microcdi.client.RetryPolicy;
import io.microcdi.client.rpc.RpcClient;
import io.microcdi.client.rpc.RpcClientConfig;
import io.microcdi.codec.Codecs;
import io.microcdi.config.MicroConfig;
import io.microcdi.errors.MicroException;
import io.microcdi.internal.client.ClientInterception;
import io.microcdi.internal.client.ClientProxies;
import io.microcdi.internal.config.DefaultMicroConfig;
import io.microcdi.config.Plugins;
import io.microcdi.internal.model.ServiceModel;
import io.microcdi.metadata.Metadata;
import io.microcdi.registry.Endpoint;
import io.microcdi.registry.memory.MemoryRegistry;
import io.microcdi.selector.cache.CachingSelector;
import io.microcdi.server.rpc.RpcServer;
import io.microcdi.server.rpc.RpcServerConfig;
import io.microcdi.stream.Streams;
import io.microcdi.transport.StreamingTransport;
import io.microcdi.transport.Transport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Streaming RPC end to end over a {@link StreamingTransport} (typed client -> RPC client -> transport -> RPC server
 * -> handler and back), the same tests over every transport that streams: server, client and bidirectional streams,
 * errors mid-stream, cancellation from the caller freeing the server, backpressure both ways, a stream outliving the
 * unary request timeout, the idle timeout.
 *
 * <pre>{@code
 * class MyTransportStreamingRpcTest extends StreamingRpcContract {
 *     protected StreamingTransport transport(MicroConfig config) {
 *         return new MyTransport(MyTransportConfig.from(config));   // reads micro.transport.stream-idle-timeout
 *     }
 * }
 * }</pre>
 *
 * <p>It checks the framework's own RPC server and client (core classes, some internal) over a transport, so it
 * ships in core's test-jar ({@code microcdi-core}, type {@code test-jar}), not in {@code microcdi-testing}, whose
 * suites speak the public API only: a transport plugin proves its streams with
 * {@code io.microcdi.testing.transport.MessageStreamContract}, and may run this suite too to see streaming RPC work
 * over them. The memory transport ({@code MemoryStreamingRpcTest}) and the HTTP transport on HTTP/1.1 and HTTP/2
 * ({@code HttpStreamingRpcTest}, {@code Http2StreamingRpcTest}) run it.
 */
public abstract class StreamingRpcContract {

    public record Hello(String name) {
    }

    public record Reply(String greeting) {
    }

    public record Count(int from, int size) {
    }

    /** The streaming service. */
    public static class Chat {
        final AtomicLong produced = new AtomicLong();
        final AtomicBoolean cancelled = new AtomicBoolean();
        final AtomicLong consumed = new AtomicLong();
        volatile Flow.Subscription slowInbound;
        final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();

        /** Bidirectional: one reply per request. */
        public Flow.Publisher<Reply> chat(Flow.Publisher<Hello> requests) {
            return Streams.map(requests, h -> new Reply("Hello " + h.name()));
        }

        /** Server streaming: {@code size} replies, then the end. */
        public Flow.Publisher<Reply> count(Count c) {
            return Streams.fromIterable(() -> IntStream.range(c.from(), c.from() + c.size())
                    .mapToObj(i -> new Reply("n" + i)).iterator());
        }

        /** Client streaming: the names, joined. */
        public CompletionStage<Reply> join(Flow.Publisher<Hello> requests) {
            return Streams.toList(requests).thenApply(all -> new Reply(String.join(",",
                    all.stream().map(Hello::name).toList())));
        }

        /** Three replies, then an error of the service's own. */
        public Flow.Publisher<Reply> failing(Hello h) {
            List<Reply> three = List.of(new Reply("1"), new Reply("2"), new Reply("3"));
            return Streams.fromIterable(() -> new Iterator<>() {
                int i;

                @Override
                public boolean hasNext() {
                    return true;
                }

                @Override
                public Reply next() {
                    if (i == 3) {
                        throw new MicroException("chat", "no more for " + h.name(), 409);
                    }
                    return three.get(i++);
                }
            });
        }

        /** Throws before streaming anything. */
        public Flow.Publisher<Reply> refuse(Hello h) {
            throw MicroException.forbidden("chat", "not you, %s", h.name());
        }

        /** Endless replies of {@code size} bytes, counting what was produced and noticing cancellation. */
        public Flow.Publisher<Reply> endless(Count c) {
            String pad = "x".repeat(c.size());
            return watched(Streams.fromIterable(() -> new Iterator<Reply>() {
                @Override
                public boolean hasNext() {
                    return true;
                }

                @Override
                public Reply next() {
                    return new Reply(produced.getAndIncrement() + pad);
                }
            }), cancelled, false);
        }

        /** Client streaming read slowly: one request at a time, only when the test asks ({@link #slowInbound}). */
        public CompletionStage<Reply> slow(Flow.Publisher<Hello> requests) {
            CompletableFuture<Reply> done = new CompletableFuture<>();
            requests.subscribe(new Flow.Subscriber<Hello>() {
                @Override
                public void onSubscribe(Flow.Subscription s) {
                    slowInbound = s;
                    s.request(1);
                }

                @Override
                public void onNext(Hello item) {
                    consumed.incrementAndGet();
                }

                @Override
                public void onError(Throwable t) {
                    done.completeExceptionally(t);
                }

                @Override
                public void onComplete() {
                    done.complete(new Reply("read " + consumed.get()));
                }
            });
            return done;
        }

        /** {@code size} replies, one every {@code from} ms: a stream that lasts. */
        public Flow.Publisher<Reply> ticks(Count c) {
            return subscriber -> {
                AtomicLong demand = new AtomicLong();
                AtomicLong sent = new AtomicLong();
                AtomicBoolean stop = new AtomicBoolean();
                subscriber.onSubscribe(new Flow.Subscription() {
                    @Override
                    public void request(long n) {
                        demand.addAndGet(n);
                    }

                    @Override
                    public void cancel() {
                        stop.set(true);
                    }
                });
                ticker.scheduleAtFixedRate(() -> {
                    if (stop.get() || sent.get() >= c.size() || demand.get() == 0) {
                        return;
                    }
                    demand.decrementAndGet();
                    subscriber.onNext(new Reply("tick " + sent.incrementAndGet()));
                    if (sent.get() == c.size()) {
                        stop.set(true);
                        subscriber.onComplete();
                    }
                }, c.from(), c.from(), TimeUnit.MILLISECONDS);
            };
        }

        /** Never sends anything. */
        public Flow.Publisher<Reply> silent(Hello h) {
            return subscriber -> subscriber.onSubscribe(new Flow.Subscription() {
                @Override
                public void request(long n) {
                }

                @Override
                public void cancel() {
                    cancelled.set(true);
                }
            });
        }

        public Reply unary(Hello h) {
            return new Reply("unary " + h.name());
        }
    }

    public interface ChatApi {
        Flow.Publisher<Reply> chat(Flow.Publisher<Hello> requests);

        Flow.Publisher<Reply> count(Count c);

        CompletionStage<Reply> join(Flow.Publisher<Hello> requests);

        Flow.Publisher<Reply> failing(Hello h);

        Flow.Publisher<Reply> refuse(Hello h);

        Flow.Publisher<Reply> endless(Count c);

        CompletionStage<Reply> slow(Flow.Publisher<Hello> requests);

        Flow.Publisher<Reply> ticks(Count c);

        Flow.Publisher<Reply> silent(Hello h);

        @io.microcdi.annotation.Endpoint("Chat.Nowhere")
        Flow.Publisher<Reply> nowhere(Hello h);
    }

    private final List<AutoCloseable> closing = new ArrayList<>();
    protected final MemoryRegistry registry = new MemoryRegistry();
    protected Chat chat;
    protected RpcServer server;
    protected RpcClient client;
    protected ChatApi api;

    /**
     * A new transport of the plugin under test, configured by {@code config} (its
     * {@code micro.transport.stream-idle-timeout} included); the suite closes it.
     */
    protected abstract StreamingTransport transport(MicroConfig config);

    /** Starts a server and a client over the transport, with {@code settings} on both. */
    protected void start(Map<String, String> settings) {
        Map<String, String> all = new HashMap<>(Map.of("micro.server.address", "127.0.0.1:0"));
        all.putAll(settings);
        MicroConfig config = DefaultMicroConfig.of(all);
        Transport transport = transport(config);
        Codecs codecs = Plugins.load(getClass().getClassLoader(), List.of()).codecs(config);
        chat = new Chat();
        server = new RpcServer(RpcServerConfig.from(config), registry, transport, codecs);
        server.handle(ServiceModel.define(Chat.class, chat, "chat", "1.0.0"));
        server.start();
        CachingSelector selector = CachingSelector.of("random", registry);
        client = new RpcClient(RpcClientConfig.from(config), config, selector, transport, RetryPolicy.defaults(),
                codecs);
        api = ClientProxies.create(ChatApi.class, "chat", client, codecs, "application/json",
                ClientInterception.NONE);
        closing.add(chat.ticker::shutdownNow);
        closing.add(transport);
        closing.add(registry);
        closing.add(server::stop);
        closing.add(selector);
        closing.add(client);
    }

    protected void start() {
        start(Map.of());
    }

    @AfterEach
    void tearDown() throws Exception {
        Collections.reverse(closing);
        for (AutoCloseable c : closing) {
            c.close();
        }
    }

    private static <T> List<T> all(Flow.Publisher<T> p) throws Exception {
        return Streams.toList(p).get(20, TimeUnit.SECONDS);
    }

    private static List<Hello> hellos(int n) {
        return IntStream.range(0, n).mapToObj(i -> new Hello("n" + i)).toList();
    }

    @Test
    void registersStreamingEndpointsWithStreamMetadata() {
        start();
        Map<String, String> streams = new HashMap<>();
        for (Endpoint e : server.registered().get(0).endpoints()) {
            streams.put(e.name(), e.metadata().get("stream"));
        }
        assertThat(streams).containsEntry("Chat.Chat", "true").containsEntry("Chat.Count", "true")
                .containsEntry("Chat.Join", "true").containsEntry("Chat.Unary", "false");
    }

    @Test
    void bidirectionalStreamKeepsOrderBothWays() throws Exception {
        start();
        List<Reply> replies = all(api.chat(Streams.fromIterable(hellos(10_000))));
        assertThat(replies).hasSize(10_000);
        assertThat(replies.get(0)).isEqualTo(new Reply("Hello n0"));
        assertThat(replies.get(9_999)).isEqualTo(new Reply("Hello n9999"));
        for (int i = 0; i < replies.size(); i++) {
            assertThat(replies.get(i).greeting()).isEqualTo("Hello n" + i);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> server.openStreams() == 0);
    }

    @Test
    void serverStreamAndClientStream() throws Exception {
        start();
        assertThat(all(api.count(new Count(5, 3)))).containsExactly(new Reply("n5"), new Reply("n6"),
                new Reply("n7"));
        assertThat(all(api.count(new Count(0, 0)))).isEmpty();
        assertThat(api.join(Streams.of(new Hello("a"), new Hello("b"), new Hello("c")))
                .toCompletableFuture().get(10, TimeUnit.SECONDS)).isEqualTo(new Reply("a,b,c"));
        assertThat(api.join(Streams.of()).toCompletableFuture().get(10, TimeUnit.SECONDS))
                .isEqualTo(new Reply(""));
        // the returned publisher is cold: each subscriber opens its own stream
        Flow.Publisher<Reply> twice = api.count(new Count(1, 2));
        assertThat(all(twice)).isEqualTo(all(twice));
        await().atMost(Duration.ofSeconds(10)).until(() -> server.openStreams() == 0);
    }

    @Test
    void errorMidStreamArrivesAfterTheItemsBeforeIt() {
        start();
        List<Reply> got = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> done = Streams.forEach(api.failing(new Hello("John")), got::add);
        assertThatThrownBy(() -> done.get(10, TimeUnit.SECONDS)).cause().isInstanceOfSatisfying(
                MicroException.class, e -> {
                    assertThat(e.id()).isEqualTo("chat");
                    assertThat(e.code()).isEqualTo(409);
                    assertThat(e.detail()).isEqualTo("no more for John");
                });
        assertThat(got).extracting(Reply::greeting).containsExactly("1", "2", "3");
    }

    @Test
    void handlerErrorsAndWrongCallsAreStructured() throws Exception {
        start();
        assertThatThrownBy(() -> all(api.refuse(new Hello("Eve")))).cause()
                .isInstanceOfSatisfying(MicroException.class, e -> {
                    assertThat(e.code()).isEqualTo(403);
                    assertThat(e.detail()).isEqualTo("not you, Eve");
                });
        assertThatThrownBy(() -> all(api.nowhere(new Hello("x")))).cause()
                .isInstanceOfSatisfying(MicroException.class, e -> assertThat(e.code()).isEqualTo(404));
        // a unary call cannot reach a streaming endpoint, and the server keeps serving
        assertThatThrownBy(() -> client.call(new Request("chat", "Chat.Count", "application/json",
                "{\"from\":1,\"size\":1}".getBytes(StandardCharsets.UTF_8), Metadata.empty()),
                CallOptions.defaults()).get(10, TimeUnit.SECONDS)).cause()
                .isInstanceOfSatisfying(MicroException.class, e -> {
                    assertThat(e.code()).isEqualTo(400);
                    assertThat(e.detail()).contains("Chat.Count streams");
                });
        // a request the codec cannot read is a 400 on the stream; the next stream is served
        Flow.Publisher<Response> raw = client.stream(new Request("chat", "Chat.Chat", "application/json",
                new byte[0], Metadata.empty()), Streams.of("{not json".getBytes(StandardCharsets.UTF_8)),
                CallOptions.defaults());
        assertThatThrownBy(() -> all(raw)).cause().isInstanceOfSatisfying(MicroException.class,
                e -> assertThat(e.code()).isEqualTo(400));
        assertThat(all(api.count(new Count(1, 1)))).containsExactly(new Reply("n1"));
        await().atMost(Duration.ofSeconds(10)).until(() -> server.openStreams() == 0);
    }

    @Test
    void cancellingFromTheCallerFreesTheServer() {
        start();
        List<Reply> got = new CopyOnWriteArrayList<>();
        AtomicBoolean failed = new AtomicBoolean();
        api.endless(new Count(0, 10)).subscribe(new Flow.Subscriber<>() {
            private Flow.Subscription s;

            @Override
            public void onSubscribe(Flow.Subscription s) {
                this.s = s;
                s.request(10);
            }

            @Override
            public void onNext(Reply item) {
                got.add(item);
                if (got.size() == 5) {
                    s.cancel();
                }
            }

            @Override
            public void onError(Throwable t) {
                failed.set(true);
            }

            @Override
            public void onComplete() {
                failed.set(true);
            }
        });
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(chat.cancelled).as("the handler's publisher cancelled").isTrue();
            assertThat(server.openStreams()).as("streams the server still serves").isZero();
        });
        assertThat(got).hasSizeGreaterThanOrEqualTo(5);
        assertThat(failed).as("no signal after cancel").isFalse();
    }

    /** A publisher that never ends on its own, counting what it was asked for and noticing cancellation. */
    static final class Endless implements Flow.Publisher<byte[]> {
        final AtomicLong emitted = new AtomicLong();
        final AtomicBoolean cancelled = new AtomicBoolean();
        final boolean silent;

        Endless(boolean silent) {
            this.silent = silent;
        }

        @Override
        public void subscribe(Flow.Subscriber<? super byte[]> subscriber) {
            watched(Streams.fromIterable(() -> new Iterator<byte[]>() {
                @Override
                public boolean hasNext() {
                    return true;
                }

                @Override
                public byte[] next() {
                    return ("{\"from\":" + emitted.getAndIncrement() + ",\"size\":100000}")
                            .getBytes(StandardCharsets.UTF_8);
                }
            }), cancelled, silent).subscribe(subscriber);
        }
    }

    /** {@code source}, noting its cancellation in {@code cancelled}; a {@code silent} one ignores every request. */
    static <T> Flow.Publisher<T> watched(Flow.Publisher<T> source, AtomicBoolean cancelled, boolean silent) {
        return subscriber -> source.subscribe(new Flow.Subscriber<T>() {
            @Override
            public void onSubscribe(Flow.Subscription s) {
                subscriber.onSubscribe(new Flow.Subscription() {
                    @Override
                    public void request(long n) {
                        if (!silent) {
                            s.request(n);
                        }
                    }

                    @Override
                    public void cancel() {
                        cancelled.set(true);
                        s.cancel();
                    }
                });
            }

            @Override
            public void onNext(T item) {
                subscriber.onNext(item);
            }

            @Override
            public void onError(Throwable t) {
                subscriber.onError(t);
            }

            @Override
            public void onComplete() {
                subscriber.onComplete();
            }
        });
    }

    @Test
    void aServerErrorStopsTheCallersEndlessPublisher() {
        start();
        Endless requests = new Endless(false);
        // a server-streaming endpoint takes one request: the second is a 400 (the 100,000 replies to the first still
        // going out), which ends the stream both ways
        Flow.Publisher<Response> replies = client.stream(new Request("chat", "Chat.Count", "application/json",
                new byte[0], Metadata.empty()), requests, CallOptions.defaults());
        assertThatThrownBy(() -> all(replies)).cause().isInstanceOfSatisfying(MicroException.class,
                e -> assertThat(e.code()).isEqualTo(400));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(requests.cancelled).as("the caller's publisher cancelled").isTrue();
            assertThat(server.openStreams()).isZero();
        });
    }

    @Test
    void cancellingBeforeTheRequestArrivedFreesTheServer() {
        start();
        Endless silent = new Endless(true); // never sends the request
        Flow.Subscription[] subscription = new Flow.Subscription[1];
        client.stream(new Request("chat", "Chat.Count", "application/json", new byte[0], Metadata.empty()), silent,
                CallOptions.defaults()).subscribe(new Flow.Subscriber<>() {
                    @Override
                    public void onSubscribe(Flow.Subscription s) {
                        subscription[0] = s;
                        s.request(1);
                    }

                    @Override
                    public void onNext(Response item) {
                    }

                    @Override
                    public void onError(Throwable t) {
                    }

                    @Override
                    public void onComplete() {
                    }
                });
        await().atMost(Duration.ofSeconds(10)).until(() -> server.openStreams() == 1);
        subscription[0].cancel();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(server.openStreams()).as("streams the server still serves").isZero();
            assertThat(silent.cancelled).isTrue();
        });
    }

    @Test
    void aSlowCallerSlowsTheServersProducer() {
        start();
        List<Reply> got = new CopyOnWriteArrayList<>();
        AtomicBoolean complete = new AtomicBoolean();
        Flow.Subscription[] subscription = new Flow.Subscription[1];
        api.endless(new Count(0, 1024)).subscribe(new Flow.Subscriber<>() {
            @Override
            public void onSubscribe(Flow.Subscription s) {
                subscription[0] = s;
                s.request(1);
            }

            @Override
            public void onNext(Reply item) {
                got.add(item);
            }

            @Override
            public void onError(Throwable t) {
                complete.set(true);
            }

            @Override
            public void onComplete() {
                complete.set(true);
            }
        });
        long stalled = awaitStalled(chat.produced);
        // an endless producer, held back by a caller that asked for one: only buffers' worth got ahead
        assertThat(stalled).isLessThan(50_000);
        assertThat(got).hasSize(1);
        subscription[0].request(stalled + 100);
        await().atMost(Duration.ofSeconds(20)).until(() -> got.size() == stalled + 101);
        for (int i = 0; i < got.size(); i++) {
            assertThat(got.get(i).greeting()).startsWith(i + "x");
        }
        subscription[0].cancel();
        await().atMost(Duration.ofSeconds(10)).until(() -> server.openStreams() == 0);
        assertThat(complete).isFalse();
    }

    @Test
    void aSlowServerSlowsTheCallersProducer() throws Exception {
        start();
        AtomicLong asked = new AtomicLong();
        AtomicLong limit = new AtomicLong(Long.MAX_VALUE);
        String pad = "y".repeat(1024);
        Flow.Publisher<Hello> endless = Streams.fromIterable(() -> new Iterator<>() {
            @Override
            public boolean hasNext() {
                return asked.get() < limit.get();
            }

            @Override
            public Hello next() {
                return new Hello(asked.getAndIncrement() + pad);
            }
        });
        CompletionStage<Reply> reply = api.slow(endless);
        long stalled = awaitStalled(asked);
        // an endless caller, held back by a handler that read one: only buffers' worth got ahead
        assertThat(stalled).isLessThan(50_000);
        assertThat(chat.consumed.get()).isEqualTo(1);
        assertThat(reply.toCompletableFuture().isDone()).isFalse();
        limit.set(stalled + 1000); // the caller ends its stream there; the handler now reads everything
        chat.slowInbound.request(Long.MAX_VALUE);
        assertThat(reply.toCompletableFuture().get(20, TimeUnit.SECONDS))
                .isEqualTo(new Reply("read " + (stalled + 1000)));
        await().atMost(Duration.ofSeconds(10)).until(() -> server.openStreams() == 0);
    }

    @Test
    void aStreamOutlivesTheUnaryRequestTimeout() throws Exception {
        start(Map.of("micro.client.request-timeout", "200ms", "micro.transport.http.idle-timeout", "300ms"));
        long started = System.nanoTime();
        List<Reply> ticks = all(api.ticks(new Count(50, 20))); // 20 ticks, 50 ms apart: about a second
        assertThat(ticks).hasSize(20).last().isEqualTo(new Reply("tick 20"));
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThan(Duration.ofMillis(600));
    }

    @Test
    void anIdleStreamTimesOutOnItsOwnTimeout() {
        start(Map.of("micro.transport.stream-idle-timeout", "300ms"));
        assertThatThrownBy(() -> all(api.silent(new Hello("x")))).cause()
                .isInstanceOfSatisfying(MicroException.class, e -> assertThat(e.code()).isEqualTo(408));
        await().atMost(Duration.ofSeconds(10)).until(() -> chat.cancelled.get() && server.openStreams() == 0);
    }

    /** Waits until {@code counter} stops moving (two polls 200 ms apart see the same value) and returns it. */
    private static long awaitStalled(AtomicLong counter) {
        long[] last = {-1};
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).until(() -> {
            long now = counter.get();
            boolean same = now > 0 && now == last[0];
            last[0] = now;
            return same;
        });
        return last[0];
    }
}
