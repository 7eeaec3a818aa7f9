/**
 * Making calls to services: the low-level client that typed {@code @MicroClient} proxies are built on.
 *
 * <p>Nothing in this package accepts or returns {@code null} unless its Javadoc says so.
 */
package io.microcdi.client;
