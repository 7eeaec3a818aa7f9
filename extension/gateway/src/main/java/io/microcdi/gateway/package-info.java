/**
 * Go Micro's API gateway for MicroCDI services: HTTP/JSON in front of the RPC services found in the registry
 * ({@link io.microcdi.gateway.GatewayResource}, routed as Go Micro's {@code rpc} and {@code api} handlers do), and a
 * web dashboard of the registry ({@link io.microcdi.gateway.DashboardResource}), as JAX-RS resources and CDI beans.
 * Both are thin adapters of a container-neutral core ({@link io.microcdi.gateway.Gateway},
 * {@link io.microcdi.gateway.HttpFront}, {@link io.microcdi.gateway.Dashboard},
 * {@link io.microcdi.gateway.RegistryFeed}), which {@link io.microcdi.gateway.GatewayHttpServer} serves on the JDK's
 * HTTP server for {@code micro api}.
 *
 * <p>Nothing in this package accepts or returns {@code null} unless its Javadoc says so.
 */
package io.microcdi.gateway;
