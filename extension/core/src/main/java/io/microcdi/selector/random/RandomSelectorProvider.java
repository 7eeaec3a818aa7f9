package io.microcdi.selector.random;

import io.microcdi.config.MicroConfig;
import io.microcdi.registry.Registry;
import io.microcdi.selector.Selector;
import io.microcdi.selector.SelectorProvider;

/**
 * Provides {@link RandomSelector} under the name {@code random} (the default {@code micro.selector}).
 *
 * <pre>{@code
 * micro.selector=random
 * }</pre>
 */
public final class RandomSelectorProvider implements SelectorProvider {

    @Override
    public String name() {
        return "random";
    }

    @Override
    public Selector create(MicroConfig config, Registry registry) {
        return new RandomSelector(registry);
    }
}
