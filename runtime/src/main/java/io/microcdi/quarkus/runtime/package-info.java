/**
 * MicroCDI on Quarkus at run time: nothing of its own yet. The jar brings {@code microcdi-cdi} (its Build Compatible
 * Extension, which ArC runs at build time, its producers and its lifecycle) and names the deployment artifact
 * ({@code META-INF/quarkus-extension.properties}), whose {@code MicroProcessor} does the Quarkus-specific build steps.
 *
 * <pre>{@code
 * <dependency><groupId>io.microcdi</groupId><artifactId>microcdi-quarkus</artifactId></dependency>
 * }</pre>
 *
 * <p>Nothing in this package accepts or returns {@code null} unless its Javadoc says so.
 */
package io.microcdi.quarkus.runtime;
