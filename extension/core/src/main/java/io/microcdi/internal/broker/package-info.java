/**
 * The container-neutral glue between typed code and a {@link io.microcdi.broker.Broker}: the rules a
 * {@code @Subscribe} method must follow, its method-handle dispatch, and the {@link io.microcdi.broker.Publisher}
 * behind {@code @Topic}. Fed by the CDI extension (and later a Quarkus build step). Internal.
 *
 * <p>Nothing in this package accepts or returns {@code null} unless its Javadoc says so.
 */
package io.microcdi.internal.broker;
