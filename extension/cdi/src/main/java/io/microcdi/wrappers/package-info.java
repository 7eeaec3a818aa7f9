/**
 * MicroCDI's built-in wrappers, each opt-in: request logging ({@link io.microcdi.wrappers.Logged}), timings for
 * metrics ({@link io.microcdi.wrappers.Measured}), W3C trace-context propagation
 * ({@link io.microcdi.wrappers.TraceContext}, {@link io.microcdi.wrappers.TraceContextWrapper}) and a bearer-token
 * check ({@link io.microcdi.wrappers.BearerToken}, {@link io.microcdi.wrappers.BearerTokenWrapper}). Put a binding on
 * a {@code @Service} class, a class with {@code @Subscribe} methods or a {@code @MicroClient} interface, or name them
 * in {@code micro.server.wrappers} and {@code micro.client.wrappers}.
 *
 * <p>Nothing in this package accepts or returns {@code null} unless its Javadoc says so.
 */
package io.microcdi.wrappers;
