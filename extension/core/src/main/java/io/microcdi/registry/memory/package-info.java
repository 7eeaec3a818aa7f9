/**
 * The {@code memory} registry: nodes kept in this JVM, for tests and for two containers in one process.
 *
 * <p>Nothing in this package accepts or returns {@code null} unless its Javadoc says so.
 */
package io.microcdi.registry.memory;
