/**
 * Go Micro's API gateway for MicroCDI services: HTTP/JSON in front of the RPC services found in the registry
 * ({@link io.microcdi.gateway.GatewayResource}, routed as Go Micro's {@code rpc} and {@code api} handlers do), and a
 * web dashboard of the registry ({@link io.microcdi.gateway.DashboardResource}), as JAX-RS resources and CDI beans.
 *
 * <p>Nothing in this package accepts or returns {@code null} unless its Javadoc says so.
 */
package io.microcdi.gateway;
