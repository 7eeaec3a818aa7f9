/**
 * Contract suites and test helpers for MicroCDI plugins: a plugin's test extends a suite and supplies the plugin;
 * this package holds what such tests need again and again (free ports, loopback mDNS, waiting for a registry,
 * external processes, and whether the engines they run are installed: {@link io.microcdi.testing.Engines}).
 *
 * <p>Nothing in this package accepts or returns {@code null} unless its Javadoc says so.
 */
package io.microcdi.testing;
