/**
 * The CDI integration: one Build Compatible Extension that discovers {@code @Service} beans and
 * {@code @MicroClient} injection points, the producers that choose plugins by configured name, and the lifecycle
 * that serves and registers when the container is up.
 *
 * <p>Nothing in this package accepts or returns {@code null} unless its Javadoc says so.
 */
package io.microcdi.cdi;
