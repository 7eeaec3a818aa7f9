/**
 * Encoding and decoding message bodies, chosen by content type.
 *
 * <p>Nothing in this package accepts or returns {@code null} unless its Javadoc says so.
 */
package io.microcdi.codec;
