package io.microcdi.server.grpc;

import com.google.protobuf.Descriptors;
import io.grpc.HandlerRegistry;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallExecutorSupplier;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.ProtoServiceDescriptorSupplier;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionService;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.microcdi.codec.Codecs;
import io.microcdi.codec.json.JsonCodec;
import io.microcdi.codec.proto.ProtoCodec;
import io.microcdi.config.ConfigException;
import io.microcdi.internal.config.Addresses;
import io.microcdi.internal.exec.HandlerExecutors;
import io.microcdi.internal.grpc.Bytes;
import io.microcdi.internal.grpc.Forms;
import io.microcdi.internal.grpc.Schemas;
import io.microcdi.registry.Registry;
import io.microcdi.registry.Service;
import io.microcdi.server.EndpointDefinition;
import io.microcdi.server.Server;
import io.microcdi.server.ServiceDefinition;
import io.microcdi.server.rpc.RpcServer;
import io.microcdi.server.rpc.RpcServerConfig;
import io.microcdi.telemetry.Observed;
import io.microcdi.telemetry.Telemetry;
import io.microcdi.transport.Transport;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Serves the services' endpoints over gRPC (grpc-java on its shaded Netty): unary and the three streaming kinds,
 * in protobuf ({@code application/grpc}, {@code application/grpc+proto}) or JSON ({@code application/grpc+json}),
 * with the standard health service and server reflection.
 *
 * <pre>{@code
 * Server server = new GrpcServer(GrpcServerConfig.from(config), registry, transport, codecs);
 * server.handle(ServiceModel.define(Greeter.class, greeter, "greeter", "latest"));
 * server.start();   // /greeter.Greeter/Hello, and greeter.Greeter in reflection and health
 * }</pre>
 *
 * <p>Paths are Go Micro's: endpoint {@code Greeter.Hello} of service {@code greeter} is {@code /greeter.Greeter/Hello}
 * (the service name made a protobuf package, see {@link Schemas#packageOf}); as Go Micro's gRPC server, any package
 * reaches the handler ({@code /go.micro.srv.greeter.Greeter/Hello}, {@code /Greeter/Hello}) as long as one service
 * serves it.
 *
 * <p>Each service registers a node with {@code protocol=grpc}, {@code server=grpc} and {@code transport=grpc}. With
 * {@code micro.server.grpc.mucp=true} the same services are also served over mucp, by an {@link RpcServer} on
 * {@code micro.server.address} through the configured transport: the node registered is then that one, speaking mucp
 * at its address and gRPC at its {@code grpc-address} metadata.
 */
public final class GrpcServer implements Server, Observed {

    static final String ID = "go.micro.server";
    /** The node metadata naming where a node that speaks mucp too answers gRPC. */
    public static final String GRPC_ADDRESS = "grpc-address";

    private static final System.Logger LOG = System.getLogger(GrpcServer.class.getName());

    private final GrpcServerConfig config;
    private final Registry registry;
    private final Transport transport;
    private final Codecs codecs;
    private final List<ServiceDefinition> services = new CopyOnWriteArrayList<>();
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean stopped = new AtomicBoolean();
    private volatile io.grpc.Server grpc;
    private volatile ExecutorService handlers;
    private volatile HealthStatusManager health;
    private volatile GrpcRegistration registration;
    private volatile RpcServer mucp;
    private Telemetry telemetry = Telemetry.NONE;
    private volatile String address;

    /** A server registering in {@code registry}; {@code transport} carries mucp when it is served too. */
    public GrpcServer(GrpcServerConfig config, Registry registry, Transport transport, Codecs codecs) {
        this.config = config;
        this.registry = registry;
        this.transport = transport;
        this.codecs = codecs;
    }

    @Override
    public String name() {
        return "grpc";
    }

    /** Reports each unary call served (over gRPC, and over mucp when served too) to {@code telemetry}; before start. */
    @Override
    public void observe(Telemetry telemetry) {
        this.telemetry = telemetry;
    }

    @Override
    public void handle(ServiceDefinition service) {
        if (started.get()) {
            throw new IllegalStateException("handle(" + service.name() + "): the server has already started");
        }
        services.add(service);
    }

    @Override
    public List<ServiceDefinition> services() {
        return List.copyOf(services);
    }

    @Override
    public void start() {
        if (!started.compareAndSet(false, true)) {
            return;
        }
        try {
            Set<String> onLoop = new HashSet<>();
            List<ServerServiceDefinition> definitions = definitions(onLoop);
            RpcServerConfig common = config.server();
            handlers = HandlerExecutors.create("grpc-handler", common.handlerThreads(), common.virtualThreads());
            NettyServerBuilder b = NettyServerBuilder.forAddress(socket(config.listenAddress()))
                    // gRPC looks a call's method up on the event loop, then runs it where callExecutor says
                    .directExecutor()
                    .callExecutor(new Threads(Set.copyOf(onLoop), handlers))
                    .maxInboundMessageSize(config.maxMessageSize())
                    .fallbackHandlerRegistry(new GoMicroRoutes(definitions));
            definitions.forEach(b::addService);
            if (config.health()) {
                health = new HealthStatusManager();
                b.addService(health.getHealthService());
                for (ServerServiceDefinition d : definitions) {
                    health.setStatus(d.getServiceDescriptor().getName(), HealthCheckResponse.ServingStatus.SERVING);
                }
                for (ServiceDefinition s : services) {
                    health.setStatus(s.name(), HealthCheckResponse.ServingStatus.SERVING);
                }
            }
            if (config.reflection()) {
                b.addService(ProtoReflectionServiceV1.newInstance());
                @SuppressWarnings("deprecation")
                io.grpc.BindableService v1alpha = ProtoReflectionService.newInstance();
                b.addService(v1alpha);
            }
            grpc = b.build().start();
            InetSocketAddress bound = (InetSocketAddress) grpc.getListenSockets().get(0);
            String listen = config.listenAddress();
            address = listen.substring(0, listen.lastIndexOf(':')) + ":" + bound.getPort();
            String advertised = Addresses.advertisable(address);
            if (config.mucp()) {
                Map<String, String> md = new LinkedHashMap<>(common.metadata());
                md.put(GRPC_ADDRESS, advertised);
                RpcServerConfig withGrpc = new RpcServerConfig(common.address(), common.advertise(), common.id(),
                        common.version(), md, common.registerTtl(), common.registerInterval(),
                        common.shutdownGrace(), common.shutdownTimeout(), common.handlerThreads(),
                        common.virtualThreads(), common.broker(), common.debug());
                RpcServer rpc = new RpcServer(withGrpc, registry, transport, codecs);
                rpc.observe(telemetry);
                services.forEach(rpc::handle);
                mucp = rpc;
                rpc.start();
            } else {
                registration = new GrpcRegistration(common, registry, stopped);
                registration.register(services, common.advertise().orElse(advertised));
            }
        } catch (IOException e) {
            stop();
            throw new ConfigException("micro.server.address: cannot listen on " + config.listenAddress() + ": "
                    + e.getMessage());
        } catch (RuntimeException | Error e) {
            stop();
            throw e;
        }
        LOG.log(Level.INFO, "serving {0} over gRPC on {1}{2} (registry {3})",
                services.stream().map(ServiceDefinition::name).toList(), address,
                mucp == null ? "" : " and mucp on " + mucp.address(), registry.name());
    }

    private static InetSocketAddress socket(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        String host = hostPort.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port = Integer.parseInt(hostPort.substring(colon + 1));
        return host.isEmpty() ? new InetSocketAddress(port) : new InetSocketAddress(host, port);
    }

    /**
     * One gRPC service per handler of each service, its methods over the endpoints' forms, all resolved now; the full
     * names of the methods whose endpoints never block are added to {@code onLoop}.
     */
    private List<ServerServiceDefinition> definitions(Set<String> onLoop) {
        JsonCodec json = codecs.get("application/json") instanceof JsonCodec j ? j : new JsonCodec();
        ProtoCodec proto = codecs.get(ProtoCodec.CONTENT_TYPE) instanceof ProtoCodec p ? p : new ProtoCodec();
        List<ServerServiceDefinition> definitions = new ArrayList<>();
        Set<String> generated = Schemas.generatedNames(services);
        for (ServiceDefinition s : services) {
            Schemas schema = Schemas.of(s, generated);
            String pkg = Schemas.packageOf(s.name());
            Map<String, List<EndpointDefinition>> byHandler = new LinkedHashMap<>();
            for (EndpointDefinition e : s.endpoints()) {
                byHandler.computeIfAbsent(Schemas.handler(e.name()), h -> new ArrayList<>()).add(e);
            }
            for (Map.Entry<String, List<EndpointDefinition>> h : byHandler.entrySet()) {
                String grpcService = pkg + "." + h.getKey();
                Descriptors.ServiceDescriptor described = schema.service(h.getKey());
                List<ServerMethodDefinition<byte[], byte[]>> methods = new ArrayList<>();
                for (EndpointDefinition e : h.getValue()) {
                    MethodDescriptor<byte[], byte[]> md = MethodDescriptor.<byte[], byte[]>newBuilder()
                            .setType(type(e.streaming()))
                            .setFullMethodName(MethodDescriptor.generateFullMethodName(grpcService,
                                    Schemas.method(e.name())))
                            .setRequestMarshaller(Bytes.MARSHALLER)
                            .setResponseMarshaller(Bytes.MARSHALLER)
                            .setSchemaDescriptor(described == null ? null
                                    : new Described(described.getFile(), described))
                            .build();
                    Forms in = Forms.of(e.requestType(), schema.message(e.requestType()), json, proto);
                    Forms out = Forms.of(e.responseType(), schema.message(e.responseType()), json, proto);
                    methods.add(ServerMethodDefinition.create(md, new GrpcMethod(s.name(), e, in, out, telemetry)));
                    if (e.nonBlocking()) {
                        onLoop.add(md.getFullMethodName());
                    }
                }
                ServiceDescriptor.Builder sd = ServiceDescriptor.newBuilder(grpcService)
                        .setSchemaDescriptor(described == null ? null : new Described(described.getFile(), described));
                methods.forEach(m -> sd.addMethod(m.getMethodDescriptor()));
                ServerServiceDefinition.Builder def = ServerServiceDefinition.builder(sd.build());
                methods.forEach(def::addMethod);
                definitions.add(def.build());
            }
        }
        return definitions;
    }

    private static MethodDescriptor.MethodType type(EndpointDefinition.Streaming s) {
        return switch (s) {
            case NONE -> MethodDescriptor.MethodType.UNARY;
            case SERVER -> MethodDescriptor.MethodType.SERVER_STREAMING;
            case CLIENT -> MethodDescriptor.MethodType.CLIENT_STREAMING;
            case BIDI -> MethodDescriptor.MethodType.BIDI_STREAMING;
        };
    }

    @Override
    public String address() {
        String a = address;
        if (a == null) {
            throw new IllegalStateException("the server has not started");
        }
        return a;
    }

    /** The mucp server serving the same services, when {@code micro.server.grpc.mucp=true}; else {@code null}. */
    public RpcServer mucp() {
        return mucp;
    }

    /** The services as registered, with this node. */
    public List<Service> registered() {
        RpcServer m = mucp;
        if (m != null) {
            return m.registered();
        }
        GrpcRegistration r = registration;
        return r == null ? List.of() : r.registered();
    }

    /**
     * Deregisters, then lets the calls in flight finish (up to {@code micro.server.shutdown-timeout}) while refusing
     * new ones: health answers {@code NOT_SERVING} from the deregistration on.
     */
    @Override
    public void stop() {
        if (!started.get() || !stopped.compareAndSet(false, true)) {
            return;
        }
        RpcServerConfig common = config.server();
        HealthStatusManager h = health;
        if (h != null) {
            h.enterTerminalState();
        }
        RpcServer m = mucp;
        if (m != null) {
            m.stop();
        }
        GrpcRegistration r = registration;
        if (r != null) {
            r.deregister(common.shutdownTimeout());
            if (!r.registered().isEmpty() && !common.shutdownGrace().isZero()) {
                // clients that still know this node get answers until their selector drops it
                r.grace(common.shutdownGrace());
            }
        }
        io.grpc.Server g = grpc;
        if (g != null) {
            g.shutdown();
            try {
                if (!g.awaitTermination(common.shutdownTimeout().toNanos(), TimeUnit.NANOSECONDS)) {
                    LOG.log(Level.WARNING, "stopping with calls still running after {0}", common.shutdownTimeout());
                    g.shutdownNow();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                g.shutdownNow();
            }
        }
        ExecutorService e = handlers;
        if (e != null) {
            e.shutdown();
        }
    }

    /** What reflection reads from a service or method: the file holding it, and the service. */
    private record Described(Descriptors.FileDescriptor file, Descriptors.ServiceDescriptor service)
            implements ProtoServiceDescriptorSupplier {
        @Override
        public Descriptors.FileDescriptor getFileDescriptor() {
            return file;
        }

        @Override
        public Descriptors.ServiceDescriptor getServiceDescriptor() {
            return service;
        }
    }

    /**
     * Where a call runs: on the event loop that read it when its endpoint never blocks
     * ({@link EndpointDefinition#nonBlocking()}), else on a handler thread, as health and reflection calls.
     */
    private static final class Threads implements ServerCallExecutorSupplier {
        private final Set<String> onLoop;
        private final Executor handlers;

        Threads(Set<String> onLoop, Executor handlers) {
            this.onLoop = onLoop;
            this.handlers = handlers;
        }

        @Override
        public <ReqT, RespT> Executor getExecutor(ServerCall<ReqT, RespT> call, io.grpc.Metadata headers) {
            // null: the server's own executor, direct
            return onLoop.contains(call.getMethodDescriptor().getFullMethodName()) ? null : handlers;
        }
    }

    /**
     * Go Micro's routing for paths no service is registered under: {@code /<any package>.<Handler>/<Method>} reaches
     * the one method of that handler and name; a name two services share is reached only by its own path.
     */
    private static final class GoMicroRoutes extends HandlerRegistry {
        private final Map<String, ServerMethodDefinition<?, ?>> byHandlerMethod;

        GoMicroRoutes(List<ServerServiceDefinition> definitions) {
            Map<String, ServerMethodDefinition<?, ?>> m = new HashMap<>();
            Map<String, Boolean> clash = new HashMap<>();
            for (ServerServiceDefinition d : definitions) {
                for (ServerMethodDefinition<?, ?> method : d.getMethods()) {
                    String key = shortName(method.getMethodDescriptor().getFullMethodName());
                    if (m.putIfAbsent(key, method) != null) {
                        clash.put(key, true);
                    }
                }
            }
            clash.keySet().forEach(m::remove);
            this.byHandlerMethod = Map.copyOf(m);
        }

        /** {@code Handler/Method} of {@code pkg.Handler/Method}. */
        private static String shortName(String fullMethodName) {
            int slash = fullMethodName.indexOf('/');
            if (slash < 0) {
                return fullMethodName;
            }
            int dot = fullMethodName.lastIndexOf('.', slash);
            return fullMethodName.substring(dot + 1);
        }

        @Override
        public ServerMethodDefinition<?, ?> lookupMethod(String methodName, String authority) {
            return byHandlerMethod.get(shortName(methodName));
        }
    }
}
