package io.microcdi.registry;

import java.time.Duration;
import java.util.List;

/**
 * Service discovery: nodes register themselves, clients look services up and watch for changes.
 *
 * <pre>{@code
 * registry.register(service, Duration.ofSeconds(60));
 * List<Service> versions = registry.getService("greeter");
 * }</pre>
 *
 * <p>Implementations are thread-safe. Registration is idempotent per node id: registering again refreshes the
 * node's TTL (a heartbeat) and replaces what it advertises.
 */
public interface Registry extends AutoCloseable {

    /** The plugin name, for example {@code mdns}; it goes into node metadata as {@code registry}. */
    String name();

    /**
     * Registers (or refreshes) the nodes of {@code service}; a node not refreshed within {@code ttl} is dropped.
     *
     * @throws RegistryException when the registry cannot be reached
     */
    void register(Service service, Duration ttl);

    /** Removes the nodes of {@code service} at once. */
    void deregister(Service service);

    /** The registered versions of service {@code name}, each with its nodes; empty when none is known. */
    List<Service> getService(String name);

    /** All known services, names and versions only. */
    List<Service> listServices();

    /** Watches changes to service {@code name}, or to every service when {@code name} is {@code null}. */
    Watcher watch(String name);

    /** Stops background work and withdraws whatever this registry instance registered. */
    @Override
    void close();
}
