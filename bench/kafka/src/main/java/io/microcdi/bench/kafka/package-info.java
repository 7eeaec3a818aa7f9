/**
 * The Kafka broker benchmark: {@link io.microcdi.bench.kafka.KafkaBench} measures publish+deliver throughput through
 * MicroCDI's {@code kafka} broker against the raw Kafka client on one broker in one run.
 */
package io.microcdi.bench.kafka;
