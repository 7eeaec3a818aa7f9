/**
 * A real NATS server on the loopback interface for tests: {@link io.microcdi.testing.nats.NatsServer} starts the
 * installed {@code nats-server} with JetStream, as one server or as a cluster of several nodes, waits until they are
 * ready (and, for a cluster, until the JetStream metadata leader is elected), finds that leader, and kills, stops and
 * restarts nodes.
 *
 * <pre>{@code
 * NatsServer.assumeInstalled();
 * try (NatsServer nats = NatsServer.cluster(3)) {
 *     broker = newBroker(nats.urlList());   // "nats://127.0.0.1:C0,nats://127.0.0.1:C1,nats://127.0.0.1:C2"
 * }
 * }</pre>
 *
 * <p>Nothing in this package accepts or returns {@code null} unless its Javadoc says so.
 */
package io.microcdi.testing.nats;
