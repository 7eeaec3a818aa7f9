/**
 * The annotations a MicroCDI user writes: {@link io.microcdi.annotation.Service},
 * {@link io.microcdi.annotation.MicroClient}, {@link io.microcdi.annotation.Endpoint}, and
 * {@link io.microcdi.annotation.NonBlocking} / {@link io.microcdi.annotation.Blocking} for where an endpoint runs.
 *
 * <p>Nothing in this package accepts or returns {@code null} unless its Javadoc says so.
 */
package io.microcdi.annotation;
