/**
 * The contract suite of {@link io.microcdi.selector.Selector} plugins: extend
 * {@link io.microcdi.testing.selector.SelectorContract} and make the selector.
 *
 * <p>Nothing in this package accepts or returns {@code null} unless its Javadoc says so.
 */
package io.microcdi.testing.selector;
