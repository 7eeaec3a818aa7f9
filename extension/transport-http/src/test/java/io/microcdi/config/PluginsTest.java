package io.microcdi.config;

import io.microcdi.broker.Broker;
import io.microcdi.broker.BrokerProvider;
import io.microcdi.client.Client;
import io.microcdi.client.ClientProvider;
import io.microcdi.codec.Codec;
import io.microcdi.codec.CodecProvider;
import io.microcdi.codec.Codecs;
import io.microcdi.codec.json.JsonCodec;
import io.microcdi.registry.Registry;
import io.microcdi.registry.RegistryProvider;
import io.microcdi.registry.Service;
import io.microcdi.registry.Watcher;
import io.microcdi.selector.Next;
import io.microcdi.selector.Selector;
import io.microcdi.selector.SelectorProvider;
import io.microcdi.server.Server;
import io.microcdi.server.ServerProvider;
import io.microcdi.transport.Transport;
import io.microcdi.transport.TransportProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Type;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PluginsTest {

    @TempDir
    Path dir;

    private final List<URLClassLoader> loaders = new ArrayList<>();

    @AfterEach
    void closeLoaders() throws IOException {
        for (URLClassLoader l : loaders) {
            l.close();
        }
    }

    /** A registry that only knows its name and who made it. */
    record StubRegistry(String name, String madeBy) implements Registry {

        @Override
        public void register(Service service, Duration ttl) {
        }

        @Override
        public void deregister(Service service) {
        }

        @Override
        public List<Service> getService(String name) {
            return List.of();
        }

        @Override
        public List<Service> listServices() {
            return List.of();
        }

        @Override
        public Watcher watch(String name) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void close() {
        }
    }

    /** A registry provider handed in as an extra (a CDI bean in real life). */
    static final class ExtraRegistryProvider implements RegistryProvider {
        private final String name;

        ExtraRegistryProvider(String name) {
            this.name = name;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public Registry create(MicroConfig config) {
            return new StubRegistry(name, "extra");
        }
    }

    /** Found through the service file; named "test" like the extra one. */
    public static final class LoadedTestRegistryProvider implements RegistryProvider {
        @Override
        public String name() {
            return "test";
        }

        @Override
        public Registry create(MicroConfig config) {
            return new StubRegistry("test", "loaded");
        }
    }

    /** Found through the service file; named "loaded". */
    public static final class LoadedOtherRegistryProvider implements RegistryProvider {
        @Override
        public String name() {
            return "Loaded";
        }

        @Override
        public Registry create(MicroConfig config) {
            return new StubRegistry("loaded", "loaded");
        }
    }

    record StubSelector(String name) implements Selector {
        @Override
        public Next select(String service, io.microcdi.selector.SelectOptions options) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void mark(String service, io.microcdi.registry.Node node, Throwable error) {
        }

        @Override
        public void reset(String service) {
        }

        /** A stub knows no nodes: no address ever goes. */
        @Override
        public void onAddressGone(java.util.function.Consumer<String> listener) {
        }

        @Override
        public void close() {
        }
    }

    record NamedSelectorProvider(String name) implements SelectorProvider {
        @Override
        public Selector create(MicroConfig config, Registry registry) {
            return new StubSelector(name);
        }
    }

    record NamedTransportProvider(String name) implements TransportProvider {
        @Override
        public Transport create(MicroConfig config) {
            throw new UnsupportedOperationException();
        }
    }

    record NamedClientProvider(String name) implements ClientProvider {
        @Override
        public Client create(Parts parts) {
            throw new UnsupportedOperationException();
        }
    }

    record NamedServerProvider(String name) implements ServerProvider {
        @Override
        public Server create(MicroConfig config, Registry registry, Transport transport, Codecs codecs) {
            throw new UnsupportedOperationException();
        }
    }

    record NamedBrokerProvider(String name) implements BrokerProvider {
        @Override
        public Broker create(MicroConfig config, Registry registry, Transport transport) {
            throw new UnsupportedOperationException();
        }
    }

    record StubCodec(String name, String contentType) implements Codec {
        @Override
        public <T> Decoder<T> decoder(Type type) {
            return data -> null;
        }

        @Override
        public Encoder encoder(Type type) {
            return value -> new byte[0];
        }
    }

    record StubCodecProvider(String name, String contentType) implements CodecProvider {
        @Override
        public Codec create(MicroConfig config) {
            return new StubCodec(name, contentType);
        }
    }

    /** A provider of two concerns at once. */
    static final class DualProvider implements RegistryProvider, SelectorProvider {
        @Override
        public String name() {
            return "dual";
        }

        @Override
        public Registry create(MicroConfig config) {
            return new StubRegistry("dual", "dual");
        }

        @Override
        public Selector create(MicroConfig config, Registry registry) {
            return new StubSelector("dual");
        }
    }

    /**
     * A class loader that sees only the given registry providers through META-INF/services (none of the class path's
     * service files), while loading classes from the test class path.
     */
    private ClassLoader loaderWith(Class<?>... registryProviders) {
        try {
            Path services = dir.resolve("META-INF/services");
            Files.createDirectories(services);
            if (registryProviders.length > 0) {
                Files.writeString(services.resolve(RegistryProvider.class.getName()),
                        Arrays.stream(registryProviders).map(Class::getName)
                                .collect(Collectors.joining("\n", "# test providers\n", "\n")));
            }
            URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()},
                    PluginsTest.class.getClassLoader()) {
                @Override
                public Enumeration<URL> getResources(String name) throws IOException {
                    return findResources(name);
                }
            };
            loaders.add(loader);
            return loader;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static MicroConfig config(String... keysAndValues) {
        Map<String, String> m = new java.util.HashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return MicroConfig.of(m);
    }

    @Test
    void unknownRegistryListsNamesFound() {
        Plugins plugins = Plugins.load(loaderWith(LoadedOtherRegistryProvider.class),
                List.of(new ExtraRegistryProvider("test")));

        assertThatThrownBy(() -> plugins.registry(config("micro.registry", "foo")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("micro.registry=foo (expected: one of loaded, test)");
    }

    @Test
    void unknownNameIsReportedInLowerCase() {
        Plugins plugins = Plugins.load(loaderWith(), List.of(new ExtraRegistryProvider("test")));

        assertThatThrownBy(() -> plugins.registry(config("micro.registry", "FOO")))
                .hasMessage("micro.registry=foo (expected: one of test)");
    }

    @Test
    void missingDefaultRegistryIsReportedByName() {
        Plugins plugins = Plugins.load(loaderWith(), List.of(new ExtraRegistryProvider("test")));

        assertThatThrownBy(() -> plugins.registry(config()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("micro.registry=" + Plugins.DEFAULT_REGISTRY + " (expected: one of test)");
    }

    @Test
    void extraProviderIsChosenByName() {
        Plugins plugins = Plugins.load(loaderWith(LoadedOtherRegistryProvider.class),
                List.of(new ExtraRegistryProvider("test")));

        Registry registry = plugins.registry(config("micro.registry", "test"));

        assertThat(registry).isEqualTo(new StubRegistry("test", "extra"));
    }

    @Test
    void loadedProviderIsChosenByName() {
        Plugins plugins = Plugins.load(loaderWith(LoadedOtherRegistryProvider.class, LoadedTestRegistryProvider.class),
                List.of());

        assertThat(plugins.registry(config("micro.registry", "loaded"))).isEqualTo(new StubRegistry("loaded", "loaded"));
        assertThat(plugins.registry(config("micro.registry", "test"))).isEqualTo(new StubRegistry("test", "loaded"));
    }

    @Test
    void extraProviderReplacesLoadedOneOfSameName() {
        Plugins plugins = Plugins.load(loaderWith(LoadedTestRegistryProvider.class),
                List.of(new ExtraRegistryProvider("test")));

        assertThat(plugins.registry(config("micro.registry", "test"))).isEqualTo(new StubRegistry("test", "extra"));
        assertThatThrownBy(() -> plugins.registry(config("micro.registry", "foo")))
                .hasMessage("micro.registry=foo (expected: one of test)");
    }

    @Test
    void laterExtraReplacesEarlierOfSameName() {
        ExtraRegistryProvider first = new ExtraRegistryProvider("test");
        ExtraRegistryProvider second = new ExtraRegistryProvider("TEST");

        Plugins plugins = Plugins.load(loaderWith(), List.of(first, second));

        assertThat(plugins.registry(config("micro.registry", "test")).name()).isEqualTo("TEST");
    }

    @Test
    void namesAreMatchedIgnoringCase() {
        Plugins plugins = Plugins.load(loaderWith(), List.of(new ExtraRegistryProvider("Test")));

        assertThat(plugins.registry(config("micro.registry", "TEST")).name()).isEqualTo("Test");
    }

    @Test
    void configuredNameIsTrimmed() {
        Plugins plugins = Plugins.load(loaderWith(), List.of(new ExtraRegistryProvider("test")));

        assertThat(plugins.registry(config("micro.registry", "  test ")).name()).isEqualTo("test");
    }

    @Test
    void extrasOfOtherTypesAreIgnored() {
        Plugins plugins = Plugins.load(loaderWith(),
                List.of("not a provider", 42, new ExtraRegistryProvider("test")));

        assertThat(plugins.registry(config("micro.registry", "test")).name()).isEqualTo("test");
    }

    @Test
    void oneObjectMayProvideSeveralConcerns() {
        Plugins plugins = Plugins.load(loaderWith(), List.of(new DualProvider()));
        MicroConfig config = config("micro.registry", "dual", "micro.selector", "dual");

        Registry registry = plugins.registry(config);

        assertThat(registry.name()).isEqualTo("dual");
        assertThat(plugins.selector(config, registry).name()).isEqualTo("dual");
    }

    @Test
    void selectorIsChosenByName() {
        Plugins plugins = Plugins.load(loaderWith(),
                List.of(new NamedSelectorProvider("random"), new NamedSelectorProvider("roundrobin")));
        Registry registry = new StubRegistry("test", "test");

        assertThat(plugins.selector(config(), registry).name()).isEqualTo("random");
        assertThat(plugins.selector(config("micro.selector", "roundrobin"), registry).name())
                .isEqualTo("roundrobin");
        assertThatThrownBy(() -> plugins.selector(config("micro.selector", "weighted"), registry))
                .isInstanceOf(ConfigException.class)
                .hasMessage("micro.selector=weighted (expected: one of random, roundrobin)");
    }

    @Test
    void everyCodecIsActiveByContentType() {
        Plugins plugins = Plugins.load(loaderWith(), List.of(
                new StubCodecProvider("a", "application/a"), new StubCodecProvider("b", "application/b")));

        Codecs codecs = plugins.codecs(config());

        assertThat(codecs.contentTypes()).containsExactlyInAnyOrder("application/a", "application/b");
        assertThat(codecs.get("application/b; charset=utf-8").name()).isEqualTo("b");
    }

    @Test
    void noProvidersAtAllGivesNoCodecs() {
        Plugins plugins = Plugins.load(loaderWith(), List.of());

        assertThat(plugins.codecs(config()).contentTypes()).isEmpty();
    }

    @Test
    void problemsReportsEveryBadKeyAtOnce() {
        Plugins plugins = Plugins.load(loaderWith(), List.of(
                new ExtraRegistryProvider("test"), new NamedSelectorProvider("random"),
                new NamedClientProvider("rpc"), new NamedServerProvider("rpc"), new NamedBrokerProvider("http")));

        List<String> problems = plugins.problems(config(
                "micro.registry", "foo", "micro.selector", "bar"));

        assertThat(problems).containsExactly(
                "micro.registry=foo (expected: one of test)",
                "micro.transport=http (expected: one of )",
                "micro.selector=bar (expected: one of random)");
    }

    @Test
    void problemsCoverAllSixConcerns() {
        Plugins plugins = Plugins.load(loaderWith(), List.of());

        List<String> problems = plugins.problems(config());

        assertThat(problems).hasSize(6);
        assertThat(problems).extracting(p -> p.substring(0, p.indexOf('=')))
                .containsExactly("micro.registry", "micro.transport", "micro.selector", "micro.client",
                        "micro.server", "micro.broker");
    }

    @Test
    void brokerIsChosenByNameAndAnUnknownOneIsAProblem() {
        Plugins plugins = Plugins.load(loaderWith(), List.of(
                new ExtraRegistryProvider("mdns"), new NamedTransportProvider("http"),
                new NamedSelectorProvider("random"), new NamedClientProvider("rpc"), new NamedServerProvider("rpc"),
                new NamedBrokerProvider("http"), new NamedBrokerProvider("memory")));

        assertThat(plugins.problems(config("micro.broker", "memory"))).isEmpty();
        assertThat(plugins.problems(config("micro.broker", "kafka")))
                .containsExactly("micro.broker=kafka (expected: one of http, memory)");
        assertThatThrownBy(() -> plugins.broker(config("micro.broker", "kafka"), null, null))
                .isInstanceOf(ConfigException.class)
                .hasMessage("micro.broker=kafka (expected: one of http, memory)");
    }

    @Test
    void classPathProvidesHttpAndMemoryBrokers() {
        Plugins plugins = Plugins.load(PluginsTest.class.getClassLoader(), List.of());

        assertThat(plugins.problems(config())).noneMatch(p -> p.startsWith("micro.broker="));
        assertThat(plugins.problems(config("micro.broker", "memory")))
                .noneMatch(p -> p.startsWith("micro.broker="));
        Broker broker = plugins.broker(config("micro.broker", "memory"), null, null);
        assertThat(broker.name()).isEqualTo("memory");
        Broker http = plugins.broker(config(), new StubRegistry("test", "test"),
                new io.microcdi.transport.memory.MemoryTransport());
        assertThat(http.name()).isEqualTo("http");
        assertThat(http.address()).isEmpty(); // made, not connected: nothing listens yet
    }

    @Test
    void noProblemsWhenEveryNameResolves() {
        Plugins plugins = Plugins.load(loaderWith(), List.of(
                new ExtraRegistryProvider("memory"), new NamedTransportProvider("http"),
                new NamedSelectorProvider("random"), new NamedClientProvider("rpc"), new NamedServerProvider("rpc"),
                new NamedBrokerProvider("http")));

        assertThat(plugins.problems(config("micro.registry", "memory"))).isEmpty();
    }

    @Test
    void problemsDoNotCreateAnything() {
        Plugins plugins = Plugins.load(loaderWith(), List.of(
                new ExtraRegistryProvider("mdns"), new NamedTransportProvider("http"),
                new NamedSelectorProvider("random"), new NamedClientProvider("rpc"), new NamedServerProvider("rpc"),
                new NamedBrokerProvider("http")));

        // the transport, client, server and broker providers throw on create: problems() must only check names
        assertThat(plugins.problems(config())).isEmpty();
    }

    @Test
    void classPathProvidesRandomSelectorAndJsonCodec() {
        Plugins plugins = Plugins.load(PluginsTest.class.getClassLoader(), List.of());
        MicroConfig config = config();

        assertThat(plugins.selector(config, new StubRegistry("test", "test")).name()).isEqualTo("random");
        assertThat(plugins.codecs(config).get(JsonCodec.CONTENT_TYPE)).isInstanceOf(JsonCodec.class);
        assertThat(plugins.problems(config)).noneMatch(p -> p.startsWith("micro.selector=")
                || p.startsWith("micro.client=") || p.startsWith("micro.server="));
    }

    @Test
    void classPathUnknownRegistryMessageListsNames() {
        Plugins plugins = Plugins.load(PluginsTest.class.getClassLoader(), List.of(new ExtraRegistryProvider("test")));

        assertThatThrownBy(() -> plugins.registry(config("micro.registry", "foo")))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("micro.registry=foo (expected: one of ")
                .hasMessageContaining("test")
                .hasMessageEndingWith(")");
    }
}
