/**
 * The default client ({@code rpc}): selects a node, sends Go Micro's "mucp" headers, carries the deadline in
 * {@code Timeout} and retries connection failures on another node.
 */
package io.microcdi.client.rpc;
