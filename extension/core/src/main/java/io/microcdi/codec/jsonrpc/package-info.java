/**
 * The JSON-RPC envelope codec ({@code application/json-rpc}), also the legacy form of {@code application/json}
 * requests without routing headers.
 */
package io.microcdi.codec.jsonrpc;
