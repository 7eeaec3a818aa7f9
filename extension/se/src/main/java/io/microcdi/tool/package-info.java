/**
 * Command-line tools that drive running services through the MicroCDI client: {@link io.microcdi.tool.Load}, a
 * closed-loop load generator, and the {@link io.microcdi.tool.LatencyHistogram} it records into.
 *
 * <p>Nothing in this package accepts or returns {@code null} unless its Javadoc says so.
 */
package io.microcdi.tool;
