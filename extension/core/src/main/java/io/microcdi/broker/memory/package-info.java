/**
 * The {@code memory} broker: publish/subscribe within one JVM, for tests and for several containers in one process.
 *
 * <p>Nothing in this package accepts or returns {@code null} unless its Javadoc says so.
 */
package io.microcdi.broker.memory;
