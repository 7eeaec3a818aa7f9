/**
 * Reading {@code micro.*} keys from MicroProfile Config, listener addresses, and the keys that were renamed.
 * Internal: may change in any release.
 */
package io.microcdi.internal.config;
