/**
 * What every broker shares, the built-in ones ({@code memory}, {@code http}) and plugin ones alike: the
 * {@code micro.broker.*} delivery settings each must honour ({@link io.microcdi.broker.delivery.DeliveryConfig}), the
 * {@link io.microcdi.broker.Event} a handler receives, and the outcome of one publication across its target groups.
 *
 * <p>Nothing in this package accepts or returns {@code null} unless its Javadoc says so.
 */
package io.microcdi.broker.delivery;
