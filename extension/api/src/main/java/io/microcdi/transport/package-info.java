/**
 * Moving request and response messages between nodes (HTTP by default).
 *
 * <p>Nothing in this package accepts or returns {@code null} unless its Javadoc says so.
 */
package io.microcdi.transport;
