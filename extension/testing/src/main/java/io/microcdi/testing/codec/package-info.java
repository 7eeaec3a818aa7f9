/**
 * The contract suite of {@link io.microcdi.codec.Codec} plugins: extend
 * {@link io.microcdi.testing.codec.CodecContract} and make the codec.
 *
 * <p>Nothing in this package accepts or returns {@code null} unless its Javadoc says so.
 */
package io.microcdi.testing.codec;
