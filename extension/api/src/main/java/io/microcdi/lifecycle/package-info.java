/**
 * The events of a MicroCDI process's start and stop, Go Micro's {@code BeforeStart}, {@code AfterStart},
 * {@code BeforeStop} and {@code AfterStop} options as CDI events: observe them in any bean.
 *
 * <p>Nothing in this package accepts or returns {@code null} unless its Javadoc says so.
 */
package io.microcdi.lifecycle;
