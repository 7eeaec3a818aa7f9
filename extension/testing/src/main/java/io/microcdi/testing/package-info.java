/**
 * Contract suites and test helpers for MicroCDI plugins: a plugin's test extends a suite and supplies the plugin.
 */
package io.microcdi.testing;
