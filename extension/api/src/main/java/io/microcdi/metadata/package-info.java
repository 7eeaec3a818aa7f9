/**
 * Headers that travel with calls and messages, looked up without regard to case.
 *
 * <p>Nothing in this package accepts or returns {@code null} unless its Javadoc says so.
 */
package io.microcdi.metadata;
