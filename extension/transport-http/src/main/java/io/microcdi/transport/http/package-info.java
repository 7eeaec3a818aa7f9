/**
 * The default {@code http} transport: Go Micro's "mucp" framing, one HTTP/1.1 {@code POST /} (or one HTTP/2 stream)
 * per call and an always-200 response, over Netty, optionally with TLS, with a bounded keep-alive connection pool per
 * address on the client side.
 *
 * <p>Nothing in this package accepts or returns {@code null} unless its Javadoc says so.
 */
package io.microcdi.transport.http;
