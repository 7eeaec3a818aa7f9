/**
 * A real Kafka broker on the loopback interface for tests: {@link io.microcdi.testing.kafka.KafkaServer} forks Kafka
 * 4.3.1 (KRaft, one combined broker and controller) from the Maven artifacts this module records at build time, waits
 * until it serves clients, and kills, stops and restarts it; {@link io.microcdi.testing.kafka.KafkaServerMain} is the
 * forked JVM's main class.
 *
 * <pre>{@code
 * KafkaServer.assumeAvailable();
 * String bootstrap = KafkaServer.shared().bootstrapServers();   // "127.0.0.1:PORT", one broker per test JVM
 * }</pre>
 *
 * <p>Nothing in this package accepts or returns {@code null} unless its Javadoc says so.
 */
package io.microcdi.testing.kafka;
