/**
 * Typed client proxies: a plain Java interface whose methods call endpoints. Internal.
 */
package io.microcdi.internal.client;
