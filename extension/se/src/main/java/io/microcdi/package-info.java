/**
 * Running MicroCDI standalone: {@link io.microcdi.Micro} boots Weld SE, serves until SIGTERM or SIGINT, then shuts
 * down in order.
 */
package io.microcdi;
