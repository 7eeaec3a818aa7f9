/**
 * The call or message being handled: who called what, until when, and the metadata that travels on to the calls
 * and messages it leads to.
 *
 * <p>Nothing in this package accepts or returns {@code null} unless its Javadoc says so.
 */
package io.microcdi.context;
