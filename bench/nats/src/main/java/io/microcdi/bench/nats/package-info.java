/**
 * The NATS broker benchmark: publish+deliver throughput through MicroCDI's {@code NatsBroker} against raw jnats on one
 * nats-server, 64 publishes in flight ({@link io.microcdi.bench.nats.NatsBench}).
 */
package io.microcdi.bench.nats;
