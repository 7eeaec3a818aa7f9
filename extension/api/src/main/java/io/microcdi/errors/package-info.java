/**
 * The structured error of the Go Micro wire (id, code, detail, status) and its JSON form.
 *
 * <p>Nothing in this package accepts or returns {@code null} unless its Javadoc says so.
 */
package io.microcdi.errors;
