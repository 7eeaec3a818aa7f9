package io.microcdi.cdi;

import io.microcdi.broker.Broker;
import io.microcdi.broker.BrokerProvider;
import io.microcdi.client.Client;
import io.microcdi.client.ClientProvider;
import io.microcdi.client.RetryPolicy;
import io.microcdi.codec.CodecProvider;
import io.microcdi.codec.Codecs;
import io.microcdi.config.MicroConfig;
import io.microcdi.internal.config.DefaultMicroConfig;
import io.microcdi.internal.config.RenamedKeys;
import io.microcdi.config.Plugins;
import io.microcdi.registry.Registry;
import io.microcdi.registry.RegistryProvider;
import io.microcdi.selector.Selector;
import io.microcdi.selector.SelectorProvider;
import io.microcdi.server.Server;
import io.microcdi.server.ServerProvider;
import io.microcdi.telemetry.Observed;
import io.microcdi.telemetry.Telemetries;
import io.microcdi.telemetry.Telemetry;
import io.microcdi.telemetry.TelemetryProvider;
import io.microcdi.transport.Transport;
import io.microcdi.transport.TransportProvider;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.enterprise.inject.spi.BeanContainer;
import io.microcdi.context.CallContext;
import io.microcdi.context.CallContexts;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.ConfigProvider;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Produces each concern from the plugin that MicroProfile Config names ({@code micro.registry=mdns},
 * env {@code MICRO_REGISTRY=memory}, {@code micro.broker=http}, ...); provider beans join the providers found by
 * {@code ServiceLoader}.
 *
 * <pre>{@code
 * // a user's own producer wins over these when its class is an enabled alternative:
 * @Alternative @Priority(1) @Dependent
 * class MyRegistry { @Produces @Singleton Registry registry() { return new MemoryRegistry(); } }
 * }</pre>
 *
 * <p>The products are {@code @Singleton}: no client proxy sits between the call path and the implementation.
 */
@Dependent
public class MicroProducers {

    /**
     * {@code @Inject CallContext call}: a view of the call or message the current thread handles (each method reads
     * the current one), so it injects anywhere, {@code @ApplicationScoped} beans included.
     */
    @Produces
    @Singleton
    CallContext callContext() {
        return CallContexts.view();
    }

    @Produces
    @Singleton
    MicroConfig config() {
        return DefaultMicroConfig.of(ConfigProvider.getConfig());
    }

    @Produces
    @Singleton
    Plugins plugins(MicroConfig config, @Any Instance<RegistryProvider> registries,
                    @Any Instance<TransportProvider> transports, @Any Instance<SelectorProvider> selectors,
                    @Any Instance<CodecProvider> codecs, @Any Instance<ClientProvider> clients,
                    @Any Instance<ServerProvider> servers, @Any Instance<BrokerProvider> brokers) {
        List<Object> beans = new ArrayList<>();
        registries.forEach(beans::add);
        transports.forEach(beans::add);
        selectors.forEach(beans::add);
        codecs.forEach(beans::add);
        clients.forEach(beans::add);
        servers.forEach(beans::add);
        brokers.forEach(beans::add);
        Plugins plugins = Plugins.load(MicroProducers.class.getClassLoader(), beans);
        List<String> problems = new ArrayList<>(RenamedKeys.problems(config));
        problems.addAll(plugins.problems(config));
        if (!problems.isEmpty()) {
            throw new io.microcdi.config.ConfigException(String.join("; ", problems));
        }
        return plugins;
    }

    /**
     * The telemetry of the telemetry modules on the class path ({@code microcdi-telemetry-micrometer},
     * {@code microcdi-telemetry-otel}), given the container's {@code MeterRegistry} or {@code OpenTelemetry} bean when
     * it has one; {@link Telemetry#NONE} without them. The parts below report to it.
     */
    @Produces
    @Singleton
    Telemetry telemetry(MicroConfig config, BeanContainer container) {
        // looked up by type through the container, not an Instance<Object> injection point, which would keep every
        // bean of an application alive in containers that drop unused beans (Quarkus)
        return Telemetries.load(MicroProducers.class.getClassLoader(), config, new TelemetryProvider.Beans() {
            @Override
            public <T> Optional<T> get(Class<T> type) {
                Instance<T> found = container.createInstance().select(type);
                return found.isResolvable() ? Optional.of(found.get()) : Optional.empty();
            }
        });
    }

    void close(@Disposes Telemetry telemetry) {
        telemetry.close();
    }

    @Produces
    @Singleton
    Registry registry(Plugins plugins, MicroConfig config) {
        return plugins.registry(config);
    }

    void close(@Disposes Registry registry) {
        registry.close();
    }

    @Produces
    @Singleton
    Transport transport(Plugins plugins, MicroConfig config, Telemetry telemetry) {
        return Observed.wire(plugins.transport(config), telemetry);
    }

    void close(@Disposes Transport transport) {
        transport.close();
    }

    @Produces
    @Singleton
    Codecs codecs(Plugins plugins, MicroConfig config) {
        return plugins.codecs(config);
    }

    @Produces
    @Singleton
    Selector selector(Plugins plugins, MicroConfig config, Registry registry, Telemetry telemetry) {
        return Observed.wire(plugins.selector(config, registry), telemetry);
    }

    void close(@Disposes Selector selector) {
        selector.close();
    }

    @Produces
    @Singleton
    Client client(Plugins plugins, MicroConfig config, Selector selector, Transport transport, Codecs codecs,
                  Instance<RetryPolicy> retryPolicies, Telemetry telemetry) {
        // a RetryPolicy bean of the application replaces the default predicate
        if (retryPolicies.isAmbiguous()) {
            throw new io.microcdi.config.ConfigException("more than one RetryPolicy bean: "
                    + retryPolicies.handlesStream().map(h -> h.getBean().getBeanClass().getName()).toList()
                    + " (expected: at most one, or one @Alternative with @Priority)");
        }
        RetryPolicy policy = retryPolicies.isUnsatisfied() ? RetryPolicy.defaults() : retryPolicies.get();
        return Observed.wire(plugins.client(config, selector, transport, codecs, policy), telemetry);
    }

    void close(@Disposes Client client) {
        client.close();
    }

    @Produces
    @Singleton
    Server server(Plugins plugins, MicroConfig config, Registry registry, Transport transport, Codecs codecs,
                  Telemetry telemetry) {
        return Observed.wire(plugins.server(config, registry, transport, codecs), telemetry);
    }

    void close(@Disposes Server server) {
        server.stop();
    }

    /**
     * The broker named by {@code micro.broker}, connected. Made only when something publishes or subscribes, so a
     * process without pub/sub never starts one.
     */
    @Produces
    @Singleton
    Broker broker(Plugins plugins, MicroConfig config, Registry registry, Transport transport, Telemetry telemetry) {
        Broker broker = Observed.wire(plugins.broker(config, registry, transport), telemetry);
        try {
            broker.connect();
        } catch (RuntimeException | Error e) {
            broker.disconnect();
            throw e;
        }
        return broker;
    }

    void close(@Disposes Broker broker) {
        broker.disconnect();
    }
}
