/**
 * The default server ({@code rpc}): Go Micro's "mucp" protocol over a {@link io.microcdi.transport.Transport}, with
 * registration, heartbeats and a draining shutdown.
 */
package io.microcdi.server.rpc;
