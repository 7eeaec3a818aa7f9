/**
 * Serving endpoints: handlers, the server lifecycle and what it registers.
 *
 * <p>Nothing in this package accepts or returns {@code null} unless its Javadoc says so.
 */
package io.microcdi.server;
