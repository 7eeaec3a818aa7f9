/**
 * MicroProfile Health checks of a MicroCDI process: readiness from its start, registration and broker, liveness with
 * its server's figures. {@code MicroExtension} adds these beans only when the MicroProfile Health API is on the class
 * path (Quarkus with {@code quarkus-smallrye-health}, Open Liberty with {@code mpHealth}); nothing else loads them.
 *
 * <p>Nothing in this package accepts or returns {@code null} unless its Javadoc says so.
 */
package io.microcdi.cdi.health;
