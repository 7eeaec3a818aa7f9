/**
 * Traces of MicroCDI's calls and messages in OpenTelemetry: a span per call served, per client attempt, per publish
 * and per delivery, named and attributed after OpenTelemetry's semantic conventions for RPC and messaging, with the
 * W3C trace context carried in Go Micro's metadata.
 *
 * <p>Nothing in this package accepts or returns {@code null} unless its Javadoc says so.
 */
package io.microcdi.telemetry.otel;
