/**
 * Client-side load balancing: which node of a service the next call goes to.
 *
 * <p>Nothing in this package accepts or returns {@code null} unless its Javadoc says so.
 */
package io.microcdi.selector;
