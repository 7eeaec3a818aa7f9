/**
 * Service discovery: where the nodes of a service are, as Go Micro's registry records them, and the heartbeat that
 * keeps a node there.
 *
 * <p>Nothing in this package accepts or returns {@code null} unless its Javadoc says so.
 */
package io.microcdi.registry;
