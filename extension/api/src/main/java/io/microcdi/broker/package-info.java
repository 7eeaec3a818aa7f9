/**
 * Asynchronous publish/subscribe messaging: the {@code Broker} plugins ({@code http}, {@code memory}) and the typed
 * {@code Publisher} that {@code @Inject @Topic("orders")} gives.
 *
 * <p>Nothing in this package accepts or returns {@code null} unless its Javadoc says so.
 */
package io.microcdi.broker;
