/**
 * The contract suite of {@link io.microcdi.broker.Broker} plugins: extend
 * {@link io.microcdi.testing.broker.BrokerContract} and make brokers.
 *
 * <p>Nothing in this package accepts or returns {@code null} unless its Javadoc says so.
 */
package io.microcdi.testing.broker;
