package io.microcdi.server.rpc;

import io.microcdi.internal.model.Schema;
import io.microcdi.registry.Endpoint;
import io.microcdi.registry.Heartbeat;
import io.microcdi.registry.Node;
import io.microcdi.registry.Registry;
import io.microcdi.registry.Service;
import io.microcdi.server.EndpointDefinition;
import io.microcdi.server.ServiceDefinition;
import io.microcdi.transport.StreamingTransport;
import io.microcdi.transport.Transport;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A server's services in the registry: registered at start with this node, re-registered on a {@link Heartbeat}
 * before their TTL runs out, deregistered at stop.
 *
 * <pre>{@code
 * registration.register(services, "10.0.0.7:8080");   // then every micro.register.interval
 * registration.deregister(config.shutdownTimeout());  // stops the heartbeat first
 * }</pre>
 */
final class Registration {

    private static final System.Logger LOG = System.getLogger(RpcServer.class.getName());

    private final RpcServerConfig config;
    private final Registry registry;
    private final Transport transport;
    /** The server's name, advertised in the node metadata. */
    private final String server;
    /** The server's: a heartbeat still running when it stops registers nothing more. */
    private final AtomicBoolean stopped;
    private volatile List<Service> registered = List.of();
    private volatile Heartbeat heartbeat;
    /** Why the last heartbeat failed to re-register a service, or {@code null}. */
    private volatile String failure;

    Registration(RpcServerConfig config, Registry registry, Transport transport, String server,
                 AtomicBoolean stopped) {
        this.config = config;
        this.registry = registry;
        this.transport = transport;
        this.server = server;
        this.stopped = stopped;
    }

    /** Registers each of {@code services} with a node at {@code advertise}, then starts the heartbeat. */
    void register(List<ServiceDefinition> services, String advertise) {
        List<Service> toRegister = services.stream().map(s -> registration(s, advertise)).toList();
        for (Service s : toRegister) {
            registry.register(s, config.registerTtl());
            registered = append(registered, s);
        }
        heartbeat = Heartbeat.start("microcdi-register", config.registerInterval(), this::reregister);
    }

    /** The services as registered, with this node. */
    List<Service> registered() {
        return registered;
    }

    /** Stops the heartbeat (waiting up to {@code wait} for a beat in progress), then deregisters every service. */
    void deregister(Duration wait) {
        Heartbeat hb = heartbeat;
        if (hb != null) {
            // a heartbeat already inside register() must finish before we deregister, or it re-registers us
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

    private static List<Service> append(List<Service> list, Service s) {
        List<Service> copy = new ArrayList<>(list);
        copy.add(s);
        return List.copyOf(copy);
    }

    private Service registration(ServiceDefinition s, String advertise) {
        Map<String, String> md = new LinkedHashMap<>(config.metadata());
        md.put("protocol", "mucp");
        md.put("transport", transport.name());
        md.put("registry", registry.name());
        md.put("server", server);
        // the broker this process is configured with, as Go Micro advertises it (whether or not it subscribes)
        md.put("broker", config.broker());
        if (transport instanceof StreamingTransport streaming) {
            streaming.nodeMetadata().forEach(md::putIfAbsent);
        }
        List<Endpoint> endpoints = new ArrayList<>();
        for (EndpointDefinition e : s.endpoints()) {
            endpoints.add(new Endpoint(e.name(), Schema.of(e.requestType()), Schema.of(e.responseType()),
                    e.metadata()));
        }
        Node node = new Node(s.name() + "-" + config.id(), advertise, md);
        return new Service(s.name(), s.version(), s.metadata(), endpoints, List.of(node));
    }

    /** Why the last heartbeat failed to re-register a service, if it did. */
    Optional<String> failure() {
        return Optional.ofNullable(failure);
    }

    private void reregister() {
        String failed = null;
        for (Service s : registered) {
            if (stopped.get()) {
                return;
            }
            try {
                registry.register(s, config.registerTtl());
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "re-registering " + s.name() + " failed: " + e.getMessage(), e);
                failed = s.name() + ": " + RpcServer.describe(e);
            }
        }
        failure = failed;
    }
}
