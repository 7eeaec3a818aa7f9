package io.microcdi.bench.jmh;

import io.microcdi.cdi.MicroLifecycle;
import io.microcdi.cdi.MicroProducers;
import io.microcdi.client.CallFunc;
import io.microcdi.client.CallOptions;
import io.microcdi.client.Client;
import io.microcdi.client.Request;
import io.microcdi.client.Response;
import io.microcdi.client.rpc.RpcClient;
import io.microcdi.client.rpc.RpcClientConfig;
import io.microcdi.codec.Codecs;
import io.microcdi.codec.json.JsonCodec;
import io.microcdi.examples.greeter.Greeter;
import io.microcdi.examples.greeter.HelloReply;
import io.microcdi.examples.greeter.HelloRequest;
import io.microcdi.internal.config.DefaultMicroConfig;
import io.microcdi.internal.model.ServiceModel;
import io.microcdi.metadata.Metadata;
import io.microcdi.registry.Node;
import io.microcdi.registry.Service;
import io.microcdi.registry.memory.MemoryRegistry;
import io.microcdi.selector.cache.CachingSelector;
import io.microcdi.server.EndpointInvoker;
import io.microcdi.server.rpc.RpcServer;
import io.microcdi.server.rpc.RpcServerConfig;
import io.microcdi.transport.Listener;
import io.microcdi.transport.Message;
import io.microcdi.transport.memory.MemoryTransport;
import org.jboss.weld.environment.se.Weld;
import org.jboss.weld.environment.se.WeldContainer;
import org.jboss.weld.proxy.WeldClientProxy;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * What an empty {@link io.microcdi.client.CallWrapper} and an empty interceptor cost per call: each benchmark has a
 * twin without the wrapper or interceptor, and the difference of the two is the cost.
 *
 * <ul>
 *   <li>{@code call*}: {@code Client.call} of the real {@link RpcClient} over the {@link MemoryTransport}, plain and
 *       through {@code client.wrap(List.of(new PassThrough()))}. {@code callServer*} goes to the real
 *       {@link RpcServer} as in {@link CallPathBench} (two thread wake-ups per call, the noisy figures);
 *       {@code callInline*} to a listener that answers on the caller's thread: the client's whole path with nothing
 *       else, where a few nanoseconds show.</li>
 *   <li>{@code attempt*}: one attempt's {@code CallFunc}, answering at once, called as is and through the pass-through:
 *       the chain alone.</li>
 *   <li>{@code handler*}: a {@code @Service}-scoped handler called through a method handle bound to its instance, as
 *       the server calls it: a plain object, the container's bean, and the container's bean with an empty
 *       {@code @AroundInvoke} interceptor bound (Weld SE, Weld's own interception); {@code direct*} calls the two
 *       beans as Java code would.</li>
 *   <li>{@code typed*}: {@code @Inject @MicroClient} typed clients in a container booted as the greeter boots
 *       ({@code micro.registry=memory}, {@code micro.transport=memory}): plain, with the empty interceptor bound on
 *       the interface (MicroCDI's client interception), and with the pass-through named by {@code @Wrap};
 *       {@code typedServer*} calls the greeter served by the same container, {@code typedInline*} the answering
 *       listener.</li>
 * </ul>
 *
 * <pre>{@code
 * java -jar bench/jmh/target/benchmarks.jar WrapperBench -prof gc
 * }</pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
// short iterations: the pairs answered on the caller's thread settle within a second, and the class has 17 benchmarks
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Threads(1)
public class WrapperBench {

    /** The service the answering listener is registered as. */
    static final String INLINE = "inline";

    private static final String JSON = "application/json";
    private static final byte[] HELLO_JSON = "{\"name\":\"John\"}".getBytes(StandardCharsets.UTF_8);
    private static final Message FIXED_REPLY = new Message(Metadata.of("Content-Type", JSON),
            "{\"greeting\":\"Hello John\"}".getBytes(StandardCharsets.UTF_8));

    /** A client, plain and wrapped, over the memory transport, the real server and the answering listener. */
    @State(Scope.Benchmark)
    public static class Calls {
        MemoryRegistry registry;
        MemoryTransport transport;
        RpcServer server;
        Inline inline;
        RpcClient plain;
        Client wrapped;
        Request toServer;
        Request toInline;
        CallOptions options;
        CallFunc attempt;
        CallFunc wrappedAttempt;
        Node node;

        @Setup(Level.Trial)
        public void setUp() {
            registry = new MemoryRegistry();
            transport = new MemoryTransport();
            server = new RpcServer(RpcServerConfig.from(DefaultMicroConfig.of(Map.of("micro.server.address",
                    "memory:0"))), registry, transport, Codecs.of(List.of(new JsonCodec())));
            server.handle(ServiceModel.define(Greeter.class, new Greeter(), "greeter", "1.0.0"));
            server.start();
            inline = new Inline(registry);

            plain = new RpcClient(RpcClientConfig.from(DefaultMicroConfig.of(Map.of())),
                    CachingSelector.of("random", registry), transport);
            wrapped = plain.wrap(List.of(new PassThrough()));
            toServer = new Request("greeter", "Greeter.Hello", JSON, HELLO_JSON, Metadata.empty());
            toInline = new Request(INLINE, "Greeter.Hello", JSON, HELLO_JSON, Metadata.empty());
            options = plain.defaultOptions();

            CompletableFuture<Response> answered = CompletableFuture.completedFuture(
                    new Response(FIXED_REPLY.header(), FIXED_REPLY.body()));
            attempt = (n, r, o) -> answered;
            wrappedAttempt = new PassThrough().wrap(attempt);
            node = new Node("inline-1", inline.address(), Map.of());

            for (Client c : List.of(plain, wrapped)) {
                expect(new String(c.call(toServer, options).join().body(), StandardCharsets.UTF_8),
                        "{\"greeting\":\"Hello John\"}", c + " to the server");
                expect(inline.callers(() -> c.call(toInline, options).join()).contains(PassThrough.class.getName()),
                        c == wrapped, c + " through PassThrough");
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            plain.close();
            server.stop();
            inline.close();
            registry.close();
            transport.close();
        }
    }

    /** One handler as a plain object, as a bean, and as a bean with the empty interceptor, in a Weld SE container. */
    @State(Scope.Benchmark)
    public static class Handlers {
        WeldContainer container;
        EchoHandler bean;
        InterceptedEchoHandler intercepted;
        EndpointInvoker instanceInvoker;
        EndpointInvoker beanInvoker;
        EndpointInvoker interceptedInvoker;
        final HelloRequest request = new HelloRequest("John");

        @Setup(Level.Trial)
        public void setUp() throws Throwable {
            container = new Weld().disableDiscovery()
                    .property(Weld.SHUTDOWN_HOOK_SYSTEM_PROPERTY, false)
                    .addBeanClasses(EchoHandler.class, InterceptedEchoHandler.class, EmptyInterceptor.class)
                    .initialize();
            bean = container.select(EchoHandler.class).get();
            intercepted = container.select(InterceptedEchoHandler.class).get();
            instanceInvoker = invoker(EchoHandler.class, new EchoHandler());
            beanInvoker = invoker(EchoHandler.class, bean);
            interceptedInvoker = invoker(InterceptedEchoHandler.class, intercepted);

            // the bean is Weld's client proxy over the class itself, the intercepted one over Weld's subclass
            expect(instanceClass(bean) == EchoHandler.class, true, "EchoHandler not intercepted");
            expect(instanceClass(intercepted) != InterceptedEchoHandler.class, true,
                    "InterceptedEchoHandler intercepted");
            for (EndpointInvoker i : List.of(instanceInvoker, beanInvoker, interceptedInvoker)) {
                expect(i.invoke(request), request, "the echo");
            }
        }

        private static EndpointInvoker invoker(Class<?> type, Object instance) {
            return ServiceModel.define(type, instance, "echo", "1.0.0").endpoints().get(0).invoker();
        }

        private static Class<?> instanceClass(Object reference) {
            return ((WeldClientProxy) reference).getMetadata().getContextualInstance().getClass();
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            container.close();
        }
    }

    /** Typed clients injected in a container that also serves the greeter, as an application runs. */
    @State(Scope.Benchmark)
    public static class Clients {
        private static final List<String> KEYS = List.of("micro.registry", "micro.transport");

        MemoryTransport transport;
        MemoryRegistry registry;
        Inline inline;
        WeldContainer container;
        GreeterClients clients;
        final HelloRequest hello = new HelloRequest("John");

        @Setup(Level.Trial)
        public void setUp() {
            KEYS.forEach(k -> System.setProperty(k, "memory"));
            transport = new MemoryTransport();
            registry = MemoryRegistry.shared(); // the store the container's registry is a view of
            inline = new Inline(registry);
            container = new Weld().disableDiscovery()
                    .property(Weld.SHUTDOWN_HOOK_SYSTEM_PROPERTY, false)
                    .addBeanClasses(MicroProducers.class, MicroLifecycle.class, Greeter.class, GreeterClients.class,
                            EmptyInterceptor.class, PassThrough.class)
                    .initialize();
            clients = container.select(GreeterClients.class).get();

            GreeterClients c = clients;
            List<Supplier<HelloReply>> server = List.of(() -> c.plain.hello(hello), () -> c.intercepted.hello(hello),
                    () -> c.wrapped.hello(hello));
            List<Supplier<HelloReply>> inlined = List.of(() -> c.inlinePlain.hello(hello),
                    () -> c.inlineIntercepted.hello(hello), () -> c.inlineWrapped.hello(hello));
            for (Supplier<HelloReply> call : server) {
                expect(call.get().greeting(), "Hello John", "the greeter's answer");
            }
            List<String> seen = new ArrayList<>();
            for (Supplier<HelloReply> call : inlined) {
                String stack = inline.callers(call::get);
                seen.add((stack.contains(EmptyInterceptor.class.getName()) ? "interceptor" : "-") + ","
                        + (stack.contains(PassThrough.class.getName()) ? "wrapper" : "-"));
            }
            expect(seen, List.of("-,-", "interceptor,-", "-,wrapper"), "what each client call went through");
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            container.close();
            inline.close();
            registry.close();
            transport.close();
            KEYS.forEach(System::clearProperty);
        }
    }

    /**
     * A listener registered as service {@code inline} that answers a fixed reply on the sending thread: no server,
     * no thread hop. {@link #callers} records the stack of one call, to check what the call went through.
     */
    static final class Inline implements AutoCloseable {
        private final MemoryTransport transport = new MemoryTransport();
        private final MemoryRegistry registry;
        private final Listener listener;
        private final Service service;
        private boolean probe;
        private String stack = "";

        Inline(MemoryRegistry registry) {
            this.registry = registry;
            listener = transport.listen("memory:0", ex -> {
                if (probe) {
                    StringBuilder s = new StringBuilder();
                    StackWalker.getInstance().forEach(f -> s.append(f.getClassName()).append('\n'));
                    stack = s.toString();
                }
                ex.reply(FIXED_REPLY);
            });
            service = new Service(INLINE, "1.0.0", Map.of(), List.of(),
                    List.of(new Node("inline-1", listener.address(), Map.of())));
            registry.register(service, Duration.ZERO);
        }

        String address() {
            return listener.address();
        }

        /** The classes on the stack when {@code call} reached the listener. */
        String callers(Supplier<?> call) {
            probe = true;
            try {
                call.get();
                return stack;
            } finally {
                probe = false;
            }
        }

        @Override
        public void close() {
            registry.deregister(service);
            listener.close();
            transport.close();
        }
    }

    private static void expect(Object actual, Object expected, String what) {
        if (!expected.equals(actual)) {
            throw new IllegalStateException(what + ": " + actual + " (expected: " + expected + ")");
        }
    }

    /** {@code Client.call} to the server, no wrapper. */
    @Benchmark
    public Response callServerPlain(Calls s) {
        return s.plain.call(s.toServer, s.options).join();
    }

    /** {@code Client.call} to the server through one pass-through wrapper. */
    @Benchmark
    public Response callServerWrapped(Calls s) {
        return s.wrapped.call(s.toServer, s.options).join();
    }

    /** {@code Client.call} answered on the caller's thread, no wrapper. */
    @Benchmark
    public Response callInlinePlain(Calls s) {
        return s.plain.call(s.toInline, s.options).join();
    }

    /** {@code Client.call} answered on the caller's thread, through one pass-through wrapper. */
    @Benchmark
    public Response callInlineWrapped(Calls s) {
        return s.wrapped.call(s.toInline, s.options).join();
    }

    /** One attempt's {@code CallFunc}, answering at once. */
    @Benchmark
    public CompletableFuture<Response> attemptPlain(Calls s) {
        return s.attempt.call(s.node, s.toInline, s.options);
    }

    /** The same {@code CallFunc} under the pass-through. */
    @Benchmark
    public CompletableFuture<Response> attemptWrapped(Calls s) {
        return s.wrappedAttempt.call(s.node, s.toInline, s.options);
    }

    /** The server's method-handle call on a plain instance. */
    @Benchmark
    public Object handlerInstance(Handlers s) throws Throwable {
        return s.instanceInvoker.invoke(s.request);
    }

    /** The server's method-handle call on the container's bean (its client proxy). */
    @Benchmark
    public Object handlerBean(Handlers s) throws Throwable {
        return s.beanInvoker.invoke(s.request);
    }

    /** The server's method-handle call on the container's bean with the empty interceptor. */
    @Benchmark
    public Object handlerIntercepted(Handlers s) throws Throwable {
        return s.interceptedInvoker.invoke(s.request);
    }

    /** A Java call on the container's bean. */
    @Benchmark
    public HelloRequest directBean(Handlers s) {
        return s.bean.echo(s.request);
    }

    /** A Java call on the container's bean with the empty interceptor. */
    @Benchmark
    public HelloRequest directIntercepted(Handlers s) {
        return s.intercepted.echo(s.request);
    }

    /** The typed client to the greeter. */
    @Benchmark
    public HelloReply typedServerPlain(Clients s) {
        return s.clients.plain.hello(s.hello);
    }

    /** The typed client to the greeter, the empty interceptor bound on its interface. */
    @Benchmark
    public HelloReply typedServerIntercepted(Clients s) {
        return s.clients.intercepted.hello(s.hello);
    }

    /** The typed client to the greeter, the pass-through named by {@code @Wrap}. */
    @Benchmark
    public HelloReply typedServerWrapped(Clients s) {
        return s.clients.wrapped.hello(s.hello);
    }

    /** The typed client answered on the caller's thread. */
    @Benchmark
    public HelloReply typedInlinePlain(Clients s) {
        return s.clients.inlinePlain.hello(s.hello);
    }

    /** The typed client answered on the caller's thread, the empty interceptor bound on its interface. */
    @Benchmark
    public HelloReply typedInlineIntercepted(Clients s) {
        return s.clients.inlineIntercepted.hello(s.hello);
    }

    /** The typed client answered on the caller's thread, the pass-through named by {@code @Wrap}. */
    @Benchmark
    public HelloReply typedInlineWrapped(Clients s) {
        return s.clients.inlineWrapped.hello(s.hello);
    }
}
