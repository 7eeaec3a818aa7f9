/**
 * The raw bytes codec ({@code application/octet-stream}) for endpoints taking and returning {@code byte[]} or
 * {@code ByteBuffer}.
 */
package io.microcdi.codec.bytes;
