/**
 * The {@code micrometer} telemetry: the framework's calls, retries, ejections, publishes, deliveries and gauges as
 * Micrometer meters, in the container's {@code MeterRegistry} or Micrometer's global one.
 *
 * <p>Nothing in this package accepts or returns {@code null} unless its Javadoc says so.
 */
package io.microcdi.telemetry.micrometer;
