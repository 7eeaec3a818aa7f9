/**
 * The default {@code http} transport: Go Micro's "mucp" framing, one HTTP/1.1 {@code POST /} per call and an
 * always-200 response, over Netty, with a bounded keep-alive connection pool per address on the client side.
 *
 * <p>Nothing in this package accepts or returns {@code null} unless its Javadoc says so.
 */
package io.microcdi.transport.http;
