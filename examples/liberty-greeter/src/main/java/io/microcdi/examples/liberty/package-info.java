/**
 * The greeter as a WAR on Open Liberty: the {@code greeter} service, a JAX-RS resource calling it through a
 * {@code @MicroClient}, and orders published and received on the {@code orders} topic.
 */
package io.microcdi.examples.liberty;
