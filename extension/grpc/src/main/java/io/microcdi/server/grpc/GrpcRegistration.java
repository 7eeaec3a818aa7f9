package io.microcdi.server.grpc;

import io.microcdi.internal.model.Schema;
import io.microcdi.registry.Endpoint;
import io.microcdi.registry.Heartbeat;
import io.microcdi.registry.Node;
import io.microcdi.registry.Registry;
import io.microcdi.registry.Service;
import io.microcdi.server.EndpointDefinition;
import io.microcdi.server.ServiceDefinition;
import io.microcdi.server.rpc.RpcServerConfig;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A gRPC server's services in the registry, as Go Micro's gRPC server registers them: a node per service whose
 * metadata says {@code protocol=grpc}, {@code server=grpc}, {@code transport=grpc}; re-registered on a
 * {@link Heartbeat}, deregistered at stop.
 *
 * <pre>{@code
 * registration.register(services, "10.0.0.7:9090");
 * registration.deregister(config.shutdownTimeout());
 * }</pre>
 */
final class GrpcRegistration {

    private static final System.Logger LOG = System.getLogger(GrpcServer.class.getName());

    private final RpcServerConfig config;
    private final Registry registry;
    private final AtomicBoolean stopped;
    private volatile List<Service> registered = List.of();
    private volatile Heartbeat heartbeat;

    GrpcRegistration(RpcServerConfig config, Registry registry, AtomicBoolean stopped) {
        this.config = config;
        this.registry = registry;
        this.stopped = stopped;
    }

    void register(List<ServiceDefinition> services, String advertise) {
        List<Service> all = new ArrayList<>();
        for (ServiceDefinition s : services) {
            Service service = registration(s, advertise);
            registry.register(service, config.registerTtl());
            all.add(service);
            registered = List.copyOf(all);
        }
        heartbeat = Heartbeat.start("microcdi-register", config.registerInterval(), this::reregister);
    }

    List<Service> registered() {
        return registered;
    }

    void deregister(Duration wait) {
        Heartbeat hb = heartbeat;
        if (hb != null) {
            hb.stop(wait);
        }
        for (Service s : registered) {
            try {
                registry.deregister(s);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "deregistering " + s.name() + " failed: " + e.getMessage(), e);
            }
        }
    }

    /** Keeps answering for {@code grace} after deregistering: clients learn of it before calls are refused. */
    void grace(Duration grace) {
        long end = System.nanoTime() + grace.toNanos();
        for (long left = grace.toNanos(); left > 0; left = end - System.nanoTime()) {
            LockSupport.parkNanos(left);
        }
    }

    private Service registration(ServiceDefinition s, String advertise) {
        Map<String, String> md = new LinkedHashMap<>(config.metadata());
        md.put("protocol", "grpc");
        md.put("transport", "grpc");
        md.put("registry", registry.name());
        md.put("server", "grpc");
        md.put("broker", config.broker());
        List<Endpoint> endpoints = new ArrayList<>();
        for (EndpointDefinition e : s.endpoints()) {
            endpoints.add(new Endpoint(e.name(), Schema.of(e.requestType()), Schema.of(e.responseType()),
                    e.metadata()));
        }
        Node node = new Node(s.name() + "-" + config.id(), advertise, md);
        return new Service(s.name(), s.version(), s.metadata(), endpoints, List.of(node));
    }

    private void reregister() {
        for (Service s : registered) {
            if (stopped.get()) {
                return;
            }
            try {
                registry.register(s, config.registerTtl());
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "re-registering " + s.name() + " failed: " + e.getMessage(), e);
            }
        }
    }
}
