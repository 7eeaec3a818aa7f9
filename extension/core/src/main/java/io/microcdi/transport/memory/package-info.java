/**
 * The {@code memory} transport: calls between a client and a server of one JVM, handed over without sockets or
 * copies, for tests and for measuring the framework's own overhead per call.
 *
 * <p>Nothing in this package accepts or returns {@code null} unless its Javadoc says so.
 */
package io.microcdi.transport.memory;
