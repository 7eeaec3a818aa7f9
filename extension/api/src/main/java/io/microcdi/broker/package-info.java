/**
 * Asynchronous publish/subscribe messaging (the contract; implementations arrive with the pub/sub work).
 *
 * <p>Nothing in this package accepts or returns {@code null} unless its Javadoc says so.
 */
package io.microcdi.broker;
