/**
 * The {@code mdns} registry, the default: DNS-SD over multicast DNS (jmdns), on loopback unless configured otherwise.
 *
 * <p>Nothing in this package accepts or returns {@code null} unless its Javadoc says so.
 */
package io.microcdi.registry.mdns;
