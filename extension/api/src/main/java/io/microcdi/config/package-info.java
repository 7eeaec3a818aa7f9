/**
 * A typed view of the {@code micro.*} configuration keys that plugins read.
 *
 * <p>Nothing in this package accepts or returns {@code null} unless its Javadoc says so.
 */
package io.microcdi.config;
