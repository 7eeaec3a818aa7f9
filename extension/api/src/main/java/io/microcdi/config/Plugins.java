package io.microcdi.config;

import io.microcdi.broker.Broker;
import io.microcdi.broker.BrokerProvider;
import io.microcdi.client.Client;
import io.microcdi.client.ClientProvider;
import io.microcdi.client.RetryPolicy;
import io.microcdi.codec.Codec;
import io.microcdi.codec.CodecProvider;
import io.microcdi.codec.Codecs;
import io.microcdi.registry.Registry;
import io.microcdi.registry.RegistryProvider;
import io.microcdi.selector.Selector;
import io.microcdi.selector.SelectorProvider;
import io.microcdi.server.Server;
import io.microcdi.server.ServerProvider;
import io.microcdi.transport.Transport;
import io.microcdi.transport.TransportProvider;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Chooses each concern's implementation by the name configured under {@code micro.<concern>}, among the providers
 * found by {@link ServiceLoader} and those handed in (CDI beans); an unknown name fails with the allowed ones.
 *
 * <pre>{@code
 * Plugins plugins = Plugins.load(getClass().getClassLoader(), List.of());
 * Registry registry = plugins.registry(config);   // micro.registry, default mdns
 * }</pre>
 */
public final class Plugins {

    /** The configuration keys and their defaults. */
    public static final String REGISTRY = "micro.registry";
    public static final String TRANSPORT = "micro.transport";
    public static final String SELECTOR = "micro.selector";
    public static final String CLIENT = "micro.client";
    public static final String SERVER = "micro.server";
    public static final String BROKER = "micro.broker";
    public static final String DEFAULT_REGISTRY = "mdns";
    public static final String DEFAULT_TRANSPORT = "http";
    public static final String DEFAULT_SELECTOR = "random";
    public static final String DEFAULT_CLIENT = "rpc";
    public static final String DEFAULT_SERVER = "rpc";
    public static final String DEFAULT_BROKER = "http";

    private final Map<String, RegistryProvider> registries;
    private final Map<String, TransportProvider> transports;
    private final Map<String, SelectorProvider> selectors;
    private final Map<String, CodecProvider> codecs;
    private final Map<String, ClientProvider> clients;
    private final Map<String, ServerProvider> servers;
    private final Map<String, BrokerProvider> brokers;

    private Plugins(Map<String, RegistryProvider> registries, Map<String, TransportProvider> transports,
                    Map<String, SelectorProvider> selectors, Map<String, CodecProvider> codecs,
                    Map<String, ClientProvider> clients, Map<String, ServerProvider> servers,
                    Map<String, BrokerProvider> brokers) {
        this.registries = registries;
        this.transports = transports;
        this.selectors = selectors;
        this.codecs = codecs;
        this.clients = clients;
        this.servers = servers;
        this.brokers = brokers;
    }

    /**
     * The providers visible to {@code loader}, plus {@code extra} ones (any provider type); an extra provider
     * replaces a loaded one of the same name.
     */
    public static Plugins load(ClassLoader loader, Collection<?> extra) {
        return new Plugins(
                index(RegistryProvider.class, loader, extra, RegistryProvider::name),
                index(TransportProvider.class, loader, extra, TransportProvider::name),
                index(SelectorProvider.class, loader, extra, SelectorProvider::name),
                index(CodecProvider.class, loader, extra, CodecProvider::name),
                index(ClientProvider.class, loader, extra, ClientProvider::name),
                index(ServerProvider.class, loader, extra, ServerProvider::name),
                index(BrokerProvider.class, loader, extra, BrokerProvider::name));
    }

    /** The registry named by {@code micro.registry}. */
    public Registry registry(MicroConfig config) {
        return pick(registries, REGISTRY, DEFAULT_REGISTRY, config).create(config);
    }

    /** The transport named by {@code micro.transport}. */
    public Transport transport(MicroConfig config) {
        return pick(transports, TRANSPORT, DEFAULT_TRANSPORT, config).create(config);
    }

    /** The broker named by {@code micro.broker}. */
    public Broker broker(MicroConfig config, Registry registry, Transport transport) {
        return pick(brokers, BROKER, DEFAULT_BROKER, config).create(config, registry, transport);
    }

    /** The selector named by {@code micro.selector}. */
    public Selector selector(MicroConfig config, Registry registry) {
        return pick(selectors, SELECTOR, DEFAULT_SELECTOR, config).create(config, registry);
    }

    /** Every codec found, keyed by content type. */
    public Codecs codecs(MicroConfig config) {
        List<Codec> all = new ArrayList<>();
        for (CodecProvider p : codecs.values()) {
            all.add(p.create(config));
        }
        return Codecs.of(all);
    }

    /** The client named by {@code micro.client}. */
    public Client client(MicroConfig config, Selector selector, Transport transport, Codecs codecs) {
        return client(config, selector, transport, codecs, RetryPolicy.defaults());
    }

    /** The client named by {@code micro.client}, retrying as {@code retryPolicy} says. */
    public Client client(MicroConfig config, Selector selector, Transport transport, Codecs codecs,
                         RetryPolicy retryPolicy) {
        return pick(clients, CLIENT, DEFAULT_CLIENT, config).create(new ClientProvider.Parts(config, selector, transport,
                codecs, retryPolicy));
    }

    /** The server named by {@code micro.server}. */
    public Server server(MicroConfig config, Registry registry, Transport transport, Codecs codecs) {
        return pick(servers, SERVER, DEFAULT_SERVER, config).create(config, registry, transport, codecs);
    }

    /** Checks every {@code micro.<concern>} name at once, so a start fails before anything is built. */
    public List<String> problems(MicroConfig config) {
        List<String> problems = new ArrayList<>();
        check(problems, registries, REGISTRY, DEFAULT_REGISTRY, config);
        check(problems, transports, TRANSPORT, DEFAULT_TRANSPORT, config);
        check(problems, selectors, SELECTOR, DEFAULT_SELECTOR, config);
        check(problems, clients, CLIENT, DEFAULT_CLIENT, config);
        check(problems, servers, SERVER, DEFAULT_SERVER, config);
        check(problems, brokers, BROKER, DEFAULT_BROKER, config);
        return problems;
    }

    private static void check(List<String> problems, Map<String, ?> found, String key, String fallback,
                              MicroConfig config) {
        try {
            pick(found, key, fallback, config);
        } catch (ConfigException e) {
            problems.add(e.getMessage());
        }
    }

    private static <P> P pick(Map<String, P> found, String key, String fallback, MicroConfig config) {
        String name = config.get(key, fallback).toLowerCase(Locale.ROOT);
        P p = found.get(name);
        if (p == null) {
            throw new ConfigException(key + "=" + name + " (expected: one of "
                    + String.join(", ", found.keySet()) + ")");
        }
        return p;
    }

    private static <P> Map<String, P> index(Class<P> type, ClassLoader loader, Collection<?> extra,
                                            Function<P, String> name) {
        Map<String, P> m = new LinkedHashMap<>();
        for (P p : ServiceLoader.load(type, loader)) {
            m.put(name.apply(p).toLowerCase(Locale.ROOT), p);
        }
        for (Object o : extra) {
            if (type.isInstance(o)) {
                P p = type.cast(o);
                m.put(name.apply(p).toLowerCase(Locale.ROOT), p);
            }
        }
        return Collections.unmodifiableMap(new TreeMap<>(m));
    }
}
