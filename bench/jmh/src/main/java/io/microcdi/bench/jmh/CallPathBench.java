package io.microcdi.bench.jmh;

import io.microcdi.client.CallOptions;
import io.microcdi.client.Request;
import io.microcdi.client.Response;
import io.microcdi.client.rpc.RpcClient;
import io.microcdi.client.rpc.RpcClientConfig;
import io.microcdi.codec.Codec;
import io.microcdi.codec.Codecs;
import io.microcdi.codec.json.JsonCodec;
import io.microcdi.examples.greeter.Greeter;
import io.microcdi.examples.greeter.GreeterApi;
import io.microcdi.examples.greeter.HelloReply;
import io.microcdi.examples.greeter.HelloRequest;
import io.microcdi.internal.client.ClientProxies;
import io.microcdi.internal.config.DefaultMicroConfig;
import io.microcdi.internal.exec.HandlerExecutors;
import io.microcdi.internal.model.ServiceModel;
import io.microcdi.metadata.Metadata;
import io.microcdi.registry.Node;
import io.microcdi.registry.Service;
import io.microcdi.registry.memory.MemoryRegistry;
import io.microcdi.selector.cache.CachingSelector;
import io.microcdi.server.EndpointDefinition;
import io.microcdi.server.rpc.RpcServer;
import io.microcdi.server.rpc.RpcServerConfig;
import io.microcdi.transport.Listener;
import io.microcdi.transport.Message;
import io.microcdi.transport.memory.MemoryTransport;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The framework's own overhead per call, without sockets: the greeter's {@code Greeter.Hello} called through the real
 * {@link RpcClient}, the random {@link CachingSelector} over a {@link MemoryRegistry}, the {@link MemoryTransport}, and the real
 * {@link RpcServer} (routing, JSON decode, method-handle invoke, JSON encode, reply headers), wired as
 * {@code RpcEndToEndTest} wires them.
 *
 * <ul>
 *   <li>{@code typedSync}: {@code GreeterApi.hello} on the client proxy, the whole path a user's call takes.</li>
 *   <li>{@code typedAsync}: {@code GreeterApi.helloAsync}, joined: the caller waits, so the answer wakes it
 *       directly (no hop to the callback executor).</li>
 *   <li>{@code rawCall}: {@code Client.call} with a ready JSON body: no proxy, no client-side codec.</li>
 *   <li>{@code typedSyncInline}, {@code typedAsyncInline}, {@code rawCallInline}: the same three calls to a listener
 *       that answers a fixed reply on the caller's thread: the caller's side alone (proxy, codec, client, selector,
 *       header template, future), with no thread wake-up to hide it or add noise.</li>
 *   <li>{@code rawCallSpinWait}: {@code rawCall}, but the caller spins briefly on the future before it parks: what a
 *       spin-then-park wait in the client would save of the reply's wake-up (an experiment, not the client's
 *       code).</li>
 *   <li>{@code serverOnly}: a ready request message straight into the transport: the server's side alone,
 *       including its hop to a handler thread.</li>
 *   <li>{@code serverOnlyNonBlocking}, {@code typedSyncNonBlocking}: {@code serverOnly} and {@code typedSync} against
 *       {@code Greeter.HelloNow}, the same answer from a {@code @NonBlocking} method, served on the thread that
 *       delivered the request (here the caller's, which plays the I/O thread) with no hop.</li>
 *   <li>{@code hopOnly}: the baseline of that hop: a listener that replies a fixed message from a handler pool made
 *       like the server's; the rest of {@code serverOnly} is the server's own work.</li>
 *   <li>{@code handlerWork}: decode, invoke through the endpoint's method handle and encode, on the calling thread:
 *       the work of a route without routing, headers or thread hop.</li>
 * </ul>
 *
 * <p>The server hands each request to a handler thread (a pool on JDK 17, virtual threads on 21+), unless its endpoint
 * never blocks, and the caller waits for the reply: on a 2-core machine that wake-up is a large share of every figure
 * except {@code handlerWork} and the two {@code NonBlocking} ones.
 *
 * <pre>{@code
 * java -jar bench/jmh/target/benchmarks.jar CallPathBench -prof gc
 * }</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
// two more iterations than the other classes: a thread wake-up per call makes these the noisiest figures
@Measurement(iterations = 5, time = 2)
@Threads(1)
public class CallPathBench {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final String JSON = "application/json";
    private static final int SPINS = 20_000;
    private static final String INLINE = "inline";

    private final HelloRequest hello = new HelloRequest("John");
    private final byte[] helloJson = "{\"name\":\"John\"}".getBytes(StandardCharsets.UTF_8);

    private MemoryRegistry registry;
    private MemoryTransport transport;
    private RpcServer server;
    private RpcClient client;
    private GreeterApi api;
    private Request rawRequest;
    private CallOptions options;
    private Message serverRequest;
    private Message serverRequestNonBlocking;

    private ExecutorService hopPool;
    private Listener hopListener;
    private Message fixedReply;

    private Listener inlineListener;
    private Service inlineService;
    private GreeterApi inlineApi;
    private Request inlineRequest;

    private EndpointDefinition endpoint;
    private Codec.Decoder<?> decoder;
    private Codec.Encoder encoder;

    @Setup(Level.Trial)
    public void setUp() {
        registry = new MemoryRegistry();
        transport = new MemoryTransport();
        RpcServerConfig serverConfig = RpcServerConfig.from(
                DefaultMicroConfig.of(Map.of("micro.server.address", "memory:0")));
        server = new RpcServer(serverConfig, registry, transport, Codecs.of(List.of(new JsonCodec())));
        server.handle(ServiceModel.define(Greeter.class, new Greeter(), "greeter", "1.0.0"));
        server.start();

        client = new RpcClient(RpcClientConfig.from(DefaultMicroConfig.of(Map.of())), CachingSelector.of("random", registry),
                transport);
        api = ClientProxies.create(GreeterApi.class, "greeter", client, new JsonCodec());
        rawRequest = new Request("greeter", "Greeter.Hello", JSON, helloJson, Metadata.empty());
        options = client.defaultOptions();
        serverRequest = new Message(Metadata.of("Content-Type", JSON, "Accept", JSON,
                "Micro-Service", "greeter", "Micro-Endpoint", "Greeter.Hello", "Micro-Method", "Greeter.Hello",
                "Micro-Id", "1", "X-Micro-Service", "greeter", "X-Micro-Endpoint", "Greeter.Hello",
                "X-Micro-Method", "Greeter.Hello", "X-Micro-Id", "1", "Timeout", "5000000000"), helloJson);

        serverRequestNonBlocking = new Message(Metadata.of("Content-Type", JSON, "Accept", JSON,
                "Micro-Service", "greeter", "Micro-Endpoint", "Greeter.HelloNow", "Micro-Method", "Greeter.HelloNow",
                "Micro-Id", "1", "X-Micro-Service", "greeter", "X-Micro-Endpoint", "Greeter.HelloNow",
                "X-Micro-Method", "Greeter.HelloNow", "X-Micro-Id", "1", "Timeout", "5000000000"), helloJson);

        hopPool = HandlerExecutors.create("bench-hop", serverConfig.handlerThreads(), serverConfig.virtualThreads());
        fixedReply = new Message(Metadata.of("Content-Type", JSON, "Micro-Id", "1", "X-Micro-Id", "1"),
                "{\"greeting\":\"Hello John\"}".getBytes(StandardCharsets.UTF_8));
        hopListener = transport.listen("memory:0", ex -> hopPool.execute(() -> ex.reply(fixedReply)));

        // answers on the caller's thread: the memory transport runs a listener on the sending thread
        inlineListener = transport.listen("memory:0", ex -> ex.reply(fixedReply));
        inlineService = new Service(INLINE, "1.0.0", Map.of(), List.of(),
                List.of(new Node("inline-1", inlineListener.address(), Map.of())));
        registry.register(inlineService, Duration.ZERO);
        inlineApi = ClientProxies.create(GreeterApi.class, INLINE, client, new JsonCodec());
        inlineRequest = new Request(INLINE, "Greeter.Hello", JSON, helloJson, Metadata.empty());

        endpoint = ServiceModel.define(Greeter.class, new Greeter(), "greeter", "1.0.0").endpoints().stream()
                .filter(e -> e.name().equals("Greeter.Hello")).findFirst().orElseThrow();
        JsonCodec json = new JsonCodec();
        decoder = json.decoder(endpoint.requestType());
        encoder = json.encoder(endpoint.responseType());

        // fail here, not in the measurement, if the wiring is wrong
        if (!api.hello(hello).greeting().equals("Hello John") || !api.helloNow(hello).greeting().equals("Hello John")
                || !inlineApi.helloAsync(hello).toCompletableFuture().join().greeting().equals("Hello John")) {
            throw new IllegalStateException("greeter answered wrongly");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        server.stop();
        hopListener.close();
        registry.deregister(inlineService);
        inlineListener.close();
        hopPool.shutdown();
        registry.close();
        transport.close();
    }

    /** The typed client's blocking call: proxy, encode, client, selector, transport, server, decode. */
    @Benchmark
    public HelloReply typedSync() {
        return api.hello(hello);
    }

    /** {@link #typedSync} against {@code Greeter.HelloNow}: the same path without the server's hop. */
    @Benchmark
    public HelloReply typedSyncNonBlocking() {
        return api.helloNow(hello);
    }

    /** The typed client's async call, joined: the answer wakes the waiting caller, which decodes it (no hop). */
    @Benchmark
    public HelloReply typedAsync() {
        return api.helloAsync(hello).toCompletableFuture().join();
    }

    /** {@code Client.call} with a ready body: the client, selector, transport and server, no typed proxy. */
    @Benchmark
    public Response rawCall() {
        return client.call(rawRequest, options).join();
    }

    /** {@link #typedSync} answered on the caller's thread: the caller's side alone. */
    @Benchmark
    public HelloReply typedSyncInline() {
        return inlineApi.hello(hello);
    }

    /** {@link #typedAsync} answered on the caller's thread. */
    @Benchmark
    public HelloReply typedAsyncInline() {
        return inlineApi.helloAsync(hello).toCompletableFuture().join();
    }

    /** {@link #rawCall} answered on the caller's thread. */
    @Benchmark
    public Response rawCallInline() {
        return client.call(inlineRequest, options).join();
    }

    /** {@link #rawCall} with up to ~20k spins on the future before parking in {@code join}. */
    @Benchmark
    public Response rawCallSpinWait() {
        CompletableFuture<Response> f = client.call(rawRequest, options);
        for (int i = 0; i < SPINS && !f.isDone(); i++) {
            Thread.onSpinWait();
        }
        return f.join();
    }

    /** A ready request straight into the transport: the server's side, with its handler-thread hop. */
    @Benchmark
    public Message serverOnly() {
        return transport.send(server.address(), serverRequest, TIMEOUT).join();
    }

    /** {@link #serverOnly} against {@code Greeter.HelloNow}: the server's side with no hop at all. */
    @Benchmark
    public Message serverOnlyNonBlocking() {
        return transport.send(server.address(), serverRequestNonBlocking, TIMEOUT).join();
    }

    /** The baseline of {@link #serverOnly}: the transport and one hop to a handler thread, no server work. */
    @Benchmark
    public Message hopOnly() {
        return transport.send(hopListener.address(), serverRequest, TIMEOUT).join();
    }

    /** Decode, invoke through the endpoint's method handle, encode: a route's work without the hop. */
    @Benchmark
    public byte[] handlerWork() throws Throwable {
        return encoder.encode(endpoint.invoker().invoke(decoder.decode(helloJson)));
    }
}
