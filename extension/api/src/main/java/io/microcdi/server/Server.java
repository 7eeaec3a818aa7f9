package io.microcdi.server;

import java.util.List;

/**
 * Serves the endpoints of one or more services on one listener and keeps them registered.
 *
 * <pre>{@code
 * server.handle(greeterDefinition);
 * server.start();   // listen, then register (and re-register every micro.register.interval)
 * server.stop();    // deregister, stop accepting, drain in-flight calls, close
 * }</pre>
 */
public interface Server extends AutoCloseable {

    /** The plugin name, for example {@code rpc}. */
    String name();

    /** Adds a service to serve; call before {@link #start()}. */
    void handle(ServiceDefinition service);

    /** The services added so far. */
    List<ServiceDefinition> services();

    /** Listens, then registers every service. */
    void start();

    /** The address listened on ({@code host:port}); valid after {@link #start()}. */
    String address();

    /** Deregisters, stops accepting, lets in-flight calls finish (bounded), then closes. Idempotent. */
    void stop();

    @Override
    default void close() {
        stop();
    }
}
