/**
 * The {@code file} registry, a small complete plugin written as the example of the "write a plugin" page: one JSON
 * file per node in a directory that every process shares.
 *
 * <p>Nothing in this package accepts or returns {@code null} unless its Javadoc says so.
 */
package io.microcdi.examples.registry.file;
