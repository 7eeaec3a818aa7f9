/**
 * The {@code etcd} registry: service discovery in an etcd v3 cluster (jetcd), in Go Micro's key layout, so that Go
 * Micro and MicroCDI services reading one etcd find each other.
 *
 * <p>Nothing in this package accepts or returns {@code null} unless its Javadoc says so.
 */
package io.microcdi.registry.etcd;
