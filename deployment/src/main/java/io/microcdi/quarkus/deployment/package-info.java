/**
 * MicroCDI's Quarkus build steps ({@link io.microcdi.quarkus.deployment.MicroProcessor}): what Quarkus needs beyond
 * the Build Compatible Extension that ArC runs, never a second discovery path.
 *
 * <p>Nothing in this package accepts or returns {@code null} unless its Javadoc says so.
 */
package io.microcdi.quarkus.deployment;
