/**
 * The {@code nats} broker: pub/sub on NATS (jnats) in Go Micro's wire format, at most once on core NATS and at least
 * once on JetStream.
 *
 * <p>Nothing in this package accepts or returns {@code null} unless its Javadoc says so.
 */
package io.microcdi.broker.nats;
