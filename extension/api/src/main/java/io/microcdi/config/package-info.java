/**
 * The {@code micro.*} configuration: a typed view of its keys that plugins read ({@link io.microcdi.config.MicroConfig},
 * with {@link io.microcdi.config.MicroConfig#of(java.util.Map)} for tests), and the choice of each concern's plugin by
 * name ({@link io.microcdi.config.Plugins}).
 *
 * <p>Nothing in this package accepts or returns {@code null} unless its Javadoc says so.
 */
package io.microcdi.config;
