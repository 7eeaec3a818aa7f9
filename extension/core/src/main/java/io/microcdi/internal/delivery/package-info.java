/**
 * What the built-in brokers ({@code memory}, {@code http}) share: the {@code micro.broker.*} delivery settings, the
 * {@link io.microcdi.broker.Event} a handler receives, and the outcome of one publication across its target groups.
 * Internal: may change at any time.
 *
 * <p>Nothing in this package accepts or returns {@code null} unless its Javadoc says so.
 */
package io.microcdi.internal.delivery;
