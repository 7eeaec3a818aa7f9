/**
 * The {@code http} broker, the default: Go Micro's HTTP broker, subscriptions in the registry and deliveries as
 * {@code POST /_sub}, with retries within queue groups and publishes that wait for every group.
 *
 * <p>Nothing in this package accepts or returns {@code null} unless its Javadoc says so.
 */
package io.microcdi.broker.http;
