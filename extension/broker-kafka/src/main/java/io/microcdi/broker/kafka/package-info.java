/**
 * The {@code kafka} broker: pub/sub on Kafka (the official {@code kafka-clients}) with consumer groups, at least once,
 * per-key order, bounded retries and a dead-letter topic, in Go Micro's wire format.
 *
 * <p>Nothing in this package accepts or returns {@code null} unless its Javadoc says so.
 */
package io.microcdi.broker.kafka;
