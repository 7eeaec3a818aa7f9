package io.microcdi.registry;

import io.microcdi.config.MicroConfig;

/**
 * Makes a {@link Registry}; the one whose {@link #name()} equals {@code micro.registry} is used.
 *
 * <pre>{@code
 * public final class EtcdRegistryProvider implements RegistryProvider {
 *     public String name() { return "etcd"; }
 *     public Registry create(MicroConfig config) { return new EtcdRegistry(EtcdRegistryConfig.from(config)); }
 * }
 * }</pre>
 *
 * <p>Found through {@code META-INF/services/io.microcdi.registry.RegistryProvider} and, in a CDI container, as beans.
 */
public interface RegistryProvider {

    /** The plugin name, lower case: {@code mdns}, {@code memory}, {@code etcd}. */
    String name();

    /** A new registry configured from {@code micro.registry.<name>.*}. */
    Registry create(MicroConfig config);
}
