/**
 * What MicroCDI tells metrics and tracing libraries about its calls, messages and parts: {@link
 * io.microcdi.telemetry.Telemetry}, made by the {@link io.microcdi.telemetry.TelemetryProvider}s on the class path
 * (Micrometer in {@code microcdi-telemetry-micrometer}, OpenTelemetry in {@code microcdi-telemetry-otel}). With none
 * there, every hook is {@link io.microcdi.telemetry.Telemetry#NONE}: a field read and a branch per call.
 */
package io.microcdi.telemetry;
