/**
 * A real etcd cluster on the loopback interface for tests: {@link io.microcdi.testing.etcd.EtcdCluster} starts the
 * installed {@code etcd} as several members, finds the leader, and kills, stops and restarts members.
 *
 * <p>Nothing in this package accepts or returns {@code null} unless its Javadoc says so.
 */
package io.microcdi.testing.etcd;
