/**
 * The {@code micro} command line ({@link io.microcdi.cli.MicroCli}): lists, describes, calls, streams to and watches
 * services, publishes and subscribes, checks health and puts load, on the plugins a service uses, chosen and
 * configured the same way, without a CDI container.
 *
 * <p>Nothing in this package accepts or returns {@code null} unless its Javadoc says so.
 */
package io.microcdi.cli;
