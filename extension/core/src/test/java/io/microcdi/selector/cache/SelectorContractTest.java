package io.microcdi.selector.cache;

import io.microcdi.internal.config.DefaultMicroConfig;
import io.microcdi.registry.Registry;
import io.microcdi.registry.memory.MemoryRegistry;
import io.microcdi.selector.Selector;
import io.microcdi.selector.SelectorProvider;
import io.microcdi.testing.selector.SelectorContract;
import org.junit.jupiter.api.Nested;

import java.util.Map;
import java.util.ServiceLoader;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each built-in selector, found by name through its provider with the default settings (cache and ejection on), passes
 * {@link SelectorContract} over a memory registry.
 */
class SelectorContractTest {

    /** The selector {@code name} over {@code registry}, as {@code micro.selector=<name>} makes it. */
    static Selector byName(String name, Registry registry) {
        SelectorProvider provider = ServiceLoader.load(SelectorProvider.class).stream()
                .map(ServiceLoader.Provider::get)
                .filter(p -> p.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no selector provider named " + name));
        Selector s = provider.create(DefaultMicroConfig.of(Map.of()), registry);
        assertThat(s.name()).isEqualTo(name);
        return s;
    }

    @Nested
    class Random extends SelectorContract {

        @Override
        protected Registry newRegistry() {
            return new MemoryRegistry();
        }

        @Override
        protected Selector newSelector(Registry registry) {
            return byName("random", registry);
        }
    }

    @Nested
    class RoundRobin extends SelectorContract {

        @Override
        protected Registry newRegistry() {
            return new MemoryRegistry();
        }

        @Override
        protected Selector newSelector(Registry registry) {
            return byName("roundrobin", registry);
        }
    }

    @Nested
    class LeastRequests extends SelectorContract {

        @Override
        protected Registry newRegistry() {
            return new MemoryRegistry();
        }

        @Override
        protected Selector newSelector(Registry registry) {
            return byName("leastrequests", registry);
        }
    }

    @Nested
    class PowerOfTwoChoices extends SelectorContract {

        @Override
        protected Registry newRegistry() {
            return new MemoryRegistry();
        }

        @Override
        protected Selector newSelector(Registry registry) {
            return byName("p2c", registry);
        }
    }
}
