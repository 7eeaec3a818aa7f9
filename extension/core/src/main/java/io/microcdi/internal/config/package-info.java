/**
 * Reading {@code micro.*} keys from MicroProfile Config (or a map, in tests) and choosing plugins by name.
 * Internal: may change in any release.
 */
package io.microcdi.internal.config;
