/**
 * The annotations a MicroCDI user writes: {@link io.microcdi.annotation.Service}, {@link io.microcdi.annotation.MicroClient} and {@link io.microcdi.annotation.Endpoint}.
 *
 * <p>Nothing in this package accepts or returns {@code null} unless its Javadoc says so.
 */
package io.microcdi.annotation;
