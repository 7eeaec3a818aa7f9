/**
 * What nodes of every kind (RPC servers, broker subscriptions) share about being in the registry. Internal: may
 * change at any time.
 */
package io.microcdi.internal.registry;
