/**
 * The contract suite of {@link io.microcdi.registry.Registry} plugins: extend
 * {@link io.microcdi.testing.registry.RegistryContract} and make registries.
 *
 * <p>Nothing in this package accepts or returns {@code null} unless its Javadoc says so.
 */
package io.microcdi.testing.registry;
