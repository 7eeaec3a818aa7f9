package io.microcdi.selector;

import io.microcdi.config.MicroConfig;
import io.microcdi.registry.Registry;

/**
 * Makes a {@link Selector}; the one whose {@link #name()} equals {@code micro.selector} is used.
 *
 * <pre>{@code
 * public String name() { return "random"; }
 * public Selector create(MicroConfig config, Registry registry) { return new MySelector(registry); }
 * }</pre>
 */
public interface SelectorProvider {

    /** The plugin name, lower case. */
    String name();

    /** A new selector over {@code registry}. */
    Selector create(MicroConfig config, Registry registry);
}
