/**
 * The greeter as a Quarkus application: a MicroCDI service and a REST endpoint that calls it through a
 * {@code @MicroClient}.
 *
 * <p>Nothing in this package accepts or returns {@code null} unless its Javadoc says so.
 */
package io.microcdi.examples.quarkus.greeter;
