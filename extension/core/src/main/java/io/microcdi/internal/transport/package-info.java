/**
 * What the built-in transports share beyond the {@code Transport} contract: the engine their message streams run on
 * ({@link io.microcdi.internal.transport.StreamEngine}), and the path {@code POST} the HTTP broker needs for its
 * {@code /_sub}. Internal: may change at any time.
 *
 * <p>Nothing in this package accepts or returns {@code null} unless its Javadoc says so.
 */
package io.microcdi.internal.transport;
