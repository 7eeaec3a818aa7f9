/**
 * What the built-in transports offer beyond the {@code Transport} contract, for the built-in plugins that need it
 * (the HTTP broker's {@code /_sub}). Internal: may change at any time.
 *
 * <p>Nothing in this package accepts or returns {@code null} unless its Javadoc says so.
 */
package io.microcdi.internal.transport;
