/**
 * The {@code gossip} registry: service discovery with no registry server, each process a member of a SWIM cluster
 * (scalecube-cluster) that carries its registered nodes in its member metadata.
 *
 * <p>Nothing in this package accepts or returns {@code null} unless its Javadoc says so.
 */
package io.microcdi.registry.gossip;
