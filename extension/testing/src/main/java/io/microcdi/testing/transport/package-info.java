/**
 * Contract suites for {@link io.microcdi.transport.Transport} plugins: extend {@link TransportContract} (every
 * transport) and {@link MessageStreamContract} (a {@link io.microcdi.transport.StreamingTransport}) with one factory
 * method, and the plugin is checked through the public API as the built-in ones are.
 *
 * <p>Nothing in this package accepts or returns {@code null} unless its Javadoc says so.
 */
package io.microcdi.testing.transport;
